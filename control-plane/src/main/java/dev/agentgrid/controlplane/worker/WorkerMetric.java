package dev.agentgrid.controlplane.worker;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code worker_metrics}: one retained MetricsSnapshot (as JSON). */
@MappedEntity("worker_metrics")
public record WorkerMetric(@Id UUID id, String workerId, Instant capturedAt, String metricsJson) {
}
