package dev.selfheal.modelserver.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Test helpers that speak the Open Inference Protocol at the byte level: replay a captured request
 * on a raw socket, and read a response the way {@code tritonclient.http.InferResult} does (JSON
 * header, then each binary output in the order the header lists them).
 */
public final class OipWire {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OipWire() {}

  /** A raw HTTP response: status, lower-cased headers, body bytes. */
  public record RawResponse(int status, Map<String, String> headers, byte[] body) {
    /** A header by (case-insensitive) name, or null. */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The body as UTF-8 text. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Reads a captured request from the test resources, byte for byte. */
  public static byte[] fixture(String name) throws IOException {
    Path path = Path.of("src/test/resources/oip-clients", name);
    return Files.readAllBytes(path);
  }

  /** Sends {@code request} unchanged to {@code 127.0.0.1:port} and reads one response. */
  public static RawResponse replay(int port, byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      String[] lines = head.split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      return new RawResponse(status, headers, in.readNBytes(length));
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed inside the response head");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII).trim();
  }

  /** The JSON part of a response: all of it, or the first Inference-Header-Content-Length bytes. */
  public static JsonNode header(RawResponse response) throws IOException {
    return JSON.readTree(response.body(), 0, headerLength(response));
  }

  private static int headerLength(RawResponse response) {
    String declared = response.header("Inference-Header-Content-Length");
    return declared == null ? response.body().length : Integer.parseInt(declared);
  }

  /**
   * Every output decoded as {@code InferResult.as_numpy} would: JSON {@code data} as is, binary
   * outputs read in header order from the bytes after the JSON header.
   */
  public static Map<String, List<Object>> outputs(RawResponse response) throws IOException {
    JsonNode header = header(response);
    ByteBuffer binary =
        ByteBuffer.wrap(response.body())
            .position(headerLength(response))
            .slice()
            .order(ByteOrder.LITTLE_ENDIAN);
    Map<String, List<Object>> result = new LinkedHashMap<>();
    for (JsonNode output : header.get("outputs")) {
      List<Object> values = new ArrayList<>();
      JsonNode size = output.path("parameters").get("binary_data_size");
      if (size == null) {
        for (JsonNode value : output.get("data")) {
          values.add(value.isNumber() ? (Object) value.doubleValue() : value.asText());
        }
      } else {
        ByteBuffer tensor = binary.slice(binary.position(), size.intValue());
        tensor.order(ByteOrder.LITTLE_ENDIAN);
        binary.position(binary.position() + size.intValue());
        while (tensor.hasRemaining()) {
          switch (output.get("datatype").asText()) {
            case "FP64" -> values.add(tensor.getDouble());
            case "BYTES" -> {
              byte[] text = new byte[tensor.getInt()];
              tensor.get(text);
              values.add(new String(text, StandardCharsets.UTF_8));
            }
            default -> throw new AssertionError("unexpected datatype " + output);
          }
        }
      }
      result.put(output.get("name").asText(), values);
    }
    if (binary.hasRemaining()) {
      throw new AssertionError(binary.remaining() + " binary bytes after the last output");
    }
    return result;
  }

  /** A complete HTTP/1.1 POST with exactly the given headers and body. */
  public static byte[] post(String path, Map<String, String> headers, byte[] body) {
    StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(body);
    return out.toByteArray();
  }
}
