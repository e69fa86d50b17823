package dev.agentgrid.controlplane.event;

import dev.agentgrid.controlplane.store.Store;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens event subscriptions (replay from the log, then live) and reads pages of the log. Drains
 * run on a small shared pool, so a subscriber costs a buffer, not a thread.
 */
@Singleton
public class EventStreams {
    private final EventLog log;
    private final EventBus bus;
    private final Store store;
    private final ExecutorService executor;
    private final java.util.concurrent.ScheduledExecutorService headChecks;
    private final Set<Handle> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public EventStreams(EventLog log, EventBus bus, Store store) {
        this.log = log;
        this.bus = bus;
        this.store = store;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
            Thread t = new Thread(r, "event-stream-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // Events committed elsewhere (another replica) are found by polling the log's head.
        this.headChecks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "event-stream-head");
            t.setDaemon(true);
            return t;
        });
        headChecks.scheduleWithFixedDelay(() -> open.forEach(h -> h.subscription.checkHead()),
                HEAD_CHECK_MILLIS, HEAD_CHECK_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** How often every subscription compares its position with the log's head. */
    static final long HEAD_CHECK_MILLIS = 500;

    /**
     * Starts a subscription.
     *
     * @param afterSeq replay durable events after this sequence number; -1 for live only
     * @return call {@link Handle#ready()} when the transport becomes ready, {@link Handle#close()}
     *         when the subscriber goes away
     */
    public Handle subscribe(EventFilter filter, boolean includeLive, long afterSeq, EventSink sink) {
        // Listen first, then read the log's state: nothing committed in between can be missed.
        Handle handle = new Handle();
        handle.registration = bus.subscribe(e -> {
            EventSubscription s = handle.subscription;
            if (s != null) {
                s.offer(e);
            }
        });
        long[] range = store.read(() -> new long[] {log.oldestSeq(), log.latestSeq()});
        long latest = range[1];
        long oldest = range[0] == 0 ? latest + 1 : range[0];
        long covered;
        if (afterSeq < 0) {
            covered = latest;
        } else if (afterSeq > latest || (afterSeq > 0 && afterSeq + 1 < oldest)) {
            sink.resync(oldest, latest);
            covered = latest;
        } else {
            covered = afterSeq;
        }
        LogReader reader = new LogReader() {
            @Override
            public long latestSeq() {
                return store.read(log::latestSeq);
            }

            @Override
            public List<Event> read(long after, long upTo, EventFilter f, int limit) {
                return store.read(() -> log.read(after, upTo, f, limit));
            }
        };
        handle.subscription = new EventSubscription(reader, filter, includeLive, covered, sink, executor);
        open.add(handle);
        if (closed) {
            handle.subscription.sinkComplete();
            handle.close();
            return handle;
        }
        handle.subscription.schedule();
        return handle;
    }

    /** Reads a page of durable events after a sequence number. */
    public List<Event> list(long afterSeq, EventFilter filter, int limit) {
        return store.read(() -> log.read(afterSeq, log.latestSeq(), filter, limit));
    }

    /**
     * Completes every open stream, and every one opened from now on: the server shuts down.
     * Subscriptions never end by themselves, so without this the server would wait for them until
     * its termination timeout.
     */
    public void completeAll() {
        closed = true;
        for (Handle h : List.copyOf(open)) {
            h.subscription.sinkComplete();
            h.close();
        }
    }

    @PreDestroy
    void shutdown() {
        completeAll();
        headChecks.shutdownNow();
        executor.shutdownNow();
    }

    /** A running subscription. */
    public final class Handle implements AutoCloseable {
        private volatile EventSubscription subscription;
        private AutoCloseable registration;

        /** The transport can take messages again. */
        public void ready() {
            subscription.schedule();
        }

        @Override
        public void close() {
            open.remove(this);
            subscription.close();
            try {
                registration.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
