package dev.selfheal.runtime.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The JSON body of every error answer of every service. {@code error} is the message in words (the
 * key the Open Inference Protocol's clients read); {@code field} names the request field or header
 * at fault and is left out when there is none.
 *
 * @param error what went wrong
 * @param code stable machine-readable code, e.g. {@code payload_too_large}
 * @param status the HTTP status, repeated for log readers
 * @param field the field or header at fault, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(String error, String code, int status, String field) {}
