package dev.agentgrid.bridge.ws;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * The bytes of the live frames waiting in all sockets' outboxes together. Each socket's queue has
 * its own bound in frames ({@code max-queued-frames}), but a thousand sockets each just under
 * theirs held more than the bridge's heap: under a load it could not deliver, the bridge spent its
 * time collecting garbage and then died of {@link OutOfMemoryError}. Past {@code max} bytes in all,
 * a socket may queue another frame only while it holds less than its fair share ({@code max}
 * divided among the open sockets); one holding more is closed as a slow consumer. The sockets that
 * keep up are untouched, and at most about twice {@code max} bytes wait in all (those over the
 * budget sit in queues each below its share).
 *
 * <p>A frame counts its length plus {@link #FRAME_OVERHEAD} for every socket it waits for, though
 * the sockets share one copy of its bytes: the budget overstates memory, never understates it.
 * Thread-safe.
 */
final class QueueBudget {
    /** What a waiting frame costs besides its bytes: its reference (and the queue's spare room), its array's header. */
    static final int FRAME_OVERHEAD = 32;

    private final long max;
    private final IntSupplier openSockets;
    private final AtomicLong queued = new AtomicLong();

    /**
     * @param max bytes of live frames that may wait in all outboxes before the fullest are refused
     * @param openSockets how many sockets share the budget now
     */
    QueueBudget(long max, IntSupplier openSockets) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1: " + max);
        }
        this.max = max;
        this.openSockets = openSockets;
    }

    /** A budget no number of frames exhausts (one socket's bound is then the only one). */
    static QueueBudget unbounded() {
        return new QueueBudget(Long.MAX_VALUE, () -> 1);
    }

    /** What a frame counts against the budget while it waits for one socket. */
    static long cost(byte[] frame) {
        return frame.length + (long) FRAME_OVERHEAD;
    }

    /** Whether a socket whose live frames waiting cost {@code own} bytes may queue another. */
    boolean mayQueue(long own) {
        return queued.get() < max || own < fairShare();
    }

    /** What one socket may hold once the budget is spent: {@code max} divided among the open sockets. */
    long fairShare() {
        return max / Math.max(1, openSockets.getAsInt());
    }

    void added(long bytes) {
        queued.addAndGet(bytes);
    }

    void removed(long bytes) {
        queued.addAndGet(-bytes);
    }

    /** Bytes of the live frames waiting now, in all outboxes. */
    long queued() {
        return queued.get();
    }

    long max() {
        return max;
    }
}
