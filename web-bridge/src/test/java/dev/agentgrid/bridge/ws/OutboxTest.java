package dev.agentgrid.bridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The outbox against a socket the test completes batches of writes on by hand. */
class OutboxTest {
    private final List<String> written = new ArrayList<>();
    private final List<Integer> batchSizes = new ArrayList<>();
    private final List<CompletableFuture<Void>> inFlight = new ArrayList<>();
    private final AtomicInteger overflows = new AtomicInteger();
    private final List<Throwable> errors = new ArrayList<>();
    private final Outbox outbox = new Outbox(3, QueueBudget.unbounded(), frames -> {
        frames.forEach(frame -> written.add(new String(frame, StandardCharsets.UTF_8)));
        batchSizes.add(frames.size());
        CompletableFuture<Void> f = new CompletableFuture<>();
        inFlight.add(f);
        return f;
    }, reason -> overflows.incrementAndGet(), errors::add);

    private static byte[] f(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Completes the batch written last. */
    private void completeNext() {
        inFlight.get(inFlight.size() - 1).complete(null);
    }

    @Test
    void framesQueuedWhileABatchIsInFlightGoOutAsOneBatchInOrderOnceItCompletes() {
        outbox.offer(f("a"));
        outbox.offer(f("b"));
        outbox.offer(f("c"));
        assertEquals(List.of("a"), written, "b and c wait while a is in flight");
        completeNext();
        assertEquals(List.of("a", "b", "c"), written, "both waiting frames are handed over at once");
        assertEquals(List.of(1, 2), batchSizes);
        outbox.offer(f("d"));
        assertEquals(List.of("a", "b", "c"), written, "d waits until the batch in flight completed");
        completeNext();
        assertEquals(List.of("a", "b", "c", "d"), written);
        completeNext();
        assertEquals(0, outbox.pending());
        assertEquals(List.of(1, 2, 1), batchSizes);
    }

    @Test
    void aBatchHoldsAtMostPipelineFrames() {
        List<Integer> sizes = new ArrayList<>();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        Outbox big = new Outbox(1_000, QueueBudget.unbounded(), frames -> {
            sizes.add(frames.size());
            CompletableFuture<Void> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }, reason -> { }, e -> { });
        for (int i = 0; i < 1 + Outbox.PIPELINE + 10; i++) {
            big.offer(f("x" + i));
        }
        pending.get(0).complete(null);
        pending.get(1).complete(null);
        assertEquals(List.of(1, Outbox.PIPELINE, 10), sizes);
        assertEquals(0, big.pending());
    }

    @Test
    void aClientThatDoesNotTakeFramesOverflowsTheBoundedQueueAndIsReportedOnce() {
        outbox.offer(f("in flight"));
        assertTrue(outbox.offer(f("1")));
        assertTrue(outbox.offer(f("2")));
        assertTrue(outbox.offer(f("3")));
        assertFalse(outbox.offer(f("4")), "the fourth waiting frame is one too many");
        assertEquals(1, overflows.get());
        assertEquals(0, outbox.pending(), "what it held is dropped");
        assertFalse(outbox.offer(f("5")));
        assertEquals(1, overflows.get());
        completeNext();
        assertEquals(List.of("in flight"), written, "nothing more is written after the overflow");
    }

    @Test
    void replayedFramesGoFirstAreNotBoundedAndPaceTheirProducer() {
        outbox.offer(f("live-0"));
        List<byte[]> history = new ArrayList<>();
        List<String> expected = new ArrayList<>(List.of("live-0"));
        for (int i = 0; i < 2 * Outbox.PIPELINE + 5; i++) {
            history.add(f("r" + i));
            expected.add("r" + i);
        }
        outbox.replay(history);
        outbox.offer(f("live-1"));
        expected.add("live-1");
        CompletableFuture<Void> below = outbox.replayBelow(Outbox.PIPELINE);
        assertFalse(below.isDone());
        completeNext();
        assertFalse(below.isDone(), "one batch out, PIPELINE + 5 replayed frames still wait");
        completeNext();
        assertTrue(below.isDone(), "two batches out, 5 replayed frames left");
        completeNext();
        assertEquals(expected, written, "history first, then the live frame that came meanwhile");
        assertEquals(List.of(1, Outbox.PIPELINE, Outbox.PIPELINE, 6), batchSizes);
        assertEquals(0, overflows.get());
    }

    @Test
    void aClientIsBehindButTakingOnlyWhileFramesWaitAndItsBatchesComplete() {
        assertFalse(outbox.behindButTaking(), "nothing sent, nothing waiting");
        outbox.offer(f("a"));
        outbox.offer(f("b"));
        assertFalse(outbox.behindButTaking(), "b waits, but the client has taken nothing yet");
        completeNext();
        outbox.offer(f("c"));
        assertTrue(outbox.behindButTaking(), "it took a, and c waits behind b");
        assertFalse(outbox.behindButTaking(), "nothing taken since the last look: stuck or dead");
        completeNext();
        assertFalse(outbox.behindButTaking(), "it took b and c and is no longer behind");
        completeNext();
        assertFalse(outbox.behindButTaking());
    }

    @Test
    void aFailedWriteClosesTheOutbox() {
        outbox.offer(f("a"));
        inFlight.get(0).completeExceptionally(new IllegalStateException("socket gone"));
        assertEquals(1, errors.size());
        assertFalse(outbox.offer(f("b")));
    }

    @Test
    void writesThatCompleteAtOnceDoNotRecurse() {
        List<String> out = new ArrayList<>();
        Outbox immediate = new Outbox(100_000, QueueBudget.unbounded(), frames -> {
            frames.forEach(frame -> out.add("x"));
            return CompletableFuture.completedFuture(null);
        }, reason -> { }, e -> { });
        List<byte[]> many = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            many.add(f("r"));
        }
        immediate.replay(many);
        assertEquals(50_000, out.size());
    }

    /** An outbox on a socket that never finishes a write: its first frame stays in flight, the rest wait. */
    private static Outbox stuck(int capacity, QueueBudget budget, List<String> overflowed) {
        return new Outbox(capacity, budget, frames -> new CompletableFuture<>(), overflowed::add, e -> { });
    }

    /** An 8-byte frame: it counts 40 bytes against a budget. */
    private static byte[] f8(String prefix, int i) {
        return f(String.format("%-8s", prefix + i).substring(0, 8));
    }

    private static final long COST = 8 + QueueBudget.FRAME_OVERHEAD;

    @Test
    void aSpentBudgetClosesTheSocketHoldingMoreThanItsShareAndSparesTheOthers() {
        QueueBudget budget = new QueueBudget(6 * COST, () -> 2); // a share of 3 frames each
        List<String> aClosed = new ArrayList<>();
        List<String> bClosed = new ArrayList<>();
        Outbox a = stuck(100, budget, aClosed);
        Outbox b = stuck(100, budget, bClosed);
        a.offer(f8("a", -1));
        b.offer(f8("b", -1));
        for (int i = 0; i < 5; i++) {
            assertTrue(a.offer(f8("a", i)));
        }
        assertTrue(b.offer(f8("b", 0)));
        assertEquals(6 * COST, budget.queued(), "frames in flight are the socket's, not waiting");
        assertTrue(b.offer(f8("b", 1)), "over the budget, but b holds less than its share");
        assertEquals(7 * COST, budget.queued());

        assertFalse(a.offer(f8("a", 5)), "a holds 5 frames, more than its share of 3, while the budget is spent");
        assertEquals(1, aClosed.size());
        assertEquals("slow consumer: 200 bytes waiting, over its share of the bridge's 240-byte budget",
                aClosed.get(0));
        assertEquals(0, a.pending());
        assertEquals(2 * COST, budget.queued(), "what a held left the budget with it");
        assertTrue(b.offer(f8("b", 2)));
        assertEquals(List.of(), bClosed);
        assertEquals(3 * COST, budget.queued());
    }

    @Test
    void framesLeaveTheBudgetWhenTheSocketTakesThemOrCloses() {
        QueueBudget budget = new QueueBudget(1_000 * COST, () -> 1);
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        Outbox o = new Outbox(100, budget, frames -> {
            CompletableFuture<Void> w = new CompletableFuture<>();
            writes.add(w);
            return w;
        }, reason -> { }, e -> { });
        for (int i = 0; i < 10; i++) {
            o.offer(f8("x", i));
        }
        assertEquals(9 * COST, budget.queued());
        writes.get(0).complete(null);
        assertEquals(0, budget.queued(), "the nine went out as one batch");
        writes.get(1).complete(null);
        o.offer(f8("in flight", 0));
        o.replay(List.of(f8("h", 0), f8("h", 1), f8("h", 2)));
        o.offer(f8("live", 0));
        assertEquals(4, o.pending());
        assertEquals(COST, budget.queued(), "replayed frames are paced by their producer, not budgeted");
        o.close();
        assertEquals(0, budget.queued());
    }

    @Test
    void aLiveQueueThatGrewLargeGetsASmallArrayOnceEmptyAgain() {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        Outbox o = new Outbox(10_000, QueueBudget.unbounded(), frames -> {
            CompletableFuture<Void> w = new CompletableFuture<>();
            writes.add(w);
            return w;
        }, reason -> { }, e -> { });
        for (int i = 0; i < 1 + Outbox.PIPELINE; i++) {
            o.offer(f("small"));
        }
        writes.get(0).complete(null);
        writes.get(1).complete(null);
        assertEquals(0, o.pending());
        assertEquals(0, o.shrinks(), "a queue that stayed small keeps its array");
        for (int i = 0; i < Outbox.SHRINK_ABOVE + 2; i++) { // the first goes straight out
            o.offer(f("big"));
        }
        for (int i = 2; o.pending() > 0; i++) {
            writes.get(i).complete(null);
        }
        writes.get(writes.size() - 1).complete(null);
        assertEquals(1, o.shrinks());
    }
}
