package dev.agentgrid.bridge.rest;

import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.micronaut.web.router.exceptions.UnsatisfiedRouteException;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/**
 * Micronaut's own error responses (no such route, wrong method or media type, unreadable body,
 * an unexpected exception) as problem documents like every other error of the bridge. 5xx
 * details are generic: causes go to the log, not to clients.
 */
@Singleton
public class ProblemErrorProcessor implements ErrorResponseProcessor<Problem> {
    @Override
    @SuppressWarnings("unchecked")
    public MutableHttpResponse<Problem> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        MutableHttpResponse<Problem> out = (MutableHttpResponse<Problem>) response;
        if (context.getRequest().getMethod() == HttpMethod.HEAD) {
            return out;
        }
        int status = response.code();
        Failure f = failure(status, context);
        return out.body(Problem.of(f)).contentType(Problem.MEDIA_TYPE);
    }

    private static Failure failure(int status, ErrorContext context) {
        Throwable cause = context.getRootCause().orElse(null);
        switch (status) {
            case 400:
                return badRequest(context, cause);
            case 404:
                return new Failure(404, "NOT_FOUND", "Not found", "no such resource: " + clip(context.getRequest().getPath()),
                        List.of());
            case 405:
                return new Failure(405, "UNIMPLEMENTED", "Method not allowed",
                        context.getRequest().getMethodName() + " is not supported here", List.of());
            case 406:
                return new Failure(406, "INVALID_ARGUMENT", "Not acceptable", "the response is JSON", List.of());
            case 413:
                return new Failure(413, "RESOURCE_EXHAUSTED", "Content too large", "the request body is too large",
                        List.of());
            case 415:
                return new Failure(415, "INVALID_ARGUMENT", "Unsupported media type",
                        "send request bodies as application/json", List.of());
            case 503:
                return new Failure(503, "UNAVAILABLE", "Service unavailable", "try again later", List.of());
            default:
                if (status >= 500) {
                    return GrpcProblems.internal();
                }
                return new Failure(status, "FAILED_PRECONDITION", "Request refused", firstMessage(context), List.of());
        }
    }

    private static Failure badRequest(ErrorContext context, Throwable cause) {
        List<Violation> violations = new ArrayList<>();
        String detail = "malformed request";
        if (cause instanceof ConversionErrorException cee) {
            Argument<?> a = cee.getArgument();
            String field = "body".equals(a.getName()) ? "body" : a.getName();
            violations.add(new Violation(field, "body".equals(field) ? "malformed JSON" : "could not be read"));
            detail = "body".equals(field) ? "malformed JSON body" : "malformed parameter " + field;
        } else if (cause instanceof UnsatisfiedRouteException ure) {
            violations.add(new Violation(ure.getArgument().getName(), "required"));
            detail = "missing " + ure.getArgument().getName();
        } else if (isJsonProblem(cause)) {
            violations.add(new Violation("body", "malformed JSON"));
            detail = "malformed JSON body";
        }
        return GrpcProblems.invalid(detail, violations);
    }

    private static boolean isJsonProblem(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String name = t.getClass().getName();
            if (name.contains("Json") || name.contains("Serde") || name.contains("Codec")) {
                return true;
            }
        }
        return false;
    }

    private static String firstMessage(ErrorContext context) {
        return context.getErrors().isEmpty() ? "request refused" : clip(context.getErrors().get(0).getMessage());
    }

    private static String clip(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
