package dev.agentgrid.controlplane.event;

import dev.agentgrid.controlplane.common.Ids;
import dev.agentgrid.controlplane.common.Times;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * Publishes high-rate telemetry (worker metrics) to live subscribers at once, outside any
 * transaction: it has no sequence number and is not replayed; its durable summary is in the
 * tables. Telemetry a transaction produces (progress, output chunks) goes through {@code
 * Changes.emitLive}, which keeps its place among the transaction's durable events.
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
     * Publishes one live-only event at once, outside any transaction; its data is JSON object text
     * already.
     */
    public void publishJson(String type, UUID projectId, UUID taskId, String workerId, String agentType,
            String dataJson) {
        bus.publish(List.of(new Event(0, Ids.next(), type, projectId, taskId, workerId, agentType, dataJson,
                Times.now(clock))));
    }
}
