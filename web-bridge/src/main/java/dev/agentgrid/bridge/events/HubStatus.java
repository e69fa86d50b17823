package dev.agentgrid.bridge.events;

import io.micronaut.core.annotation.Nullable;
import java.time.Instant;

/**
 * What the hub's upstream stream is doing, for {@code /healthz}.
 *
 * @param state {@code connecting}, {@code streaming}, {@code reconnecting} or {@code stopped}
 * @param lastSeq latest durable seq seen; -1 before the first connection
 * @param ringSize durable events kept for resume
 * @param subscribers sockets attached for live delivery
 * @param lastEventAt when the last event arrived, if any
 * @param lastError why the stream last failed, if it did
 * @param historyPages pages of history read from the plane for resumes older than the ring
 */
public record HubStatus(String state, long lastSeq, int ringSize, int subscribers, @Nullable Instant lastEventAt,
        @Nullable String lastError, long historyPages) {
}
