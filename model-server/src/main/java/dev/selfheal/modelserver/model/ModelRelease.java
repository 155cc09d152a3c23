package dev.selfheal.modelserver.model;

import java.util.Locale;

/** The model releases the server can load, selected by the {@code MODEL_VERSION} setting. */
public enum ModelRelease {
  /** The good release. */
  V1("v1.0", "fraud-v1"),
  /** The regressed release (training/serving skew in the amount's unit). */
  V2("v2.0", "fraud-v2");

  /** Resource folder holding artifacts, their metadata and the golden set. */
  public static final String RESOURCE_DIR = "/models/";

  /** File name of the shared golden set inside {@link #RESOURCE_DIR}. */
  public static final String GOLDEN_SET_FILE = "golden-set.csv";

  private final String version;
  private final String baseName;

  ModelRelease(String version, String baseName) {
    this.version = version;
    this.baseName = baseName;
  }

  /** The version string reported by the API and metrics, e.g. {@code v1.0}. */
  public String version() {
    return version;
  }

  /** The Tribuo protobuf artifact's file name, e.g. {@code fraud-v1.tribuo}. */
  public String artifactFile() {
    return baseName + ".tribuo";
  }

  /** The served weights' file name, exported from the artifact, e.g. {@code fraud-v1.linear}. */
  public String weightsFile() {
    return baseName + ".linear";
  }

  /** The metadata file's name, e.g. {@code fraud-v1.properties}. */
  public String metadataFile() {
    return baseName + ".properties";
  }

  /**
   * Parses a {@code MODEL_VERSION} value: {@code v1.0}, {@code v1}, {@code v2.0} or {@code v2}
   * (case and surrounding blanks ignored).
   *
   * @throws IllegalArgumentException naming {@code MODEL_VERSION} for anything else
   */
  public static ModelRelease fromSetting(String value) {
    String normalized = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    for (ModelRelease release : values()) {
      if (release.version.equals(normalized)
          || release.version.substring(0, release.version.indexOf('.')).equals(normalized)) {
        return release;
      }
    }
    throw new IllegalArgumentException(
        "MODEL_VERSION must be one of v1.0, v1, v2.0, v2 but was '" + value + "'");
  }
}
