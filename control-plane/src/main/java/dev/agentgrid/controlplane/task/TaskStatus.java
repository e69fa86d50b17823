package dev.agentgrid.controlplane.task;

/** Where a task is in its life; {@link TaskStateMachine} owns the transitions. */
public enum TaskStatus {
    PENDING, ASSIGNED, RUNNING, WAITING_FOR_HITL, COMPLETED, FAILED, CANCELLED;

    /** Whether the task is finished (it changes again only by a manual retry). */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
