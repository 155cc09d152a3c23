package dev.selfheal.recommender.embeddings;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The item embeddings held in memory after the start-up load: one flat {@code float[]} (row {@code
 * i} holds the unit-length vector of item {@code ids[i]}) plus the popularity order used for
 * non-personalised answers. Immutable once built; shared by all request threads without locking.
 */
public final class EmbeddingSet {

  private final int dimension;
  private final int[] ids;
  private final float[] vectors;
  private final int[] popularIds;
  private final double[] popularScores;
  private final Map<Integer, Integer> rowById;

  /**
   * @param dimension vector length
   * @param ids item ids, one per row
   * @param vectors {@code ids.length * dimension} values; each row is normalised here
   * @param popularIds item ids, most popular first
   * @param popularScores popularity score per entry of {@code popularIds}
   */
  public EmbeddingSet(
      int dimension, int[] ids, float[] vectors, int[] popularIds, double[] popularScores) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be positive, got " + dimension);
    }
    if (vectors.length != ids.length * dimension) {
      throw new IllegalArgumentException(
          "expected " + ids.length * dimension + " vector values, got " + vectors.length);
    }
    if (popularIds.length != popularScores.length) {
      throw new IllegalArgumentException("popularIds and popularScores differ in length");
    }
    this.dimension = dimension;
    this.ids = ids.clone();
    this.vectors = vectors.clone();
    this.popularIds = popularIds.clone();
    this.popularScores = popularScores.clone();
    this.rowById = new HashMap<>(ids.length * 2);
    for (int row = 0; row < ids.length; row++) {
      if (rowById.put(ids[row], row) != null) {
        throw new IllegalArgumentException("duplicate item id " + ids[row]);
      }
      normalise(row);
    }
  }

  private void normalise(int row) {
    int offset = row * dimension;
    double sum = 0;
    for (int i = 0; i < dimension; i++) {
      sum += (double) vectors[offset + i] * vectors[offset + i];
    }
    if (sum == 0) {
      return;
    }
    float inverse = (float) (1.0 / Math.sqrt(sum));
    for (int i = 0; i < dimension; i++) {
      vectors[offset + i] *= inverse;
    }
  }

  /** Vector length. */
  public int dimension() {
    return dimension;
  }

  /** Number of items. */
  public int size() {
    return ids.length;
  }

  /** Item id of a row. */
  public int idAt(int row) {
    return ids[row];
  }

  /** Row of an item id, if the item is known. */
  public OptionalInt rowOf(int id) {
    Integer row = rowById.get(id);
    return row == null ? OptionalInt.empty() : OptionalInt.of(row);
  }

  /** Dot product of a row with a query vector of length {@link #dimension()}. */
  public float dot(int row, float[] query) {
    int offset = row * dimension;
    float sum = 0;
    for (int i = 0; i < dimension; i++) {
      sum += vectors[offset + i] * query[i];
    }
    return sum;
  }

  /** Adds a row's vector to {@code accumulator}. */
  public void addRowTo(int row, float[] accumulator) {
    int offset = row * dimension;
    for (int i = 0; i < dimension; i++) {
      accumulator[i] += vectors[offset + i];
    }
  }

  /** Item ids, most popular first. */
  public int[] popularIds() {
    return popularIds.clone();
  }

  /** Number of entries in the popularity list. */
  public int popularCount() {
    return popularIds.length;
  }

  /** The {@code i}-th most popular item id. */
  public int popularIdAt(int i) {
    return popularIds[i];
  }

  /** The popularity score of the {@code i}-th most popular item. */
  public double popularScoreAt(int i) {
    return popularScores[i];
  }

  /** Approximate heap bytes held, for the log line after loading. */
  public long approximateBytes() {
    return (long) vectors.length * Float.BYTES + ids.length * 48L + popularIds.length * 12L;
  }

  @Override
  public String toString() {
    return "EmbeddingSet[size="
        + ids.length
        + ", dimension="
        + dimension
        + ", popular="
        + popularIds.length
        + ", firstIds="
        + Arrays.toString(Arrays.copyOf(ids, Math.min(3, ids.length)))
        + "]";
  }
}
