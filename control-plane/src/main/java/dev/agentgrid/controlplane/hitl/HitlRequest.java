package dev.agentgrid.controlplane.hitl;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code hitl_requests}. */
@MappedEntity("hitl_requests")
public record HitlRequest(
        @Id UUID id,
        UUID taskId,
        UUID projectId,
        String agentType,
        int attempt,
        HitlKind kind,
        @Nullable String askId,
        String question,
        String optionsJson,
        String payloadJson,
        HitlStatus status,
        @Nullable HitlAction action,
        @Nullable String responseContent,
        @Nullable String responder,
        boolean delivered,
        @Nullable Instant expiresAt,
        @Nullable HitlAction defaultAction,
        Instant createdAt,
        Instant updatedAt,
        @Nullable Instant answeredAt) {

    /** The request answered. */
    public HitlRequest answered(HitlStatus newStatus, HitlAction answer, String content, String by, Instant now) {
        return new HitlRequest(id, taskId, projectId, agentType, attempt, kind, askId, question, optionsJson,
                payloadJson, newStatus, answer, content, by, delivered, expiresAt, defaultAction, createdAt, now, now);
    }
}
