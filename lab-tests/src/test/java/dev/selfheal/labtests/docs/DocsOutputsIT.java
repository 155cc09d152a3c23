package dev.selfheal.labtests.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.labtests.docs.ShellCommands.Command;
import dev.selfheal.labtests.support.ModelServerProcess;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the lab guide tells learners they will see is what the real model server says: every
 * endpoint its commands call answers (no 404), and every quoted {@code /health}, {@code /ready},
 * {@code /predict}, error and {@code /metrics} output matches a fresh v1 server, apart from the
 * fields that change from call to call (milliseconds ago, prediction ids, latencies).
 */
class DocsOutputsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final Pattern JSON_BLOCK = Pattern.compile("(?s)```json\\s*\\n(.*?)\\n\\s*```");
  private static final Pattern INLINE_JSON = Pattern.compile("`(\\{\"[^`]*\\})`");
  private static final Pattern METRIC_LINE =
      Pattern.compile("(?m)^\\s*(model_[a-z_]+\\{[^}]*\\}) (\\S+)\\s*$");

  private static ModelServerProcess server;

  @BeforeAll
  static void startTheServer() {
    server = ModelServerProcess.builder().readyTimeout(Duration.ofSeconds(90)).start();
  }

  @AfterAll
  static void stopTheServer() {
    if (server != null) {
      server.close();
    }
  }

  private static HttpResponse<String> call(String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(10));
    if (method.equals("POST")) {
      request
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body));
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The curl commands of the guide that reach the model server, as (method, path, body). */
  private static List<String[]> curls(String doc) {
    List<String[]> calls = new ArrayList<>();
    for (Command command : ShellCommands.extract(doc, Repo.read(doc))) {
      if (!command.name().equals("curl")) {
        continue;
      }
      String url =
          command.words().stream()
              .filter(
                  w ->
                      w.startsWith("$URL")
                          || w.startsWith("$(minikube service model-server")
                          || w.startsWith("localhost:8080"))
              .findFirst()
              .orElseThrow(() -> new AssertionError(command + ": no model-server URL"));
      String path = url.replaceFirst("^(\\$URL|\\$\\([^)]*\\)|localhost:8080)", "");
      String body = command.after("-d");
      String method = body != null || "POST".equals(command.after("-X")) ? "POST" : "GET";
      calls.add(new String[] {method, path.isEmpty() ? "/" : path, body});
    }
    return calls;
  }

  @Test
  void everyEndpointTheGuideCallsAnswers() throws Exception {
    List<String[]> calls = new ArrayList<>(curls("README.md"));
    calls.addAll(curls("EXERCISES.md"));
    assertThat(calls).hasSizeGreaterThan(5);
    for (String[] c : calls) {
      HttpResponse<String> response = call(c[0], c[1], c[2]);
      assertThat(response.statusCode())
          .as(c[0] + " " + c[1] + " -> " + response.body())
          .isEqualTo(200);
    }
  }

  /** Removes what differs between two calls, so the rest can be compared exactly. */
  private static JsonNode stable(JsonNode node) {
    JsonNode copy = node.deepCopy();
    if (copy instanceof ObjectNode object) {
      object.remove(List.of("prediction_id", "latency_ms"));
    }
    for (JsonNode check : copy.path("checks")) {
      String reason = check.path("reason").asText();
      // The test server keeps its probe switch files in a temporary directory, not in /tmp.
      ((ObjectNode) check)
          .put(
              "reason",
              reason
                  .replaceAll("\\d+ ms ago", "N ms ago")
                  .replaceAll("\\S*/(unready|unhealthy) ", "/tmp/$1 "));
    }
    return copy;
  }

  @Test
  void quotedJsonOutputsAreWhatTheServerSays() throws Exception {
    String exercises = Repo.read("EXERCISES.md");
    String predictBody =
        curls("EXERCISES.md").stream()
            .filter(c -> c[1].equals("/predict"))
            .map(c -> c[2])
            .findFirst()
            .orElseThrow();
    List<String> quoted = new ArrayList<>();
    Matcher block = JSON_BLOCK.matcher(exercises);
    while (block.find()) {
      quoted.add(block.group(1).strip());
    }
    int compared = 0;
    for (String text : quoted) {
      JsonNode doc = JSON.readTree(text);
      JsonNode real;
      if (doc.has("prediction")) {
        real = JSON.readTree(call("POST", "/predict", predictBody).body());
      } else if (doc.path("status").asText().equals("alive")) {
        real = JSON.readTree(call("GET", "/health", null).body());
      } else if (doc.path("status").asText().equals("ready")) {
        real = JSON.readTree(call("GET", "/ready", null).body());
      } else {
        continue;
      }
      assertThat(stable(doc)).as(text).isEqualTo(stable(real));
      compared++;
    }
    assertThat(compared).as("quoted /health, /ready and /predict outputs").isEqualTo(3);
  }

  @Test
  void quotedErrorsAreWhatTheServerSays() throws Exception {
    Matcher inline = INLINE_JSON.matcher(Repo.read("EXERCISES.md"));
    int compared = 0;
    while (inline.find()) {
      JsonNode quoted = JSON.readTree(inline.group(1));
      if (!quoted.has("error")) {
        continue;
      }
      String field = quoted.path("field").asText();
      ObjectNode body =
          (ObjectNode)
              JSON.readTree(
                  "{\"amount\": 125.5, \"hour\": 14, \"distance_from_home_km\": 3.2,"
                      + " \"transactions_last_24h\": 2, \"merchant_category\": \"grocery\","
                      + " \"card_present\": true}");
      body.put(field, -5);
      HttpResponse<String> response = call("POST", "/predict", body.toString());
      assertThat(response.statusCode()).isEqualTo(quoted.path("status").asInt());
      assertThat(JSON.readTree(response.body())).isEqualTo(quoted);
      compared++;
    }
    assertThat(compared).isPositive();
  }

  @Test
  void quotedMetricSeriesExistWithTheirStartValues() throws Exception {
    String metrics = call("GET", "/metrics", null).body();
    Matcher line = METRIC_LINE.matcher(Repo.read("EXERCISES.md"));
    int compared = 0;
    while (line.find()) {
      String series = line.group(1);
      Matcher real = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
      assertThat(real.find()).as(series + " in /metrics").isTrue();
      if (!series.startsWith("model_requests_total")) {
        // Everything but the request counter is a pure function of the golden-set self-check at
        // start.
        assertThat(Double.parseDouble(real.group(1)))
            .as(series)
            .isEqualTo(Double.parseDouble(line.group(2)));
      }
      compared++;
    }
    assertThat(compared).isGreaterThanOrEqualTo(4);
  }

  @Test
  void theFraudExampleIsFraud() throws Exception {
    String fraud =
        "{\"amount\": 950, \"hour\": 3, \"distance_from_home_km\": 800, \"transactions_last_24h\": 7,"
            + " \"merchant_category\": \"electronics\", \"card_present\": false}";

    assertThat(Repo.read("EXERCISES.md"))
        .contains(
            "night-time electronics purchase of $950, 800 km from home, with the card absent");
    assertThat(JSON.readTree(call("POST", "/predict", fraud).body()).path("prediction").asText())
        .isEqualTo("fraud");
  }
}
