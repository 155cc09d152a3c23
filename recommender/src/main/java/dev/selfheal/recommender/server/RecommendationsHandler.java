package dev.selfheal.recommender.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.selfheal.recommender.config.RecommenderConfig.RequestLimits;
import dev.selfheal.recommender.service.RecommendationService;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code GET /recommendations?user=<id>&k=<n>}: validates the query and asks the service. */
public final class RecommendationsHandler extends JsonHandler {

  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");

  private final RecommendationService service;
  private final RequestLimits limits;

  /**
   * @param mapper JSON mapper
   * @param service the recommendation service
   * @param limits default and maximum k
   */
  public RecommendationsHandler(
      ObjectMapper mapper, RecommendationService service, RequestLimits limits) {
    super(mapper, "GET");
    this.service = service;
    this.limits = limits;
  }

  @Override
  protected JsonResponse respond(HttpExchange exchange) {
    Map<String, String> query = parseQuery(exchange.getRequestURI().getRawQuery());
    String user = query.get("user");
    if (user == null || user.isEmpty()) {
      throw new BadRequestException("user", "query parameter 'user' is required");
    }
    if (!USER.matcher(user).matches()) {
      throw new BadRequestException(
          "user", "'user' must be 1-64 characters of letters, digits, '_', '.', '@' or '-'");
    }
    int k = parseK(query.get("k"));
    return new JsonResponse(200, service.recommend(user, k));
  }

  private int parseK(String text) {
    if (text == null || text.isEmpty()) {
      return limits.defaultK();
    }
    int k;
    try {
      k = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new BadRequestException("k", "'k' must be an integer, got '" + abbreviate(text) + "'");
    }
    if (k < 1 || k > limits.maxK()) {
      throw new BadRequestException("k", "'k' must be between 1 and " + limits.maxK());
    }
    return k;
  }

  static Map<String, String> parseQuery(String rawQuery) {
    Map<String, String> params = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        params.putIfAbsent(
            URLDecoder.decode(name, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new BadRequestException(name, "malformed percent-encoding in the query string");
      }
    }
    return params;
  }

  private static String abbreviate(String text) {
    return text.length() <= 20 ? text : text.substring(0, 20) + "...";
  }
}
