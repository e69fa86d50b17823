package dev.agentgrid.bridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bridge-wide bound on waiting frames, and each socket's share of it once it is spent. */
class QueueBudgetTest {
    @Test
    void underTheBudgetEverySocketMayQueueOverItOnlyThoseBelowTheirShare() {
        AtomicInteger sockets = new AtomicInteger(4);
        QueueBudget budget = new QueueBudget(100, sockets::get);
        budget.added(99);
        assertTrue(budget.mayQueue(99), "one frame left: anyone may take it");
        budget.added(1);
        assertEquals(25, budget.fairShare());
        assertTrue(budget.mayQueue(24));
        assertFalse(budget.mayQueue(25));
        sockets.set(1);
        assertTrue(budget.mayQueue(99), "alone, the whole budget is its share");
        sockets.set(0);
        assertEquals(100, budget.fairShare(), "no socket counted yet: no division by zero");
        budget.removed(1);
        assertTrue(budget.mayQueue(1_000));
    }

    @Test
    void anEmptyBudgetIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new QueueBudget(0, () -> 1));
    }
}
