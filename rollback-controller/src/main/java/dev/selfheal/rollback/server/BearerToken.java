package dev.selfheal.rollback.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The webhook's shared secret. Comparison hashes both sides to fixed-length digests first and
 * compares them with {@link MessageDigest#isEqual}, so the time taken reveals neither the token's
 * length nor how many leading characters matched.
 */
public final class BearerToken {

  private final byte[] expectedDigest;

  /**
   * Creates a verifier for {@code token}.
   *
   * @param token the expected token
   */
  public BearerToken(String token) {
    this.expectedDigest = digest(token);
  }

  /**
   * Checks an {@code Authorization} header value.
   *
   * @param header the header value, may be null
   * @return true when it is {@code Bearer <expected token>}
   */
  public boolean accepts(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(expectedDigest, digest(header.substring(7).strip()));
  }

  private static byte[] digest(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }
}
