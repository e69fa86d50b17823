package dev.agentgrid.bridge.rest;

import java.util.List;

/**
 * A refused or failed request, independent of how it is sent: REST sends it as
 * {@code application/problem+json}, the WebSocket as an {@code error} frame.
 *
 * @param httpStatus the HTTP status it maps to
 * @param code the gRPC status code name, e.g. {@code NOT_FOUND}
 * @param title short human-readable summary of the kind of problem
 * @param detail what went wrong, safe to show (never internals)
 * @param violations offending fields, possibly none
 */
public record Failure(int httpStatus, String code, String title, String detail, List<Violation> violations) {
}
