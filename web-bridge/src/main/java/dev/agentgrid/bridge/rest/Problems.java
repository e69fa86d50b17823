package dev.agentgrid.bridge.rest;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import java.util.List;

/** Builds problem responses. */
public final class Problems {
    private Problems() {
    }

    /** The HTTP response for a failure. */
    public static MutableHttpResponse<Problem> response(Failure f) {
        return HttpResponse.<Problem>status(HttpStatus.valueOf(f.httpStatus())).body(Problem.of(f))
                .contentType(Problem.MEDIA_TYPE);
    }

    /** 400 for violations the bridge found itself. */
    public static MutableHttpResponse<Problem> invalid(String detail, List<Violation> violations) {
        return response(GrpcProblems.invalid(detail, violations));
    }

    /** 403 for a browser origin that is not allowed. */
    public static ProblemException forbiddenOrigin(String origin) {
        return new ProblemException(new Failure(403, "PERMISSION_DENIED", "Permission denied",
                "origin " + clip(origin) + " is not allowed (see agentgrid.bridge.allowed-origins)", List.of()));
    }

    private static String clip(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }
}
