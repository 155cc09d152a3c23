package dev.selfheal.recommender.server;

import dev.selfheal.recommender.service.NotReadyException;
import dev.selfheal.runtime.http.ErrorMapper;
import dev.selfheal.runtime.http.HttpError;

/** How the recommender's own exceptions map to HTTP; the shared mapper does the rest. */
public final class RecommenderErrors {
  private RecommenderErrors() {}

  /** The recommender's error mapper (the profile API stub uses it too). */
  public static ErrorMapper mapper() {
    return ErrorMapper.builder()
        .map(NotReadyException.class, e -> HttpError.unavailable("not_ready", e.getMessage()))
        .build();
  }
}
