package dev.agentgrid.bench;

import dev.agentgrid.proto.v1.Event;
import dev.agentgrid.proto.v1.SubscribeRequest;
import dev.agentgrid.proto.v1.SubscribeResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * An EventService.Subscribe stream handing each event to a consumer (on a gRPC thread, one event
 * at a time). A stream that ends before {@link #close()} is remembered as {@link #failure()}, so a
 * scenario waiting for events can tell "not yet" from "never".
 */
public final class EventTail implements AutoCloseable {
    private final AtomicReference<ClientCallStreamObserver<SubscribeRequest>> call = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong resyncs = new AtomicLong();
    private volatile boolean closing;

    private EventTail() {
    }

    public static EventTail open(PlaneConnection plane, SubscribeRequest request, Consumer<Event> consumer) {
        EventTail tail = new EventTail();
        plane.events().subscribe(request, new ClientResponseObserver<SubscribeRequest, SubscribeResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requestStream) {
                tail.call.set(requestStream);
            }

            @Override
            public void onNext(SubscribeResponse value) {
                if (value.hasEvent()) {
                    consumer.accept(value.getEvent());
                } else if (value.hasResync()) {
                    // Events asked for are gone: whatever the scenario counts would be short.
                    tail.resyncs.incrementAndGet();
                    tail.failure.compareAndSet(null, new IllegalStateException("event stream resynced: " + value.getResync()));
                }
            }

            @Override
            public void onError(Throwable t) {
                if (!tail.closing) {
                    tail.failure.compareAndSet(null, Status.fromThrowable(t).asRuntimeException());
                }
            }

            @Override
            public void onCompleted() {
                if (!tail.closing) {
                    tail.failure.compareAndSet(null, new IllegalStateException("event stream ended by the plane"));
                }
            }
        });
        return tail;
    }

    /** Why the stream broke, or null while it is fine. */
    public Throwable failure() {
        return failure.get();
    }

    /** Throws if the stream broke. */
    public void check() {
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("event subscription broke: " + t, t);
        }
    }

    @Override
    public void close() {
        closing = true;
        ClientCallStreamObserver<SubscribeRequest> c = call.get();
        if (c != null) {
            c.cancel("bench done", null);
        }
    }
}
