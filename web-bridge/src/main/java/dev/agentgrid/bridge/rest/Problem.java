package dev.agentgrid.bridge.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * An RFC 9457 problem document ({@code application/problem+json}), with the gRPC code and the
 * field violations as extension members.
 *
 * @param type URI naming the kind of problem, e.g. {@code urn:agentgrid:problem:not-found}
 * @param title short summary of the kind of problem
 * @param status the HTTP status
 * @param detail what went wrong in this case
 * @param code the gRPC status code name, e.g. {@code NOT_FOUND}
 * @param violations offending fields (only for invalid arguments)
 */
@Serdeable
public record Problem(String type, String title, int status, String detail, String code,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Violation> violations) {

    /** The media type of problem documents. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /** The document for a failure. */
    public static Problem of(Failure f) {
        return new Problem(GrpcProblems.type(f.code()), f.title(), f.httpStatus(), f.detail(), f.code(),
                f.violations());
    }
}
