package dev.agentgrid.bridge.rest;

import dev.agentgrid.bridge.plane.ProtoJson;
import dev.agentgrid.proto.v1.HitlRequest;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** Human-in-the-loop requests as the REST face shows them. */
final class HitlViews {
    private HitlViews() {
    }

    /** A request: the seeds' {@code request_id, question, status} and the rest of what the plane knows. */
    @Serdeable
    record RequestView(String requestId, String taskId, String projectId, String agentType, int attempt, String kind,
            String question, List<String> options, JsonNode payload, String status, @Nullable String action,
            String responseContent, String responder, @Nullable String createdAt, @Nullable String updatedAt,
            @Nullable String expiresAt, @Nullable String defaultAction, boolean delivered) {
    }

    /** GET /hitl/project/{id}/requests. */
    @Serdeable
    record RequestList(String projectId, List<RequestView> requests, int pendingCount, @Nullable String nextPageToken) {
    }

    /** POST /hitl/{id}/respond. */
    @Serdeable
    record Answered(String requestId, String newStatus, String action, String taskId) {
    }

    static RequestView of(HitlRequest r) {
        return new RequestView(r.getId(), r.getTaskId(), r.getProjectId(), r.getAgentType(), r.getAttempt(),
                EnumNames.name(r.getKind(), "HITL_KIND_"), r.getQuestion(), r.getOptionsList(),
                ProtoJson.tree(r.getPayload()), EnumNames.name(r.getStatus(), "HITL_STATUS_"),
                EnumNames.name(r.getAction(), "HITL_ACTION_"), r.getResponseContent(), r.getResponder(),
                ProtoJson.time(r.hasCreateTime(), r.getCreateTime()), ProtoJson.time(r.hasUpdateTime(), r.getUpdateTime()),
                ProtoJson.time(r.hasExpireTime(), r.getExpireTime()), EnumNames.name(r.getDefaultAction(), "HITL_ACTION_"),
                r.getDelivered());
    }
}
