package dev.agentgrid.controlplane.task;

import dev.agentgrid.controlplane.common.FailedPreconditionException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The task state machine, the only place that says which status may follow which:
 *
 * <pre>
 * PENDING -> ASSIGNED -> RUNNING <-> WAITING_FOR_HITL -> COMPLETED | FAILED | CANCELLED
 * </pre>
 *
 * plus the ways back to PENDING: a worker rejecting or losing an attempt, a failed attempt with
 * attempts left, an approval gate released, and a manual retry of a FAILED or CANCELLED task.
 */
public final class TaskStateMachine {
    private static final Map<TaskStatus, Set<TaskStatus>> NEXT = new EnumMap<>(TaskStatus.class);

    static {
        // PENDING -> WAITING_FOR_HITL: an approval gate opens again for a retried task never approved.
        NEXT.put(TaskStatus.PENDING, EnumSet.of(TaskStatus.ASSIGNED, TaskStatus.WAITING_FOR_HITL,
                TaskStatus.CANCELLED));
        // ASSIGNED -> PENDING: rejected by the worker, or the worker was lost before accepting.
        NEXT.put(TaskStatus.ASSIGNED, EnumSet.of(TaskStatus.RUNNING, TaskStatus.PENDING, TaskStatus.FAILED,
                TaskStatus.CANCELLED));
        // RUNNING -> PENDING: a failed or lost attempt with attempts left is retried.
        NEXT.put(TaskStatus.RUNNING, EnumSet.of(TaskStatus.WAITING_FOR_HITL, TaskStatus.COMPLETED,
                TaskStatus.FAILED, TaskStatus.CANCELLED, TaskStatus.PENDING));
        // WAITING_FOR_HITL -> PENDING: an approval gate released, or the attempt lost while waiting.
        NEXT.put(TaskStatus.WAITING_FOR_HITL, EnumSet.of(TaskStatus.RUNNING, TaskStatus.PENDING,
                TaskStatus.FAILED, TaskStatus.CANCELLED));
        NEXT.put(TaskStatus.COMPLETED, EnumSet.noneOf(TaskStatus.class));
        // Manual retry.
        NEXT.put(TaskStatus.FAILED, EnumSet.of(TaskStatus.PENDING));
        NEXT.put(TaskStatus.CANCELLED, EnumSet.of(TaskStatus.PENDING));
    }

    private TaskStateMachine() {
    }

    /** Whether a task may go from {@code from} to {@code to}. */
    public static boolean allows(TaskStatus from, TaskStatus to) {
        return NEXT.get(from).contains(to);
    }

    /**
     * Checks a transition.
     *
     * @throws FailedPreconditionException if it is not allowed
     */
    public static void check(TaskStatus from, TaskStatus to) {
        if (!allows(from, to)) {
            throw new FailedPreconditionException("task is " + from + " and cannot become " + to);
        }
    }
}
