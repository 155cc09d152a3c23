package dev.selfheal.traffic.client;

import java.util.concurrent.CompletableFuture;

/** Sends one JSON POST to the model server and hands back its answer, without blocking. */
public interface Transport {

  /**
   * POSTs {@code body} to {@code path}.
   *
   * @param path e.g. {@code /predict}
   * @param body JSON bytes
   * @param bearer a bearer token for the Authorization header, or null
   * @return the answer; completes exceptionally when there is none (refused, reset, timed out)
   */
  CompletableFuture<Answer> post(String path, byte[] body, String bearer);

  /**
   * An HTTP answer.
   *
   * @param status the status code
   * @param body the body as text
   */
  record Answer(int status, String body) {}
}
