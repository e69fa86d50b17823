package dev.agentgrid.bridge.events;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The most recent durable events, contiguous by sequence number, in a fixed-size ring: the
 * bridge sees every durable event, so the ring holds exactly the seqs {@code (base, last]}. A
 * resume after any seq in {@code [base, last]} is served from memory without asking the plane.
 * Not thread-safe: the hub guards it.
 */
final class EventRing {
    private final HubEvent[] slots;
    private int head;
    private int size;
    private long base;

    EventRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        slots = new HubEvent[capacity];
    }

    /** Forgets everything; the next event must be {@code position + 1}. */
    void reset(long position) {
        java.util.Arrays.fill(slots, null);
        head = 0;
        size = 0;
        base = position;
    }

    /** Appends the next event, evicting the oldest when full. */
    void add(HubEvent e) {
        if (e.seq() != last() + 1) {
            throw new IllegalArgumentException("event " + e.seq() + " does not follow " + last());
        }
        if (size == slots.length) {
            slots[head] = null;
            head = (head + 1) % slots.length;
            size--;
            base++;
        }
        slots[(head + size) % slots.length] = e;
        size++;
    }

    /** The seq before the oldest kept event: resumes after it or later are served from the ring. */
    long base() {
        return base;
    }

    /** The latest seq in the ring (the base when empty). */
    long last() {
        return base + size;
    }

    int size() {
        return size;
    }

    /** Whether every event after {@code seq} up to {@link #last()} is in the ring. */
    boolean covers(long seq) {
        return seq >= base && seq <= last();
    }

    /** The kept events after {@code seq} that pass {@code filter}, in order; requires {@link #covers}. */
    List<HubEvent> after(long seq, Predicate<HubEvent> filter) {
        if (!covers(seq)) {
            throw new IllegalArgumentException("seq " + seq + " is outside [" + base + ", " + last() + "]");
        }
        List<HubEvent> out = new ArrayList<>();
        for (int i = (int) (seq - base); i < size; i++) {
            HubEvent e = slots[(head + i) % slots.length];
            if (filter.test(e)) {
                out.add(e);
            }
        }
        return out;
    }
}
