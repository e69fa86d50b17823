package dev.agentgrid.controlplane.event;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * One row of the immutable event log, or a live-only event ({@code seq == 0}, never stored).
 *
 * @param payload JSON object text
 */
@MappedEntity("event_log")
public record Event(
        @Id long seq,
        UUID id,
        String eventType,
        @Nullable UUID projectId,
        @Nullable UUID taskId,
        @Nullable String workerId,
        @Nullable String agentType,
        String payload,
        Instant createdAt) {

    /** Whether the event is in the log (replayable). */
    public boolean durable() {
        return seq > 0;
    }

    /** The same event with its log position. */
    public Event withSeq(long newSeq) {
        return new Event(newSeq, id, eventType, projectId, taskId, workerId, agentType, payload, createdAt);
    }
}
