package dev.agentgrid.bridge.rest;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import dev.agentgrid.bridge.plane.Calls;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from a control-plane (gRPC) status to what a bridge client sees:
 * INVALID_ARGUMENT → 400 (with the {@code google.rpc.BadRequest} violations), NOT_FOUND → 404,
 * FAILED_PRECONDITION and ALREADY_EXISTS → 409, RESOURCE_EXHAUSTED → 429, UNAUTHENTICATED → 401,
 * PERMISSION_DENIED → 403, UNAVAILABLE and DEADLINE_EXCEEDED → 503, anything else → 500 with a
 * generic message (the cause goes to the log, never to the client). REST and WebSocket both use it.
 */
public final class GrpcProblems {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcProblems.class);

    private GrpcProblems() {
    }

    /** What the client sees for {@code error} (unwrapped from CompletableFuture's wrappers). */
    public static Failure describe(Throwable error) {
        Throwable e = Calls.unwrap(error);
        if (e instanceof StatusRuntimeException || e instanceof StatusException) {
            return fromStatus(Status.fromThrowable(e), violations(e));
        }
        LOG.error("unexpected error", e);
        return internal();
    }

    /** A request refused by the bridge itself before it reached the plane. */
    public static Failure invalid(String detail, List<Violation> violations) {
        return new Failure(400, "INVALID_ARGUMENT", "Invalid argument", detail, List.copyOf(violations));
    }

    /** A failure with no details the client may see. */
    public static Failure internal() {
        return new Failure(500, "INTERNAL", "Internal error", "internal error", List.of());
    }

    static Failure fromStatus(Status status, List<Violation> violations) {
        String description = status.getDescription();
        switch (status.getCode()) {
            case INVALID_ARGUMENT:
                return new Failure(400, "INVALID_ARGUMENT", "Invalid argument", or(description, "invalid argument"),
                        violations);
            case NOT_FOUND:
                return simple(404, status, "Not found", or(description, "not found"));
            case FAILED_PRECONDITION:
                return simple(409, status, "Conflict", or(description, "the request conflicts with the current state"));
            case ALREADY_EXISTS:
                return simple(409, status, "Conflict", or(description, "already exists"));
            case RESOURCE_EXHAUSTED:
                return simple(429, status, "Too many requests", or(description, "resource exhausted"));
            case UNAUTHENTICATED:
                return simple(401, status, "Unauthenticated", or(description, "unauthenticated"));
            case PERMISSION_DENIED:
                return simple(403, status, "Permission denied", or(description, "permission denied"));
            case UNAVAILABLE:
                // The description of a transport failure names addresses and exceptions: not for clients.
                return simple(503, status, "Service unavailable", "the control plane is unavailable; retry later");
            case DEADLINE_EXCEEDED:
                return simple(503, status, "Service unavailable", "the control plane did not answer in time; retry later");
            default:
                LOG.warn("control plane answered {}: {}", status.getCode(), description, status.getCause());
                return internal();
        }
    }

    private static Failure simple(int http, Status status, String title, String detail) {
        return new Failure(http, status.getCode().name(), title, detail, List.of());
    }

    private static String or(String description, String fallback) {
        return description == null || description.isBlank() ? fallback : description;
    }

    /** The field violations of a {@code google.rpc.BadRequest} detail, if the status carries one. */
    private static List<Violation> violations(Throwable e) {
        com.google.rpc.Status rich = StatusProto.fromThrowable(e);
        if (rich == null) {
            return List.of();
        }
        List<Violation> out = new ArrayList<>();
        for (Any detail : rich.getDetailsList()) {
            if (detail.is(BadRequest.class)) {
                try {
                    for (BadRequest.FieldViolation v : detail.unpack(BadRequest.class).getFieldViolationsList()) {
                        out.add(new Violation(v.getField(), v.getDescription()));
                    }
                } catch (InvalidProtocolBufferException ignored) {
                    // A malformed detail is ignored; the status message still says what is wrong.
                }
            }
        }
        return out;
    }

    /** The problem type URI of a gRPC code name, e.g. {@code urn:agentgrid:problem:not-found}. */
    static String type(String code) {
        return "urn:agentgrid:problem:" + code.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
