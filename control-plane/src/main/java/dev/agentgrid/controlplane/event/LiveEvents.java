package dev.agentgrid.controlplane.event;

import com.google.protobuf.Struct;
import dev.agentgrid.controlplane.common.Ids;
import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.common.Times;
import dev.agentgrid.controlplane.store.Changes;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * Publishes high-rate telemetry (progress, output chunks, worker metrics) to live subscribers
 * only: it has no sequence number and is not replayed; its durable summary is in the tables.
 */
@Singleton
public class LiveEvents {
    private final EventBus bus;
    private final Clock clock;

    public LiveEvents(EventBus bus, Clock clock) {
        this.bus = bus;
        this.clock = clock;
    }

    /**
     * Publishes one live-only event once {@code c} committed, in order with the durable events the
     * transaction emits around it (see {@link Changes#emitLive}).
     */
    public void publishAfterCommit(Changes c, String type, UUID projectId, UUID taskId, String workerId,
            String agentType, Struct data) {
        c.emitLive(new Event(0, Ids.next(), type, projectId, taskId, workerId, agentType, Json.print(data),
                c.now()));
    }

    /**
     * Publishes one live-only event at once, outside any transaction; its data is JSON object text
     * already.
     */
    public void publishJson(String type, UUID projectId, UUID taskId, String workerId, String agentType,
            String dataJson) {
        bus.publish(List.of(new Event(0, Ids.next(), type, projectId, taskId, workerId, agentType, dataJson,
                Times.now(clock))));
    }
}
