package dev.selfheal.modelserver.model;

/**
 * Where a model artifact came from, as reported by {@code GET /}.
 *
 * @param name model name, e.g. {@code fraud-detector}
 * @param artifact artifact file name inside the jar
 * @param dataset description of the training data set (generator, size, fraud rate)
 * @param seed the fixed seed used for data generation and training
 * @param trainer the trainer and its hyper-parameters
 * @param goldenSetSize number of examples in the held-out golden set
 * @param goldenSetAccuracy accuracy on the golden set measured when the artifact was built
 * @param sha256 hex SHA-256 of the artifact bytes
 */
public record ModelProvenance(
    String name,
    String artifact,
    String dataset,
    long seed,
    String trainer,
    int goldenSetSize,
    double goldenSetAccuracy,
    String sha256) {}
