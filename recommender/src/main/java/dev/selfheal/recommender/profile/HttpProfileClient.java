package dev.selfheal.recommender.profile;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.recommender.config.RecommenderConfig.ProfileSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * {@link ProfileClient} over HTTP: {@code GET <PROFILE_API_URL>/profiles/<user>} with a per-request
 * timeout, so a hanging API costs at most {@code PROFILE_TIMEOUT_MS} per call (and nothing once the
 * breaker is open).
 */
public final class HttpProfileClient implements ProfileClient {

  private final HttpClient http;
  private final ProfileSettings settings;
  private final ObjectMapper mapper;

  /**
   * @param settings base URL and timeout
   * @param mapper JSON mapper
   */
  public HttpProfileClient(ProfileSettings settings, ObjectMapper mapper) {
    this.settings = settings;
    this.mapper = mapper;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.timeout())
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  @Override
  public UserProfile fetch(String user)
      throws UnknownUserException, IOException, InterruptedException {
    String base = settings.baseUrl().toString().replaceAll("/+$", "");
    URI uri = URI.create(base + "/profiles/" + URLEncoder.encode(user, StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(settings.timeout())
            .header("Accept", "application/json")
            .GET()
            .build();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() == 404) {
      throw new UnknownUserException(user);
    }
    if (response.statusCode() != 200) {
      throw new ProfileApiException("profile API answered HTTP " + response.statusCode());
    }
    try {
      return mapper.readValue(response.body(), UserProfile.class);
    } catch (IOException e) {
      throw new ProfileApiException("unreadable profile body: " + e.getMessage());
    }
  }
}
