package dev.selfheal.recommender.embeddings;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A deterministic synthetic embedding set: items fall into {@link #CLUSTERS} clusters (item {@code
 * id} belongs to cluster {@code id % CLUSTERS}), each vector is its cluster centre plus noise, and
 * popularity follows a Zipf-like curve over a seeded shuffle. The same seed always gives the same
 * bytes, so the loader, the profile stub and the tests agree without sharing state.
 */
public final class EmbeddingGenerator {

  /** Number of item clusters; the profile stub draws a user's history from one cluster. */
  public static final int CLUSTERS = 16;

  private static final float NOISE = 0.35f;

  private final int dimension;
  private final long seed;
  private final float[][] centres;

  /**
   * @param dimension vector length, at least 2
   * @param seed any value; equal seeds give equal sets
   */
  public EmbeddingGenerator(int dimension, long seed) {
    if (dimension < 2) {
      throw new IllegalArgumentException("dimension must be at least 2, got " + dimension);
    }
    this.dimension = dimension;
    this.seed = seed;
    SplittableRandom random = new SplittableRandom(seed);
    centres = new float[CLUSTERS][dimension];
    for (float[] centre : centres) {
      for (int i = 0; i < dimension; i++) {
        centre[i] = (float) random.nextGaussian();
      }
    }
  }

  /** Vector length. */
  public int dimension() {
    return dimension;
  }

  /** The cluster an item belongs to. */
  public static int clusterOf(int id) {
    return Math.floorMod(id, CLUSTERS);
  }

  /** The (not normalised) vector of one item. */
  public float[] vector(int id) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + id);
    float[] centre = centres[clusterOf(id)];
    float[] vector = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      vector[i] = centre[i] + NOISE * (float) random.nextGaussian();
    }
    return vector;
  }

  /**
   * Popularity scores for items {@code 0..count-1}: a seeded permutation ranks the items and the
   * score falls off as {@code 1 / (rank + 1)}.
   */
  public double[] popularity(int count) {
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    for (int i = count - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    double[] scores = new double[count];
    for (int rank = 0; rank < count; rank++) {
      scores[order[rank]] = 1.0 / (rank + 1);
    }
    return scores;
  }

  /** Builds the whole set in memory (tests and handler tests use this instead of Redis). */
  public EmbeddingSet generate(int count, int popularLimit) {
    int[] ids = new int[count];
    float[] vectors = new float[count * dimension];
    for (int id = 0; id < count; id++) {
      ids[id] = id;
      System.arraycopy(vector(id), 0, vectors, id * dimension, dimension);
    }
    double[] scores = popularity(count);
    int limit = Math.min(popularLimit, count);
    Integer[] byScore = new Integer[count];
    for (int i = 0; i < count; i++) {
      byScore[i] = i;
    }
    Arrays.sort(byScore, (a, b) -> Double.compare(scores[b], scores[a]));
    int[] popularIds = new int[limit];
    double[] popularScores = new double[limit];
    for (int i = 0; i < limit; i++) {
      popularIds[i] = byScore[i];
      popularScores[i] = scores[byScore[i]];
    }
    return new EmbeddingSet(dimension, ids, vectors, popularIds, popularScores);
  }
}
