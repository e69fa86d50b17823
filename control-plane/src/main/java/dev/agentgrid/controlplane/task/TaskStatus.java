package dev.agentgrid.controlplane.task;

/** Where a task is in its life; {@link TaskStateMachine} owns the transitions. */
public enum TaskStatus {
    PENDING, ASSIGNED, RUNNING, WAITING_FOR_HITL, COMPLETED, FAILED, CANCELLED;

    /** Whether the task is finished (it changes again only by a manual retry). */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** Whether an attempt is out on a worker: it holds one of the worker's slots and a lease. */
    public boolean isOnWorker() {
        return this == ASSIGNED || this == RUNNING || this == WAITING_FOR_HITL;
    }
}
