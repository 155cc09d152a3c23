package dev.selfheal.modelserver.server;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The JSON body of every error response. {@code error} is the human-readable message (the key the
 * KServe v2 protocol expects); {@code field} names the request field at fault when there is one.
 *
 * @param error what went wrong, in words
 * @param code stable machine-readable code
 * @param status the HTTP status, repeated for log readers
 * @param field the request field at fault, omitted when none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(String error, String code, int status, String field) {}
