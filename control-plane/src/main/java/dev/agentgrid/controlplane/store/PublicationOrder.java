package dev.agentgrid.controlplane.store;

import dev.agentgrid.controlplane.event.Event;
import dev.agentgrid.controlplane.event.EventBus;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Publishes committed transactions' events in the order of their sequence numbers. Transactions
 * that append events take the sequence lock, so they commit in sequence order, but each then
 * publishes from its own thread, and the later one could publish first. A subscriber that sees
 * a gap reads the missing events from the log, and the live events of the same transactions then
 * arrive after durable events that followed them (a task's output after its completion). Here a
 * transaction registers while it holds the sequence lock (so registrations come in sequence
 * order) and publishes only after every transaction registered before it published or rolled
 * back. Only gaps left by other replicas remain, which subscribers read from the log.
 */
final class PublicationOrder {
    private final EventBus bus;
    private final ArrayDeque<Slot> waiting = new ArrayDeque<>(); // guarded by this

    PublicationOrder(EventBus bus) {
        this.bus = bus;
    }

    /** One registered transaction's place. */
    static final class Slot {
        private boolean done; // guarded by the PublicationOrder
        private boolean published; // guarded by the PublicationOrder
        private List<Event> events;
    }

    /** Takes the next place; call while holding the event sequence lock. */
    synchronized Slot register() {
        Slot s = new Slot();
        waiting.add(s);
        return s;
    }

    /**
     * Marks a place done: its events (none if the transaction rolled back) are published when
     * every place before it was, together with those of the places after it already done.
     */
    synchronized void complete(Slot slot, List<Event> events) {
        slot.events = events;
        slot.done = true;
        while (!waiting.isEmpty() && waiting.peek().done) {
            Slot head = waiting.poll();
            if (head.events != null && !head.events.isEmpty()) {
                bus.publish(head.events);
            }
            head.published = true;
        }
        notifyAll();
        // A write's events are out when it returns (a caller that subscribes next must not find
        // them missing). The places before this one belong to transactions that committed before
        // this one took the sequence lock, so their threads are on their way here: a short wait.
        boolean interrupted = false;
        while (!slot.published) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Publishes events of a transaction that appended none to the log (live ones only) at once. */
    void publishNow(List<Event> events) {
        if (!events.isEmpty()) {
            bus.publish(events);
        }
    }
}
