package dev.agentgrid.bridge.plane;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import java.util.concurrent.CompletableFuture;

/** Adapts gRPC's future stubs to {@link CompletableFuture}, which Micronaut and the JDK speak. */
public final class Calls {
    private Calls() {
    }

    /**
     * A CompletableFuture completed by {@code call}; it fails with the call's own
     * {@link io.grpc.StatusRuntimeException}, unwrapped. Cancelling it cancels the call.
     */
    public static <T> CompletableFuture<T> of(ListenableFuture<T> call) {
        CompletableFuture<T> out = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                call.cancel(false);
                return super.cancel(mayInterruptIfRunning);
            }
        };
        Futures.addCallback(call, new FutureCallback<>() {
            @Override
            public void onSuccess(T result) {
                out.complete(result);
            }

            @Override
            public void onFailure(Throwable t) {
                out.completeExceptionally(t);
            }
        }, MoreExecutors.directExecutor());
        return out;
    }

    /** The cause behind CompletableFuture's wrapping, for code that receives a wrapped failure. */
    public static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof java.util.concurrent.CompletionException
                || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
