package dev.agentgrid.controlplane.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentgrid.controlplane.testing.ControlPlaneTestBase;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What this replica knows of each worker's held slots, which plans a creating transaction's
 * placement: the values a round read, moved by what this replica's transactions committed.
 */
class HeldSlotsKnownTest extends ControlPlaneTestBase {

    private static Task task(String workerId, TaskStatus status) {
        return new Task.Builder().id(UUID.randomUUID()).projectId(UUID.randomUUID()).agentType("t").instructions("")
                .inputJson("{}").status(status).statusReason("").attempt(1).labelSelectorJson("{}")
                .approvalQuestion("").workerId(workerId).build();
    }

    @Test
    void committedTransitionsMoveWhatWasReadAndRolledBackOnesDoNot() {
        HeldSlots held = ctx.getBean(HeldSlots.class);
        String w = "known-" + UUID.randomUUID();
        String other = "unknown-" + UUID.randomUUID();
        assertNull(held.known(List.of(w)), "never read: not known");

        held.read(Map.of(w, 2));
        assertEquals(Map.of(w, 2), held.known(List.of(w)));
        assertNull(held.known(List.of(w, other)), "one worker not known: the caller reads them all");

        store.write(c -> {
            held.changed(c, task(w, TaskStatus.RUNNING), task(w, TaskStatus.COMPLETED));
            return null;
        });
        assertEquals(Map.of(w, 1), held.known(List.of(w)), "a finished attempt frees its slot");

        // As the dispatcher takes slots: the row was already updated, the transition still counts.
        store.write(c -> {
            held.changed(c, task(null, TaskStatus.PENDING), task(w, TaskStatus.ASSIGNED));
            held.alreadyTaken(c, w, 1);
            return null;
        });
        assertEquals(Map.of(w, 2), held.known(List.of(w)), "an assignment takes a slot, whoever wrote the row");

        assertThrows(IllegalStateException.class, () -> store.write(c -> {
            held.changed(c, task(w, TaskStatus.RUNNING), task(w, TaskStatus.FAILED));
            throw new IllegalStateException("rolled back");
        }));
        assertEquals(Map.of(w, 2), held.known(List.of(w)), "a rolled-back change is not counted");

        held.forget(w);
        assertNull(held.known(List.of(w)), "a new session: read again");
    }
}
