package dev.agentgrid.controlplane.worker;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code workers}.
 *
 * @param inventoryJson the Hello's MachineInventory as JSON
 * @param metricsJson the latest MetricsSnapshot as JSON
 */
@MappedEntity("workers")
public record Worker(
        @Id String id,
        String name,
        String hostname,
        String version,
        String labelsJson,
        String agentTypesJson,
        int slots,
        WorkerStatus status,
        String inventoryJson,
        @Nullable String metricsJson,
        @Nullable UUID sessionId,
        Instant createdAt,
        @Nullable Instant connectedAt,
        @Nullable Instant lastHeartbeatAt,
        Instant updatedAt) {
}
