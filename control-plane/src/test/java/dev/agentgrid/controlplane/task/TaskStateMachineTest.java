package dev.agentgrid.controlplane.task;

import static dev.agentgrid.controlplane.task.TaskStatus.ASSIGNED;
import static dev.agentgrid.controlplane.task.TaskStatus.CANCELLED;
import static dev.agentgrid.controlplane.task.TaskStatus.COMPLETED;
import static dev.agentgrid.controlplane.task.TaskStatus.FAILED;
import static dev.agentgrid.controlplane.task.TaskStatus.PENDING;
import static dev.agentgrid.controlplane.task.TaskStatus.RUNNING;
import static dev.agentgrid.controlplane.task.TaskStatus.WAITING_FOR_HITL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentgrid.controlplane.common.FailedPreconditionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every pair of statuses, checked against the design's table written out independently here. */
class TaskStateMachineTest {
    /** The legal transitions, each with the reason it exists. */
    private static final Set<List<TaskStatus>> LEGAL = Set.of(
            List.of(PENDING, ASSIGNED),            // dispatched to a worker
            List.of(PENDING, WAITING_FOR_HITL),    // approval gate reopened on a retried task
            List.of(PENDING, CANCELLED),           // cancelled before it ran
            List.of(ASSIGNED, RUNNING),            // worker accepted
            List.of(ASSIGNED, PENDING),            // worker rejected it or was lost
            List.of(ASSIGNED, FAILED),             // lost with no attempts left
            List.of(ASSIGNED, CANCELLED),          // cancelled while offered
            List.of(RUNNING, WAITING_FOR_HITL),    // agent asks a human
            List.of(RUNNING, COMPLETED),           // succeeded
            List.of(RUNNING, FAILED),              // failed, no attempts left
            List.of(RUNNING, CANCELLED),           // cancelled while running
            List.of(RUNNING, PENDING),             // failed or lost with attempts left
            List.of(WAITING_FOR_HITL, RUNNING),    // human answered a question
            List.of(WAITING_FOR_HITL, PENDING),    // approval gate released, or lost while waiting
            List.of(WAITING_FOR_HITL, FAILED),     // lost while waiting, no attempts left
            List.of(WAITING_FOR_HITL, CANCELLED),  // rejected at the gate, or cancelled
            List.of(FAILED, PENDING),              // manual retry
            List.of(CANCELLED, PENDING));          // manual retry

    static Stream<Arguments> allPairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (TaskStatus from : TaskStatus.values()) {
            for (TaskStatus to : TaskStatus.values()) {
                pairs.add(Arguments.of(from, to, LEGAL.contains(List.of(from, to))));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} -> {1} legal={2}")
    @MethodSource("allPairs")
    void transitionIsLegalExactlyWhenTheDesignSaysSo(TaskStatus from, TaskStatus to, boolean legal) {
        assertEquals(legal, TaskStateMachine.allows(from, to));
        if (legal) {
            TaskStateMachine.check(from, to);
        } else {
            FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
                    () -> TaskStateMachine.check(from, to));
            assertEquals("task is " + from + " and cannot become " + to, e.getMessage());
        }
    }

    @Test
    void completedIsFinalAndOnlyTerminalStatusesAreTerminal() {
        for (TaskStatus to : TaskStatus.values()) {
            assertEquals(false, TaskStateMachine.allows(COMPLETED, to));
        }
        assertEquals(Set.of(COMPLETED, FAILED, CANCELLED),
                Stream.of(TaskStatus.values()).filter(TaskStatus::isTerminal).collect(java.util.stream.Collectors.toSet()));
    }
}
