package dev.agentgrid.controlplane.task;

import dev.agentgrid.controlplane.agent.AgentStatusService;
import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.event.EventTypes;
import dev.agentgrid.controlplane.project.ProjectCompletion;
import dev.agentgrid.controlplane.store.Changes;
import jakarta.inject.Singleton;
import java.util.function.UnaryOperator;

/**
 * Applies a status change to a stored task: checks it against the {@link TaskStateMachine},
 * writes the row, emits {@code task_status_change}, and has the agent type's status and the
 * project's completion recomputed before the transaction commits.
 */
@Singleton
public class TaskTransitions {
    private final TaskRepository tasks;
    private final AgentStatusService agents;
    private final ProjectCompletion completion;

    public TaskTransitions(TaskRepository tasks, AgentStatusService agents, ProjectCompletion completion) {
        this.tasks = tasks;
        this.agents = agents;
        this.completion = completion;
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
        Task updated = tasks.update(more.apply(b).build());
        emitStatusChange(c, updated, task.status());
        return updated;
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
        agents.refreshBeforeCommit(c, task.agentType());
        completion.checkBeforeCommit(c, task.projectId());
    }
}
