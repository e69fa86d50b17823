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

/** The outbox against a socket the test completes writes on by hand. */
class OutboxTest {
    private final List<String> written = new ArrayList<>();
    private final List<CompletableFuture<Void>> inFlight = new ArrayList<>();
    private final AtomicInteger overflows = new AtomicInteger();
    private final List<Throwable> errors = new ArrayList<>();
    private final Outbox outbox = new Outbox(3, frame -> {
        written.add(new String(frame, StandardCharsets.UTF_8));
        CompletableFuture<Void> f = new CompletableFuture<>();
        inFlight.add(f);
        return f;
    }, overflows::incrementAndGet, errors::add);

    private static byte[] f(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void completeNext() {
        inFlight.get(written.size() - 1).complete(null);
    }

    @Test
    void framesQueuedWhileWritesAreInFlightGoOutTogetherInOrderOnceTheyComplete() {
        outbox.offer(f("a"));
        outbox.offer(f("b"));
        outbox.offer(f("c"));
        assertEquals(List.of("a"), written, "b and c wait while a is in flight");
        completeNext();
        assertEquals(List.of("a", "b", "c"), written, "both waiting frames are handed over at once");
        inFlight.get(1).complete(null);
        assertEquals(List.of("a", "b", "c"), written);
        outbox.offer(f("d"));
        assertEquals(List.of("a", "b", "c"), written, "d waits until every write in flight completed");
        inFlight.get(2).complete(null);
        assertEquals(List.of("a", "b", "c", "d"), written);
        completeNext();
        assertEquals(0, outbox.pending());
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
        outbox.replay(List.of(f("r1"), f("r2"), f("r3"), f("r4"), f("r5")));
        outbox.offer(f("live-1"));
        CompletableFuture<Void> below = outbox.replayBelow(3);
        assertFalse(below.isDone());
        completeNext();
        completeNext();
        completeNext();
        assertTrue(below.isDone(), "two replayed frames left");
        completeNext();
        completeNext();
        completeNext();
        assertEquals(List.of("live-0", "r1", "r2", "r3", "r4", "r5", "live-1"), written);
        assertEquals(0, overflows.get());
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
        Outbox immediate = new Outbox(100_000, frame -> {
            out.add("x");
            return CompletableFuture.completedFuture(null);
        }, () -> { }, e -> { });
        List<byte[]> many = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            many.add(f("r"));
        }
        immediate.replay(many);
        assertEquals(50_000, out.size());
    }
}
