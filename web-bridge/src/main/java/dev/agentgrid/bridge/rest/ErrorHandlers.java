package dev.agentgrid.bridge.rest;

import io.grpc.StatusRuntimeException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** Turns the plane's refusals and the bridge's own into problem responses, through {@link GrpcProblems}. */
final class ErrorHandlers {
    private ErrorHandlers() {
    }

    /** A call to the plane failed. */
    @Produces
    @Singleton
    @Requires(classes = {StatusRuntimeException.class, ExceptionHandler.class})
    static class PlaneStatus implements ExceptionHandler<StatusRuntimeException, HttpResponse<Problem>> {
        @Override
        public HttpResponse<Problem> handle(HttpRequest request, StatusRuntimeException exception) {
            return Problems.response(GrpcProblems.describe(exception));
        }
    }

    /** The bridge refused a request itself (bad input, a foreign origin, a limit). */
    @Produces
    @Singleton
    @Requires(classes = {ProblemException.class, ExceptionHandler.class})
    static class Refused implements ExceptionHandler<ProblemException, HttpResponse<Problem>> {
        @Override
        public HttpResponse<Problem> handle(HttpRequest request, ProblemException exception) {
            return Problems.response(exception.failure());
        }
    }
}
