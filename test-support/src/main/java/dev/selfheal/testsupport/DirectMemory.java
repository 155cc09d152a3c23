package dev.selfheal.testsupport;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/**
 * The direct (off-heap) memory this JVM uses: the JDK's direct buffer pool plus what Netty
 * allocates without the JDK's accounting (when it does).
 */
public final class DirectMemory {
  private DirectMemory() {}

  /** Bytes of direct memory in use now. */
  public static long used() {
    long jdk = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if ("direct".equals(pool.getName())) {
        jdk = pool.getMemoryUsed();
      }
    }
    return jdk + Math.max(0, nettyUntracked());
  }

  private static long nettyUntracked() {
    try {
      Class<?> netty = Class.forName("io.netty.util.internal.PlatformDependent");
      if (!(boolean) netty.getMethod("useDirectBufferNoCleaner").invoke(null)) {
        return 0; // Netty's buffers go through the JDK's pool, counted above.
      }
      return (long) netty.getMethod("usedDirectMemory").invoke(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      return 0;
    }
  }
}
