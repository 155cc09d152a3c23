package dev.selfheal.labtests.images;

import java.util.Map;

/**
 * What a lone container needs around it instead of its pod's neighbours: settings that point it at
 * stand-ins (or at closed loopback ports, for dependencies that are meant to be absent), and
 * whatever those stand-ins are, stopped by {@link #close}.
 */
interface Surroundings extends AutoCloseable {

  /** Env to set besides the manifest's literal values, given the manifest and the chosen port. */
  Map<String, String> env(ManifestContainer spec, int port);

  @Override
  default void close() {}
}
