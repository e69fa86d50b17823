package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.common.UnavailableException;
import io.grpc.Context;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Lets at most the pool size less {@code agentgrid.db.reserved-connections} API calls run at once,
 * so callers can never hold every pooled connection: the plane's own work (the heartbeat, report
 * and arrival group commits, dispatch rounds, the liveness monitor) always finds one. Without this,
 * CreateTask calls queued behind one project's lock took the whole pool, heartbeats could not
 * commit, and healthy workers were declared lost.
 *
 * <p>Applies to unary calls, whose work runs when the request is complete; the worker stream's
 * database work goes through the group commits, and event streams are bounded by their
 * subscribers. A call that waits longer than {@code agentgrid.db.admission-wait} (default 30 s, the
 * pool's own wait for a connection) gets UNAVAILABLE and changes nothing; the caller retries.
 */
@Singleton
public class ApiAdmission implements ServerInterceptor, Ordered {
    /** After authentication: an unauthenticated call never waits for a permit. */
    public static final int ORDER = ExceptionMappingInterceptor.AUTHENTICATION_ORDER + 100;
    private static final long SLICE_MILLIS = 100;

    private final Semaphore permits;
    private final int size;
    private final long waitNanos;

    public ApiAdmission(@Value("${agentgrid.db.pool-size}") int poolSize,
            @Value("${agentgrid.db.reserved-connections:3}") int reserved,
            @Value("${agentgrid.db.admission-wait:30s}") java.time.Duration wait) {
        this.size = Math.max(1, poolSize - reserved);
        this.permits = new Semaphore(size, true);
        this.waitNanos = wait.toNanos();
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> delegate = next.startCall(call, headers);
        if (call.getMethodDescriptor().getType() != MethodDescriptor.MethodType.UNARY) {
            return delegate;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onHalfClose() {
                if (!admit()) {
                    if (Context.current().isCancelled()) {
                        return; // the caller gave up while waiting: nothing ran, nothing to answer
                    }
                    throw new UnavailableException("the control plane is busy (" + size
                            + " calls running); retry later");
                }
                try {
                    super.onHalfClose(); // a unary call's work runs here
                } finally {
                    permits.release();
                }
            }
        };
    }

    /** Waits for a permit, in slices so that a cancelled call stops waiting; whether one was taken. */
    private boolean admit() {
        long deadline = System.nanoTime() + waitNanos;
        try {
            while (System.nanoTime() < deadline) {
                if (permits.tryAcquire(SLICE_MILLIS, TimeUnit.MILLISECONDS)) {
                    return true;
                }
                if (Context.current().isCancelled()) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }
}
