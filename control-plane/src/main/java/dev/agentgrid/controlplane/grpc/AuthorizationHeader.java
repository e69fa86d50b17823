package dev.agentgrid.controlplane.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;

/**
 * Makes the call's {@code authorization} header (a bearer token) available to the endpoint
 * handling it. Runs inside the exception mapping, at the authentication position of the chain.
 */
@Singleton
public class AuthorizationHeader implements ServerInterceptor, Ordered {
    private static final Metadata.Key<String> HEADER = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> TOKEN = Context.key("agentgrid-bearer-token");

    @Override
    public int getOrder() {
        return ExceptionMappingInterceptor.AUTHENTICATION_ORDER;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String value = headers.get(HEADER);
        String token = value != null && value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).trim() : "";
        return Contexts.interceptCall(Context.current().withValue(TOKEN, token), call, headers, next);
    }

    /** The bearer token of the current call; empty if none. */
    static String current() {
        String t = TOKEN.get();
        return t == null ? "" : t;
    }
}
