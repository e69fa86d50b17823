package dev.agentgrid.controlplane.store;

import dev.agentgrid.controlplane.event.Event;
import dev.agentgrid.controlplane.event.EventBus;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Publishes committed transactions' events in the order of their sequence numbers. A transaction
 * takes its numbers under the sequence lock and, on PostgreSQL, commits in the same round trip
 * ({@link dev.agentgrid.controlplane.event.EventLog#append}), so several may have committed by
 * the time their threads get here, in any order. Were each to publish at once, a subscriber
 * would see a gap and read the missing events from the log, and the live events of the same
 * transactions would then arrive after durable events that followed them (a task's output after
 * its completion).
 *
 * <p>So a transaction registers before it sends its append, and once it knows its numbers it
 * publishes when every lower number is accounted for: published here, or another replica's.
 * Numbers below its first that nobody here published yet belong to a transaction of this replica
 * that committed before it (and is on its way here) or to another replica. They can be only
 * another replica's once every transaction registered before this one got its numbers has
 * completed: one of this replica takes its numbers after registering, and those lower numbers
 * were taken before this one's.
 */
final class PublicationOrder {
    private final EventBus bus;
    /** Registered, not completed, in registration order. Guarded by this. */
    private final ArrayDeque<Slot> inFlight = new ArrayDeque<>();
    /** Completed with events, not yet published, lowest numbers first. Guarded by this. */
    private final PriorityQueue<Slot> ready = new PriorityQueue<>(Comparator.comparingLong(s -> s.first));
    /** Every number up to this one was published here or is another replica's. Guarded by this. */
    private long accountedFor;
    private long tickets; // guarded by this

    PublicationOrder(EventBus bus) {
        this.bus = bus;
    }

    /** One registered transaction's place. */
    static final class Slot {
        private final long ticket;
        /** The last ticket handed out when this slot completed. */
        private long horizon;
        private long first;
        private long last;
        private List<Event> events;
        private boolean published; // guarded by the PublicationOrder

        private Slot(long ticket) {
            this.ticket = ticket;
        }
    }

    /** Takes a place; call before the transaction appends its events (takes its numbers). */
    synchronized Slot register() {
        Slot s = new Slot(++tickets);
        inFlight.add(s);
        return s;
    }

    /**
     * The transaction committed with {@code events} (its numbered ones in sequence order, its live
     * ones among them), or rolled back ({@code events} null). Publishes whatever this makes
     * publishable, and returns once this transaction's events are out: a caller that subscribes
     * next must not find them missing. The wait is for transactions of this replica that took
     * lower numbers, which committed already; or, with another replica's numbers in between, for
     * those registered before this one completed, which are sending their appends (no
     * transaction's work waits for a thread that waits here, so they finish).
     */
    synchronized void complete(Slot slot, List<Event> events) {
        inFlight.remove(slot);
        slot.horizon = tickets;
        long first = 0;
        long last = 0;
        if (events != null) {
            for (Event e : events) {
                if (e.durable()) {
                    first = first == 0 ? e.seq() : first;
                    last = e.seq();
                }
            }
        }
        if (first == 0) {
            slot.published = true; // rolled back, or nothing numbered (live events go by publishNow)
        } else {
            slot.events = events;
            slot.first = first;
            slot.last = last;
            ready.add(slot);
        }
        publishReady();
        notifyAll();
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

    private void publishReady() {
        while (!ready.isEmpty()) {
            Slot next = ready.peek();
            boolean gap = next.first != accountedFor + 1;
            if (gap && !inFlight.isEmpty() && inFlight.peek().ticket <= next.horizon) {
                return; // a transaction registered earlier may hold the missing numbers
            }
            ready.poll();
            bus.publish(next.events);
            accountedFor = Math.max(accountedFor, next.last);
            next.published = true;
        }
    }

    /** Publishes events of a transaction that appended none to the log (live ones only) at once. */
    void publishNow(List<Event> events) {
        if (!events.isEmpty()) {
            bus.publish(events);
        }
    }
}
