package dev.selfheal.recommender.server;

/**
 * A status code and a body that Jackson serialises.
 *
 * @param status HTTP status
 * @param body any Jackson-serialisable value
 */
public record JsonResponse(int status, Object body) {}
