package dev.agentgrid.bridge.ws;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * The live frames waiting in all sockets' outboxes together. Each socket's queue has its own bound
 * ({@code max-queued-frames}), but a thousand sockets each just under theirs held more than the
 * bridge's heap: under a load it could not deliver, the bridge spent its time collecting garbage
 * and then died of {@link OutOfMemoryError}. Past {@code max} frames in all, a socket may queue
 * another only while it holds less than its fair share ({@code max} divided among the open
 * sockets); one holding more is closed as a slow consumer. The sockets that keep up are thus
 * untouched, and at most about twice {@code max} frames wait in all (those over the budget sit in
 * queues each below its share). Thread-safe.
 */
final class QueueBudget {
    private final long max;
    private final IntSupplier openSockets;
    private final AtomicLong queued = new AtomicLong();

    /**
     * @param max live frames that may wait in all outboxes before the fullest are refused
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

    /** Whether a socket whose queue holds {@code own} live frames may queue one more. */
    boolean mayQueue(int own) {
        return queued.get() < max || own < fairShare();
    }

    /** What one socket may hold once the budget is spent: {@code max} divided among the open sockets. */
    long fairShare() {
        return max / Math.max(1, openSockets.getAsInt());
    }

    void added(int frames) {
        queued.addAndGet(frames);
    }

    void removed(int frames) {
        queued.addAndGet(-frames);
    }

    /** Live frames waiting now, in all outboxes. */
    long queued() {
        return queued.get();
    }

    long max() {
        return max;
    }
}
