package dev.agentgrid.bridge.events;

import io.micronaut.core.annotation.Nullable;
import java.nio.charset.StandardCharsets;

/**
 * One frame as every client receives it, serialised once and shared by all sessions, with the
 * fields rooms match on.
 *
 * @param seq the durable sequence number; 0 for live-only frames
 * @param eventType the frame's {@code event_type}
 * @param projectId project id, if any
 * @param taskId task id, if any
 * @param workerId worker id, if any
 * @param json the frame as UTF-8 JSON
 */
public record HubEvent(long seq, String eventType, @Nullable String projectId, @Nullable String taskId,
        @Nullable String workerId, byte[] json) {

    /** Whether the frame is a durable event (replayable by seq). */
    public boolean durable() {
        return seq > 0;
    }

    /** The frame as text. */
    public String text() {
        return new String(json, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "HubEvent[" + eventType + (durable() ? " #" + seq : "") + "]";
    }
}
