package dev.agentgrid.controlplane.testing;

import dev.agentgrid.proto.v1.Event;
import dev.agentgrid.proto.v1.SubscribeResponse;
import io.grpc.stub.StreamObserver;
import java.util.Queue;

/** Collects the events of an {@code EventService.Subscribe} stream into a queue, for assertions. */
public final class EventCollector {
    private EventCollector() {
    }

    /** An observer that adds every event the stream delivers to {@code events}. */
    public static StreamObserver<SubscribeResponse> into(Queue<Event> events) {
        return new StreamObserver<>() {
            @Override
            public void onNext(SubscribeResponse r) {
                if (r.hasEvent()) {
                    events.add(r.getEvent());
                }
            }

            @Override
            public void onError(Throwable t) {
                // the test ends the stream by cancelling it
            }

            @Override
            public void onCompleted() {
            }
        };
    }
}
