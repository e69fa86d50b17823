package dev.agentgrid.controlplane.grpc;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;

/**
 * Outermost interceptor: an exception thrown by an endpoint closes the call with the status
 * {@link StatusMapping} chooses, instead of grpc-java's UNKNOWN. Authentication interceptors
 * (order {@link #AUTHENTICATION_ORDER}) run inside it, so their refusals are mapped too.
 */
@Singleton
public class ExceptionMappingInterceptor implements ServerInterceptor, Ordered {
    /** Order of this interceptor: first. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;
    /** Order for an authentication interceptor: right after this one. */
    public static final int AUTHENTICATION_ORDER = ORDER + 100;

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> delegate;
        try {
            delegate = next.startCall(call, headers);
        } catch (RuntimeException e) {
            close(call, e);
            return new ServerCall.Listener<>() {
            };
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onMessage(Q message) {
                try {
                    super.onMessage(message);
                } catch (RuntimeException e) {
                    close(call, e);
                }
            }

            @Override
            public void onHalfClose() {
                try {
                    super.onHalfClose();
                } catch (RuntimeException e) {
                    close(call, e);
                }
            }

            @Override
            public void onReady() {
                try {
                    super.onReady();
                } catch (RuntimeException e) {
                    close(call, e);
                }
            }
        };
    }

    private static <Q, R> void close(ServerCall<Q, R> call, RuntimeException e) {
        StatusRuntimeException status = StatusMapping.toStatus(e);
        Metadata trailers = status.getTrailers() == null ? new Metadata() : status.getTrailers();
        try {
            call.close(status.getStatus(), trailers);
        } catch (IllegalStateException alreadyClosed) {
            // The endpoint closed the call before failing; nothing more can be sent.
        }
    }
}
