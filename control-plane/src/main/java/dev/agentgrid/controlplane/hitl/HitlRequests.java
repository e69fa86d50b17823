package dev.agentgrid.controlplane.hitl;

import dev.agentgrid.controlplane.common.Ids;
import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.event.EventTypes;
import dev.agentgrid.controlplane.store.Changes;
import dev.agentgrid.controlplane.task.Task;
import jakarta.inject.Singleton;
import java.util.UUID;

/** Opens and closes HITL requests inside a task's transaction. */
@Singleton
public class HitlRequests {
    /** Question of an approval gate when the task gives none. */
    public static final String DEFAULT_GATE_QUESTION = "Approve this task before it runs?";

    private final HitlRequestRepository requests;

    public HitlRequests(HitlRequestRepository requests) {
        this.requests = requests;
    }

    /** Opens the approval gate of a task that waits in WAITING_FOR_HITL, with the task's question. */
    public HitlRequest openGate(Changes c, Task task) {
        String q = task.approvalQuestion().isBlank() ? DEFAULT_GATE_QUESTION : task.approvalQuestion();
        HitlRequest r = requests.save(new HitlRequest(Ids.next(), task.id(), task.projectId(), task.agentType(),
                task.attempt(), HitlKind.APPROVAL_GATE, null, q, "[\"approve\",\"reject\",\"amend\"]",
                Json.print(Json.object("instructions", task.instructions())), HitlStatus.PENDING, null, null, null,
                false, null, null, c.now(), c.now(), null));
        emitOpened(c, r);
        return r;
    }

    /**
     * Opens the question an agent asked, once per (attempt, ask id): asking again after a
     * reconnect returns the request opened the first time.
     *
     * @return the request, and whether it was opened now
     */
    public java.util.Map.Entry<HitlRequest, Boolean> openQuestion(Changes c, Task task, String askId, String question,
            String optionsJson, String payloadJson, java.time.Instant expiresAt, HitlAction defaultAction) {
        var earlier = requests.findQuestion(task.id(), task.attempt(), askId);
        if (earlier.isPresent()) {
            return java.util.Map.entry(earlier.get(), false);
        }
        HitlRequest r = requests.save(new HitlRequest(Ids.next(), task.id(), task.projectId(), task.agentType(),
                task.attempt(), HitlKind.QUESTION, askId, question, optionsJson, payloadJson, HitlStatus.PENDING,
                null, null, null, false, expiresAt, defaultAction, c.now(), c.now(), null));
        emitOpened(c, r);
        return java.util.Map.entry(r, true);
    }

    /** Answered questions of an attempt that have not reached its agent. */
    public java.util.List<HitlRequest> undelivered(UUID taskId, int attempt) {
        return requests.findUndelivered(taskId, attempt);
    }

    /** Records that an answer reached the worker. */
    public void markDelivered(UUID requestId) {
        requests.markDelivered(requestId);
    }

    /** Whether a task's approval gate was passed (approved or amended). */
    public boolean gatePassed(UUID taskId) {
        return requests.findByTaskAndKind(taskId, HitlKind.APPROVAL_GATE.name()).stream()
                .anyMatch(r -> r.status() == HitlStatus.APPROVED || r.status() == HitlStatus.AMENDED);
    }

    /** Closes a task's pending requests because the task ended. */
    public void cancelPending(Changes c, UUID taskId, String reason) {
        for (HitlRequest r : requests.findPendingByTaskForUpdate(taskId)) {
            HitlRequest closed = requests.update(r.answered(HitlStatus.CANCELLED, null, reason, "system", c.now()));
            emitAnswered(c, closed);
        }
    }

    /** Emits {@code hitl_request}. */
    void emitOpened(Changes c, HitlRequest r) {
        c.emit(EventTypes.HITL_REQUEST, r.projectId(), r.taskId(), null, r.agentType(), Json.object(
                "request_id", r.id().toString(),
                "task_id", r.taskId().toString(),
                "kind", r.kind(),
                "question", r.question(),
                "options", Json.parseValue(r.optionsJson()),
                "timestamp", r.createdAt()));
    }

    /** Emits {@code hitl_response}. */
    void emitAnswered(Changes c, HitlRequest r) {
        c.emit(EventTypes.HITL_RESPONSE, r.projectId(), r.taskId(), null, r.agentType(), Json.object(
                "request_id", r.id().toString(),
                "task_id", r.taskId().toString(),
                "action", r.action(),
                "status", r.status(),
                "response", r.responseContent(),
                "responder", r.responder(),
                "timestamp", r.updatedAt()));
    }
}
