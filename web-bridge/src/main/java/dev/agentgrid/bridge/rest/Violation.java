package dev.agentgrid.bridge.rest;

import io.micronaut.serde.annotation.Serdeable;

/**
 * One offending field of a refused request, as {@code google.rpc.BadRequest} names it.
 *
 * @param field the field's name (snake_case, dotted for nested fields)
 * @param description what is wrong with it
 */
@Serdeable
public record Violation(String field, String description) {
}
