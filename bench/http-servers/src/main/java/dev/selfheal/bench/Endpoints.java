package dev.selfheal.bench;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the endpoints answer, independent of the server: each server only reads the request and
 * writes the {@link Answer}, so all three do exactly the same JSON work per request.
 */
final class Endpoints {
  /** Largest accepted {@code POST /echo} body. */
  static final int MAX_BODY = 64 * 1024;

  /** Where a request goes. */
  enum Route {
    HEALTH,
    ECHO,
    NOT_FOUND,
    METHOD_NOT_ALLOWED
  }

  /** A status and a JSON body. */
  record Answer(int status, byte[] body) {}

  private record Status(String status) {}

  private record Error(String error) {}

  // ObjectMapper is thread-safe once configured; all threads of a server share this one.
  private final ObjectMapper mapper = new ObjectMapper();

  Route route(String method, String path) {
    return switch (path) {
      case "/health" -> "GET".equals(method) ? Route.HEALTH : Route.METHOD_NOT_ALLOWED;
      case "/echo" -> "POST".equals(method) ? Route.ECHO : Route.METHOD_NOT_ALLOWED;
      default -> Route.NOT_FOUND;
    };
  }

  Answer health() {
    return new Answer(200, write(new Status("alive")));
  }

  /** Parses the body as JSON and answers it back; 400 when it is not one JSON value. */
  Answer echo(byte[] body) {
    try {
      JsonNode node = mapper.readTree(body);
      if (node == null || node.isMissingNode()) {
        return error(400, "body is empty");
      }
      return new Answer(200, write(node));
    } catch (JacksonException e) {
      return error(400, "body is not JSON");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Answer tooLarge() {
    return error(413, "body larger than " + MAX_BODY + " bytes");
  }

  Answer notFound() {
    return error(404, "not found");
  }

  Answer methodNotAllowed() {
    return error(405, "method not allowed");
  }

  Answer error(int status, String message) {
    return new Answer(status, write(new Error(message)));
  }

  private byte[] write(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
