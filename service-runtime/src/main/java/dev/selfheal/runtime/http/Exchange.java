package dev.selfheal.runtime.http;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.BufferImpl;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request from head to answer: finds the route, checks method, content type and declared size,
 * reads the body without blocking under the size limit and the body deadline, runs the handler
 * where its route says, and writes the reply or the mapped error exactly once.
 */
final class Exchange implements Handler<Void> {
  private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);
  private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");
  private static final byte[] NO_BODY = new byte[0];

  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final Handler<Throwable> BROKEN_OFF =
      e -> LOG.debug("Request broken off: {}", e.toString());

  private final Shared shared;
  private final HttpServerRequest request;
  private final ConnectionGuard guard;
  private final long startNanos = System.nanoTime();
  private final Context context = Vertx.currentContext();
  private String routeName = "unmatched";
  private Buffer body;
  private long timer = -1;
  private Runnable bodyTimeout;
  private boolean answered;
  private volatile boolean bodyComplete;
  private boolean chunked;
  private boolean finished;

  Exchange(Shared shared, HttpServerRequest request, ConnectionGuard guard) {
    this.shared = shared;
    this.request = request;
    this.guard = guard;
  }

  /** Starts handling; runs on the connection's event loop. */
  void start() {
    if (guard != null && guard.closing()) {
      // Pipelined after an answer that said Connection: close: the client must not expect more.
      request.connection().close();
      return;
    }
    shared.started();
    if (guard != null) {
      guard.headArrived();
    }
    HttpServerResponse response = request.response();
    // handle(Void): the answer was written or the connection closed.
    response.endHandler(this);
    response.closeHandler(this);
    request.exceptionHandler(BROKEN_OFF);
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    // A request without a body is complete already: an early error keeps the connection open.
    chunked = request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
    bodyComplete = (length == null || length.trim().equals("0")) && !chunked;
    Routes.Match match;
    try {
      match = shared.routes().match(request.method().name(), request.path());
      Route route = match.route();
      routeName = route.path();
      int limit = route.maxBodyBytes() > 0 ? route.maxBodyBytes() : shared.limits().maxBodyBytes();
      checkHead(route, limit);
      readBody(match, limit);
    } catch (HttpError e) {
      fail(e);
    }
  }

  /** The answer was written, or the connection closed before it was. */
  @Override
  public void handle(Void ignored) {
    finish();
  }

  private void checkHead(Route route, int limit) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (!bodyComplete || BODY_METHODS.contains(route.method())) {
      route.bodyTypes().check(request.getHeader(HttpHeaders.CONTENT_TYPE));
    }
    if (length != null && Long.parseLong(length.trim()) > limit) {
      throw HttpError.tooLarge(limit);
    }
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      request.response().writeContinue();
    }
  }

  private void readBody(Routes.Match match, int limit) {
    if (request.isEnded()) {
      bodyComplete = true;
      dispatch(match);
      return;
    }
    if (bodyComplete) {
      // No body announced (no Content-Length, or 0, and no chunking): the decoder delivers the end
      // of the request right behind its head, so there is no body to wait for or to hold.
      request.endHandler(v -> dispatch(match));
      return;
    }
    body = Buffer.buffer();
    Vertx vertx = shared.vertx();
    if (guard != null) {
      bodyTimeout = this::bodyDeadlinePassed;
      guard.bodyDeadline(shared.limits().bodyTimeout().toNanos(), bodyTimeout);
    } else {
      timer = vertx.setTimer(shared.limits().bodyTimeout().toMillis(), id -> bodyDeadlinePassed());
    }
    request.handler(
        chunk -> {
          if (answered) {
            return;
          }
          if (body.length() + chunk.length() > limit) {
            fail(HttpError.tooLarge(limit));
            return;
          }
          body.appendBuffer(chunk);
        });
    request.endHandler(
        v -> {
          cancelBodyDeadline();
          bodyComplete = true;
          if (!answered) {
            dispatch(match);
          }
        });
  }

  private void bodyDeadlinePassed() {
    fail(
        new HttpError(
            408,
            "request_timeout",
            "body",
            "request body not complete within " + shared.limits().bodyTimeout().toMillis() + " ms",
            Map.of()));
  }

  private void cancelBodyDeadline() {
    if (bodyTimeout != null) {
      guard.bodyDone(bodyTimeout);
    }
    if (timer >= 0) {
      shared.vertx().cancelTimer(timer);
    }
  }

  private void dispatch(Routes.Match match) {
    byte[] bytes = body == null ? NO_BODY : body.getBytes();
    body = null;
    Request call =
        new Request(
            request.method().name(),
            request.path(),
            request.query(),
            request::getHeader,
            bytes,
            match.params());
    Route route = match.route();
    Executor executor = route.executor();
    if (executor == null) {
      run(route, call);
      return;
    }
    try {
      executor.execute(
          new RequestTask() {
            @Override
            public void run() {
              Exchange.this.run(route, call);
            }

            @Override
            public void abandon(Throwable cause) {
              fail(cause);
            }
          });
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  private void run(Route route, Request call) {
    Reply reply;
    try {
      reply = route.handler().handle(call);
    } catch (Exception e) {
      fail(e);
      return;
    }
    send(reply, false);
  }

  /** Answers with the mapped error; the connection is closed when the request was not all read. */
  private void fail(Throwable failure) {
    HttpError error = shared.errors().map(failure);
    LOG.debug(
        "{} {} -> {} {}", request.method(), request.path(), error.status(), error.getMessage());
    send(EncodedReply.ofError(error), !bodyComplete);
  }

  private void send(Reply reply, boolean closeAfter) {
    EncodedReply answer =
        EncodedReply.of(reply, shared.json(), request.method() + " " + request.path());
    if (Vertx.currentContext() == context) {
      write(answer, closeAfter);
    } else {
      // A handler on a worker thread: the write happens on the connection's event loop.
      try {
        context.runOnContext(v -> write(answer, closeAfter));
      } catch (RejectedExecutionException e) {
        // The server stopped while the handler ran (a drain that ran out of time, or close()):
        // its connections are closed, so there is nobody left to answer.
        LOG.debug("{} {}: server stopped before the answer", request.method(), request.path());
      }
    }
  }

  private void write(EncodedReply answer, boolean closeAfter) {
    Reply reply = answer.reply();
    String contentType = answer.contentType();
    HttpServerResponse response = request.response();
    if (answered || response.ended() || response.closed()) {
      return;
    }
    answered = true;
    cancelBodyDeadline();
    // A chunked request may also have carried a Content-Length, which the decoder drops (the
    // chunking wins): a proxy in front that read the other length would see a different request
    // boundary, so nothing more is read from this connection (RFC 9112, 6.3).
    // A drain answers every request it has read: requests pipelined behind this one are served
    // before the connection is closed.
    boolean close =
        closeAfter || chunked || (shared.draining() && (guard == null || !guard.moreWaiting()));
    response.setStatusCode(reply.status());
    response.putHeader(
        HttpHeaders.CONTENT_TYPE, "application/json".equals(contentType) ? JSON : contentType);
    if (!reply.headers().isEmpty()) {
      reply.headers().forEach(response::putHeader);
    }
    if (close) {
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    shared.observer().observe(request.method().name(), routeName, reply.status(), seconds());
    Buffer payload = BufferImpl.buffer(answer.bytes());
    if (close && guard != null) {
      response.end(payload).onComplete(done -> guard.lingerClose());
    } else {
      response.end(payload);
    }
  }

  private double seconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    cancelBodyDeadline();
    if (guard != null) {
      guard.requestFinished();
    }
    shared.finished();
  }
}
