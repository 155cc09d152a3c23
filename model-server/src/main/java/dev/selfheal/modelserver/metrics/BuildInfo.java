package dev.selfheal.modelserver.metrics;

/**
 * Static facts for {@code model_server_build_info}.
 *
 * @param appVersion the server's own version (jar manifest), {@code dev} when run from classes
 * @param javaVersion the running JVM's version
 */
public record BuildInfo(String appVersion, String javaVersion) {

  /** Reads the facts from the jar manifest and the JVM. */
  public static BuildInfo current() {
    String version = BuildInfo.class.getPackage().getImplementationVersion();
    return new BuildInfo(
        version == null ? "dev" : version, System.getProperty("java.version", "unknown"));
  }
}
