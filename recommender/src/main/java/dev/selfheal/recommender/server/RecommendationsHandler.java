package dev.selfheal.recommender.server;

import dev.selfheal.recommender.config.RecommenderConfig.RequestLimits;
import dev.selfheal.recommender.service.RecommendationService;
import dev.selfheal.runtime.http.Handler;
import dev.selfheal.runtime.http.HttpError;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;
import java.util.regex.Pattern;

/**
 * {@code GET /recommendations?user=<id>&k=<n>}: validates the query and asks the service. Runs on
 * the request workers (its route says so): the service may call the profile API.
 */
public final class RecommendationsHandler implements Handler {

  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");

  private final RecommendationService service;
  private final RequestLimits limits;

  /**
   * @param service the recommendation service
   * @param limits default and maximum k
   */
  public RecommendationsHandler(RecommendationService service, RequestLimits limits) {
    this.service = service;
    this.limits = limits;
  }

  @Override
  public Reply handle(Request request) {
    String user = request.queryParam("user");
    if (user == null || user.isEmpty()) {
      throw HttpError.badRequest("user", "query parameter 'user' is required");
    }
    if (!USER.matcher(user).matches()) {
      throw HttpError.badRequest(
          "user", "'user' must be 1-64 characters of letters, digits, '_', '.', '@' or '-'");
    }
    int k = parseK(request.queryParam("k"));
    return Reply.json(200, service.recommend(user, k));
  }

  private int parseK(String text) {
    if (text == null || text.isEmpty()) {
      return limits.defaultK();
    }
    int k;
    try {
      k = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw HttpError.badRequest("k", "'k' must be an integer, got '" + abbreviate(text) + "'");
    }
    if (k < 1 || k > limits.maxK()) {
      throw HttpError.badRequest("k", "'k' must be between 1 and " + limits.maxK());
    }
    return k;
  }

  private static String abbreviate(String text) {
    return text.length() <= 20 ? text : text.substring(0, 20) + "...";
  }
}
