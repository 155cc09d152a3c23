package dev.selfheal.recommender.embeddings;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The Redis layout shared by the loader command and the recommender: {@code <prefix>:item:<id>}
 * holds the vector as little-endian float32, {@code <prefix>:meta} is a hash with {@code
 * dimension}, {@code count} and {@code seed}, and {@code <prefix>:popular} is a sorted set of item
 * ids scored by popularity.
 *
 * @param prefix key prefix, e.g. {@code emb}
 */
public record RedisKeys(String prefix) {

  /** Hash field holding the vector length. */
  public static final String FIELD_DIMENSION = "dimension";

  /** Hash field holding the number of items written. */
  public static final String FIELD_COUNT = "count";

  /** Key of one item. */
  public byte[] item(int id) {
    return (prefix + ":item:" + id).getBytes(StandardCharsets.UTF_8);
  }

  /** SCAN pattern matching every item key. */
  public byte[] itemPattern() {
    return (prefix + ":item:*").getBytes(StandardCharsets.UTF_8);
  }

  /** The metadata hash. */
  public String meta() {
    return prefix + ":meta";
  }

  /** The popularity sorted set. */
  public String popular() {
    return prefix + ":popular";
  }

  /** Parses the id out of an item key; throws if the key does not belong to this layout. */
  public int idOf(byte[] key) {
    String text = new String(key, StandardCharsets.UTF_8);
    String head = prefix + ":item:";
    if (!text.startsWith(head)) {
      throw new IllegalArgumentException("not an item key: " + text);
    }
    try {
      return Integer.parseInt(text.substring(head.length()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("item key without a numeric id: " + text, e);
    }
  }

  /** Encodes a vector as little-endian float32. */
  public static byte[] encode(float[] vector) {
    ByteBuffer buffer =
        ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : vector) {
      buffer.putFloat(v);
    }
    return buffer.array();
  }

  /**
   * Decodes a vector into {@code target} at {@code offset}; the byte length must match the
   * dimension.
   */
  public static void decodeInto(byte[] bytes, int dimension, float[] target, int offset) {
    if (bytes.length != dimension * Float.BYTES) {
      throw new IllegalArgumentException(
          "vector has " + bytes.length + " bytes, expected " + dimension * Float.BYTES);
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < dimension; i++) {
      target[offset + i] = buffer.getFloat();
    }
  }
}
