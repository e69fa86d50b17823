package dev.agentgrid.bridge.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;

/**
 * A server frame on the WebSocket: {@code event_type}, {@code seq} (null for live-only frames),
 * {@code project_id}, {@code task_id}, {@code data}, {@code timestamp}, plus {@code id} on replies
 * to a client frame and {@code agent_type}/{@code worker_id} when the event names one.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Frame(
        String eventType,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable JsonNode id,
        @Nullable Long seq,
        @Nullable String projectId,
        @Nullable String taskId,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String agentType,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String workerId,
        JsonNode data,
        String timestamp) {
}
