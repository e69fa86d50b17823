package dev.agentgrid.controlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.controlplane.event.Event;
import dev.agentgrid.controlplane.event.InProcessEventBus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Transactions publish in sequence order although their threads learn their numbers in any
 * order: a transaction waits for lower numbers that one registered before it may hold, and for
 * nothing else (another replica's numbers, transactions registered after it).
 */
class PublicationOrderTest {
    private final InProcessEventBus bus = new InProcessEventBus();
    private final List<String> published = new CopyOnWriteArrayList<>();
    private final PublicationOrder order = new PublicationOrder(bus);
    private final List<Thread> threads = new ArrayList<>();

    PublicationOrderTest() {
        bus.subscribe(e -> published.add(e.durable() ? String.valueOf(e.seq()) : e.eventType()));
    }

    @AfterEach
    void threadsFinished() throws InterruptedException {
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(10));
            assertTrue(!t.isAlive(), "a completion never returned");
        }
    }

    @Test
    void completionsInSequenceOrderPublishAtOnce() {
        PublicationOrder.Slot a = order.register();
        PublicationOrder.Slot b = order.register();
        order.complete(a, events(1, 2));
        assertEquals(List.of("1", "2"), published);
        order.complete(b, events(3, 3));
        assertEquals(List.of("1", "2", "3"), published);
    }

    @Test
    void aLaterNumberWaitsForTheTransactionRegisteredBeforeItThatHoldsTheLowerOnes() throws Exception {
        PublicationOrder.Slot a = order.register();
        PublicationOrder.Slot b = order.register();
        Thread later = completeInThread(b, events(2, 3));
        awaitWaiting(later);
        assertEquals(List.of(), published, "2 and 3 wait for 1");
        List<Event> withLive = new ArrayList<>(List.of(live("output")));
        withLive.addAll(events(1, 1));
        order.complete(a, withLive);
        later.join(TimeUnit.SECONDS.toMillis(10));
        assertEquals(List.of("output", "1", "2", "3"), published, "a transaction's live event stays with it");
    }

    @Test
    void anotherReplicasNumbersHoldNothingBackWhenNothingRegisteredEarlierIsInFlight() {
        PublicationOrder.Slot a = order.register();
        order.complete(a, events(1, 1));
        PublicationOrder.Slot b = order.register();
        order.complete(b, events(5, 5));
        assertEquals(List.of("1", "5"), published, "2 to 4 were another replica's");
    }

    @Test
    void aGapWaitsOnlyForTransactionsRegisteredBeforeItCompletedAndRolledBackOnesReleaseIt() throws Exception {
        PublicationOrder.Slot a = order.register();
        order.complete(a, events(1, 1));
        PublicationOrder.Slot inFlight = order.register();
        PublicationOrder.Slot b = order.register();
        Thread waiting = completeInThread(b, events(5, 5));
        awaitWaiting(waiting);
        assertEquals(List.of("1"), published, "2 to 4 may be the in-flight transaction's");
        PublicationOrder.Slot registeredLater = order.register(); // takes its numbers after 5: no reason to wait
        order.complete(inFlight, null); // rolled back
        waiting.join(TimeUnit.SECONDS.toMillis(10));
        assertEquals(List.of("1", "5"), published);
        order.complete(registeredLater, events(6, 6));
        assertEquals(List.of("1", "5", "6"), published);
    }

    @Test
    void aTransactionRegisteredEarlierThatTookHigherNumbersPublishesAfter() throws Exception {
        PublicationOrder.Slot a = order.register();
        order.complete(a, events(1, 1));
        PublicationOrder.Slot slow = order.register(); // e.g. still sending its writes
        PublicationOrder.Slot b = order.register();
        Thread waiting = completeInThread(b, events(4, 4));
        awaitWaiting(waiting);
        order.complete(slow, events(5, 6));
        waiting.join(TimeUnit.SECONDS.toMillis(10));
        assertEquals(List.of("1", "4", "5", "6"), published, "2 and 3 were another replica's");
    }

    @Test
    void manyThreadsCompletingInAnyOrderPublishEveryNumberOnceInOrder() throws Exception {
        int count = 200;
        List<PublicationOrder.Slot> slots = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            slots.add(order.register());
        }
        CountDownLatch start = new CountDownLatch(1);
        for (int i = count - 1; i >= 0; i--) { // highest numbers first
            long seq = i + 1;
            PublicationOrder.Slot slot = slots.get(i);
            Thread t = new Thread(() -> {
                awaitQuietly(start);
                order.complete(slot, events(seq, seq));
            });
            threads.add(t);
            t.start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertEquals(LongStream.rangeClosed(1, count).mapToObj(String::valueOf).toList(), published);
    }

    private Thread completeInThread(PublicationOrder.Slot slot, List<Event> events) {
        Thread t = new Thread(() -> order.complete(slot, events));
        threads.add(t);
        t.start();
        return t;
    }

    /** Until the thread waits in {@code complete} (or ends, which the assertions after catch). */
    private static void awaitWaiting(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (t.getState() != Thread.State.WAITING && t.isAlive() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(Thread.State.WAITING, t.getState(), "the completion waits");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<Event> events(long first, long last) {
        return LongStream.rangeClosed(first, last).mapToObj(seq -> event(seq, "durable")).toList();
    }

    private static Event live(String type) {
        return event(0, type);
    }

    private static Event event(long seq, String type) {
        return new Event(seq, UUID.randomUUID(), type, null, null, null, null, "{}", Instant.EPOCH);
    }
}
