package dev.agentgrid.controlplane.event;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber's ordered, gap-free view of the event log followed by live events.
 *
 * <p>Invariant: every durable event with {@code seq <= covered} was sent (if it matched) or
 * skipped. Live events that arrive in order advance {@code covered}; a gap (a live event beyond
 * {@code covered + 1}, or a full buffer) switches to catch-up, which reads the missing range from
 * the log. Appends commit in sequence order, so the log has every event up to the latest one
 * committed. Memory per subscriber is bounded by {@link #MAX_BUFFERED} events; a slow subscriber
 * loses only live-only telemetry, never durable events.
 */
final class EventSubscription {
    static final int MAX_BUFFERED = 10_000;
    static final int PAGE = 500;
    private static final Logger LOG = LoggerFactory.getLogger(EventSubscription.class);

    private final LogReader log;
    private final EventFilter filter;
    private final boolean includeLive;
    private final EventSink sink;
    private final Executor executor;
    private final ArrayDeque<Event> buffer = new ArrayDeque<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean pendingDrain = new AtomicBoolean();
    private volatile boolean closed;
    private volatile boolean checkHead;

    // Guarded by draining (only the draining thread touches these).
    private long covered;
    private boolean catchingUp = true;
    private List<Event> page = List.of();
    private int pageIndex;
    private long pageEnd;
    /** The log's head at the last head check. */
    private long headSeen;
    /** The head seen one check before the last, read from the log once the buffer is drained. */
    private long headDue;

    // Guarded by buffer's monitor.
    private boolean overflowed;

    EventSubscription(LogReader log, EventFilter filter, boolean includeLive, long covered, EventSink sink,
            Executor executor) {
        this.log = log;
        this.filter = filter;
        this.includeLive = includeLive;
        this.covered = covered;
        this.sink = sink;
        this.executor = executor;
    }

    /** Called by the bus for every published event. */
    void offer(Event e) {
        if (closed || (!e.durable() && !(includeLive && filter.matches(e)))) {
            return;
        }
        synchronized (buffer) {
            if (buffer.size() >= MAX_BUFFERED) {
                buffer.clear();
                overflowed = true;
            } else {
                buffer.add(e);
            }
        }
        schedule();
    }

    /** Runs a drain on the executor unless one is running; a running one re-checks. */
    void schedule() {
        if (closed) {
            return;
        }
        pendingDrain.set(true);
        if (draining.compareAndSet(false, true)) {
            executor.execute(this::drainLoop);
        }
    }

    /**
     * Asks the subscription to compare its position with the log's head on its next drain. Events
     * committed by another control-plane replica never reach this replica's bus; this periodic
     * check finds them (and a lost in-process delivery) within two polling intervals. Not one:
     * what this replica committed a moment before a check may not be published yet (its thread
     * waits for a CPU, or for earlier transactions to publish), and reading it from the log then
     * would send a task's completion before the live output published with or before it.
     */
    void checkHead() {
        checkHead = true;
        schedule();
    }

    void close() {
        closed = true;
        synchronized (buffer) {
            buffer.clear();
        }
    }

    boolean isClosed() {
        return closed;
    }

    void sinkComplete() {
        if (!closed) {
            closed = true;
            sink.complete();
        }
    }

    private void drainLoop() {
        try {
            while (pendingDrain.getAndSet(false)) {
                drain();
            }
        } catch (RuntimeException e) {
            LOG.warn("event subscription failed", e);
            closed = true;
            sink.fail(e);
        } finally {
            draining.set(false);
        }
        // An offer that came after the last check but before the flag was cleared.
        if (pendingDrain.get() && !closed) {
            schedule();
        }
    }

    private void drain() {
        if (checkHead && !catchingUp && sink.isReady()) {
            checkHead = false;
            headDue = Math.max(headDue, headSeen);
            headSeen = log.latestSeq();
        }
        while (!closed && sink.isReady()) {
            synchronized (buffer) {
                if (overflowed) {
                    overflowed = false;
                    catchingUp = true;
                }
            }
            if (catchingUp) {
                if (!catchUpStep()) {
                    return;
                }
                continue;
            }
            Event e;
            synchronized (buffer) {
                e = buffer.poll();
            }
            if (e == null) {
                // Only now: what was published before the check goes first (a task's live output
                // before its completion, committed meanwhile but not yet published here).
                if (headDue > covered) {
                    headDue = 0;
                    catchingUp = true;
                    continue;
                }
                return;
            }
            if (!e.durable()) {
                sink.send(e);
            } else if (e.seq() == covered + 1) {
                covered = e.seq();
                if (filter.matches(e)) {
                    sink.send(e);
                }
            } else if (e.seq() > covered + 1) {
                // Published out of order (or by another replica): read the gap from the log.
                catchingUp = true;
            }
        }
    }

    /** Sends one event of the current catch-up page, or reads the next page. */
    private boolean catchUpStep() {
        if (pageIndex < page.size()) {
            sink.send(page.get(pageIndex++));
            if (pageIndex == page.size()) {
                covered = pageEnd;
            }
            return true;
        }
        long upTo = log.latestSeq();
        if (upTo <= covered) {
            catchingUp = false;
            return true;
        }
        List<Event> next = log.read(covered, upTo, filter, PAGE);
        // A short page means nothing else in (covered, upTo] matches.
        pageEnd = next.size() < PAGE ? upTo : next.get(next.size() - 1).seq();
        page = next;
        pageIndex = 0;
        if (next.isEmpty()) {
            covered = pageEnd;
        }
        return true;
    }
}
