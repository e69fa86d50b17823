package dev.agentgrid.controlplane.task;

import dev.agentgrid.controlplane.agent.AgentStatusService;
import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.event.EventTypes;
import dev.agentgrid.controlplane.project.ProjectCompletion;
import dev.agentgrid.controlplane.store.Changes;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Applies a status change to a stored task: checks it against the {@link TaskStateMachine},
 * writes the row, keeps the workers' held slots in step ({@link HeldSlots}), emits
 * {@code task_status_change}, and has the agent type's status and the project's completion
 * recomputed once the transaction committed.
 */
@Singleton
public class TaskTransitions {
    private final TaskRows rows;
    private final AgentStatusService agents;
    private final ProjectCompletion completion;
    private final TaskDependencies dependencies;
    private final DispatchSignal dispatch;
    private final WorkerCommands workers;
    private final dev.agentgrid.controlplane.hitl.HitlRequests hitl;
    private final HeldSlots heldSlots;

    public TaskTransitions(AgentStatusService agents, ProjectCompletion completion,
            TaskDependencies dependencies, DispatchSignal dispatch, WorkerCommands workers,
            dev.agentgrid.controlplane.hitl.HitlRequests hitl, TaskRows rows, HeldSlots heldSlots) {
        this.rows = rows;
        this.heldSlots = heldSlots;
        this.hitl = hitl;
        this.agents = agents;
        this.completion = completion;
        this.dependencies = dependencies;
        this.dispatch = dispatch;
        this.workers = workers;
    }

    /**
     * Moves {@code task} (read under lock in this transaction) to {@code to}.
     *
     * @param more further changes to the row
     * @return the stored task
     */
    public Task apply(Changes c, Task task, TaskStatus to, String reason, UnaryOperator<Task.Builder> more) {
        TaskStateMachine.check(task.status(), to);
        Task.Builder b = task.toBuilder().status(to).statusReason(reason).updatedAt(c.now());
        if (to.isTerminal()) {
            b.finishedAt(c.now()).leaseExpiresAt(null);
        } else {
            b.finishedAt(null);
        }
        if (to == TaskStatus.PENDING) {
            b.workerId(null).leaseExpiresAt(null).startedAt(null);
        }
        Task updated = rows.update(c, more.apply(b).build());
        heldSlots.changed(c, task, updated);
        emitStatusChange(c, updated, task.status());
        if (to == TaskStatus.COMPLETED) {
            releaseDownstream(c, updated);
        } else if (to == TaskStatus.FAILED || to == TaskStatus.CANCELLED) {
            hitl.cancelPending(c, updated.id(), reason);
            endDownstream(c, updated);
        }
        return updated;
    }

    /**
     * Moves many locked tasks to one unfinished status with one batched update (the dispatcher
     * places hundreds of tasks per transaction). Same checks and events as {@link #apply}.
     *
     * @param change the row changes of each task (status, reason and time are set here)
     */
    public List<Task> applyAll(Changes c, List<Task> locked, TaskStatus to,
            java.util.function.Function<Task, String> reason, java.util.function.BiFunction<Task, Task.Builder,
            Task.Builder> change) {
        List<Task> updated = changeAll(c, locked, to, reason, change);
        rows.updateAll(updated);
        recordAll(c, locked, updated);
        return updated;
    }

    /**
     * The rows {@link #applyAll} would write, checked but neither written nor recorded: for tasks
     * the transaction is creating, which are inserted as they end up (then {@link #recordAll}).
     */
    public List<Task> changeAll(Changes c, List<Task> tasks, TaskStatus to,
            java.util.function.Function<Task, String> reason, java.util.function.BiFunction<Task, Task.Builder,
            Task.Builder> change) {
        if (to.isTerminal() || to == TaskStatus.PENDING) {
            throw new IllegalArgumentException("only to a working status, not " + to);
        }
        List<Task> updated = new java.util.ArrayList<>(tasks.size());
        for (Task t : tasks) {
            TaskStateMachine.check(t.status(), to);
            updated.add(change.apply(t, t.toBuilder().status(to).statusReason(reason.apply(t)).updatedAt(c.now())
                    .finishedAt(null)).build());
        }
        return updated;
    }

    /** Keeps the held slots in step with stored changes {@code before} → {@code after} and emits their events. */
    public void recordAll(Changes c, List<Task> before, List<Task> after) {
        for (int i = 0; i < after.size(); i++) {
            heldSlots.changed(c, before.get(i), after.get(i));
            emitStatusChange(c, after.get(i), before.get(i).status());
        }
    }

    /**
     * Ends an attempt a worker still holds on the plane's decision (cancel, cascade): the worker
     * is told to stop it once the change committed.
     */
    public Task stopOnWorker(Changes c, Task task, TaskStatus to, String reason) {
        String worker = task.workerId();
        int attempt = task.attempt();
        Task updated = apply(c, task, to, reason, b -> b);
        if (worker != null && task.status().isOnWorker()) {
            c.afterCommit(() -> workers.cancel(worker, task.id(), attempt, reason));
        }
        return updated;
    }

    /** A completed task no longer blocks the tasks waiting for it. */
    private void releaseDownstream(Changes c, Task done) {
        for (java.util.UUID id : dependencies.downstreamOf(c, done.id())) {
            Task down = rows.lock(c, id).orElseThrow();
            if (down.unfinishedDeps() > 0) {
                int left = down.unfinishedDeps() - 1;
                Task ready = rows.update(c, down.toBuilder().unfinishedDeps(left)
                        .statusReason(left == 0 && down.status() == TaskStatus.PENDING ? "dependencies completed"
                                : down.statusReason())
                        .updatedAt(c.now()).build());
                if (left == 0 && down.status() == TaskStatus.PENDING) {
                    if (ready.requiresApproval() && !hitl.gatePassed(id)) {
                        Task waiting = apply(c, ready, TaskStatus.WAITING_FOR_HITL, "waiting for approval", b -> b);
                        hitl.openGate(c, waiting);
                    } else {
                        c.afterCommit(dispatch::wake);
                    }
                }
            }
        }
    }

    /** A failed or cancelled task will never complete: the unfinished tasks waiting for it end too. */
    private void endDownstream(Changes c, Task ended) {
        for (java.util.UUID id : dependencies.downstreamOf(c, ended.id())) {
            Task down = rows.lock(c, id).orElseThrow();
            if (!down.status().isTerminal()) {
                stopOnWorker(c, down, TaskStatus.CANCELLED, "upstream task " + ended.id() + " "
                        + ended.status().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
    }

    /** Emits the event and schedules the recomputations for a task that was created or changed. */
    public void emitStatusChange(Changes c, Task task, TaskStatus previous) {
        c.emit(EventTypes.TASK_STATUS_CHANGE, task.projectId(), task.id(), task.workerId(), task.agentType(),
                Json.object(
                        "task_id", task.id().toString(),
                        "agent_type", task.agentType(),
                        "status", task.status(),
                        "previous_status", previous,
                        "attempt", task.attempt(),
                        "reason", task.statusReason()));
        agents.refreshAfterCommit(c, task.agentType());
        // Only a task that finished can complete its project.
        if (task.status().isTerminal()) {
            completion.checkAfterCommit(c, task.projectId());
        }
        // A pending task may be placeable; a finished one may have freed a worker's slot. (A new
        // task was offered to the workers in its own transaction: DispatchSignal#placeNow.)
        if ((task.status() == TaskStatus.PENDING && previous != null) || task.status().isTerminal()) {
            c.afterCommit(dispatch::wake);
        }
    }
}
