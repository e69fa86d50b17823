package dev.agentgrid.controlplane.hitl;

import dev.agentgrid.controlplane.common.FailedPreconditionException;
import dev.agentgrid.controlplane.common.NotFoundException;
import dev.agentgrid.controlplane.common.PageToken;
import dev.agentgrid.controlplane.store.Changes;
import dev.agentgrid.controlplane.store.Listing;
import dev.agentgrid.controlplane.store.SqlTime;
import dev.agentgrid.controlplane.store.Store;
import dev.agentgrid.controlplane.task.Task;
import dev.agentgrid.controlplane.task.TaskRepository;
import dev.agentgrid.controlplane.task.TaskStatus;
import dev.agentgrid.controlplane.task.TaskTransitions;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** Reads HITL requests and records a human's answer exactly once. */
@Singleton
public class HitlService {
    private final Store store;
    private final JdbcOperations jdbc;
    private final HitlRequestRepository requests;
    private final HitlRequests hitl;
    private final TaskRepository tasks;
    private final TaskTransitions transitions;
    private final dev.agentgrid.controlplane.task.WorkerCommands workers;

    public HitlService(Store store, JdbcOperations jdbc, HitlRequestRepository requests, HitlRequests hitl,
            TaskRepository tasks, TaskTransitions transitions, dev.agentgrid.controlplane.task.WorkerCommands workers) {
        this.workers = workers;
        this.store = store;
        this.jdbc = jdbc;
        this.requests = requests;
        this.hitl = hitl;
        this.tasks = tasks;
        this.transitions = transitions;
    }

    /** One request. */
    public HitlRequest get(UUID id) {
        return store.read(() -> requests.findById(id))
                .orElseThrow(() -> new NotFoundException("HITL request " + id + " not found"));
    }

    /** A page of requests and the number still pending under the same project/task filters. */
    public ListResult list(UUID projectId, UUID taskId, Collection<HitlStatus> statuses, int pageSize,
            PageToken token) {
        return store.read(() -> {
            Listing.Page<HitlRequest> page = listing(projectId, taskId)
                    .whereIn("status", statuses.stream().map(Enum::name).toList())
                    .page(pageSize, token, false);
            long pending = listing(projectId, taskId).whereEquals("status", HitlStatus.PENDING.name()).count();
            return new ListResult(page, (int) pending);
        });
    }

    private Listing<HitlRequest> listing(UUID projectId, UUID taskId) {
        return new Listing<>(jdbc, "hitl_requests", HitlRequest.class,
                r -> Listing.cursor(r.createdAt(), r.id()), UUID::fromString)
                .whereEquals("project_id", projectId)
                .whereEquals("task_id", taskId);
    }

    /**
     * Records the answer to a pending request and releases its task: an approved gate lets the
     * task run, an amended one with new instructions, a rejected one cancels it.
     *
     * @throws NotFoundException for an unknown request
     * @throws FailedPreconditionException if the request was answered (or closed) before
     */
    public HitlRequest respond(UUID id, HitlAction action, String content, String responder) {
        return store.write(c -> {
            // Lock order everywhere: the task, then its HITL requests.
            UUID taskId = requests.findById(id)
                    .orElseThrow(() -> new NotFoundException("HITL request " + id + " not found")).taskId();
            tasks.findByIdForUpdate(taskId).orElseThrow();
            HitlRequest r = requests.findByIdForUpdate(id).orElseThrow();
            if (r.status() != HitlStatus.PENDING) {
                throw new FailedPreconditionException("HITL request " + id + " is already " + r.status()
                        + "; it can be answered only once");
            }
            return answer(c, r, action.resultingStatus(), action, content, responder);
        });
    }

    /**
     * Applies the default action of every pending question whose deadline has passed, as if a
     * human had answered it (status TIMED_OUT).
     *
     * @return how many requests expired
     */
    public int expireDue(java.time.Instant now) {
        List<UUID> due = store.read(() -> jdbc.prepareStatement("SELECT id FROM hitl_requests WHERE status = 'PENDING'"
                + " AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at", ps -> {
                    SqlTime.set(ps, 1, now);
                    List<UUID> ids = new java.util.ArrayList<>();
                    try (var rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getObject(1, UUID.class));
                        }
                    }
                    return ids;
                }));
        int expired = 0;
        for (UUID id : due) {
            Boolean done = store.write(c -> {
                HitlRequest unlocked = requests.findById(id).orElse(null);
                if (unlocked == null) {
                    return false;
                }
                tasks.findByIdForUpdate(unlocked.taskId()).orElseThrow();
                HitlRequest r = requests.findByIdForUpdate(id).orElse(null);
                if (r == null || r.status() != HitlStatus.PENDING) {
                    return false;
                }
                HitlAction action = r.defaultAction() == null ? HitlAction.REJECT : r.defaultAction();
                answer(c, r, HitlStatus.TIMED_OUT, action, "no answer in time; default action " + action, "timeout");
                return true;
            });
            expired += done ? 1 : 0;
        }
        return expired;
    }

    private HitlRequest answer(Changes c, HitlRequest r, HitlStatus status, HitlAction action, String content,
            String responder) {
        HitlRequest answered = requests.update(r.answered(status, action, content, responder, c.now()));
        hitl.emitAnswered(c, answered);
        Task task = tasks.findByIdForUpdate(r.taskId()).orElseThrow();
        if (r.kind() == HitlKind.APPROVAL_GATE) {
            releaseGate(c, task, action, content, responder);
        } else if (task.attempt() == r.attempt() && task.status() == TaskStatus.WAITING_FOR_HITL) {
            // The agent asked mid-task: it resumes with the answer, now or when its worker is back.
            String by = responder == null || responder.isEmpty() ? "" : " by " + responder;
            transitions.apply(c, task, TaskStatus.RUNNING, "answered" + by, b -> b);
            String worker = task.workerId();
            HitlDelivery delivery = HitlDelivery.of(answered);
            c.afterCommit(() -> workers.answer(worker, delivery));
        }
        return answered;
    }

    private void releaseGate(Changes c, Task task, HitlAction action, String content, String responder) {
        String by = responder == null || responder.isEmpty() ? "" : " by " + responder;
        switch (action) {
            case APPROVE -> transitions.apply(c, task, TaskStatus.PENDING, "approved" + by, b -> b);
            case AMEND -> transitions.apply(c, task, TaskStatus.PENDING, "approved with amended instructions" + by,
                    b -> b.instructions(content));
            case REJECT -> transitions.apply(c, task, TaskStatus.CANCELLED, "rejected at approval gate" + by, b -> b);
        }
    }

    /** A page of requests with the pending count. */
    public record ListResult(Listing.Page<HitlRequest> page, int pendingCount) {
    }
}
