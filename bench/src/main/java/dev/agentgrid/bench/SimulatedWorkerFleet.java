package dev.agentgrid.bench;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Many {@link SimulatedWorker}s in one JVM, spread round-robin over a {@link PlaneConnection}'s
 * channels, with ids {@code bench-<run>-<n>}. One timer thread drives every heartbeat.
 */
public final class SimulatedWorkerFleet implements AutoCloseable {
    /** What the fleet's workers did, summed over all of them. */
    public static final class Counters {
        public final LongAdder welcomed = new LongAdder();
        public final LongAdder heartbeats = new LongAdder();
        /** Heartbeats not sent because the previous one was still waiting for the transport. */
        public final LongAdder heartbeatsCoalesced = new LongAdder();
        public final LongAdder assignments = new LongAdder();
        public final LongAdder results = new LongAdder();
        public final LongAdder cancels = new LongAdder();
        public final LongAdder drains = new LongAdder();
        /** Streams the plane ended (onCompleted) while the worker meant to stay. */
        public final LongAdder serverClosed = new LongAdder();
        /** Streams that failed (onError) while the worker meant to stay. */
        public final LongAdder errors = new LongAdder();
    }

    private final PlaneConnection plane;
    private final String runId;
    private final String agentType;
    private final int slots;
    private final AssignmentListener listener;
    private final Report report;
    private final Counters counters = new Counters();
    private final List<SimulatedWorker> workers = new ArrayList<>();
    private final Map<Status.Code, AtomicInteger> errorCodes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    public SimulatedWorkerFleet(PlaneConnection plane, String runId, String agentType, int slots,
            AssignmentListener listener, Report report) {
        if (slots < 1 || slots > 1024) {
            throw new IllegalArgumentException("slots: " + slots + " (expected: 1 to 1024)");
        }
        this.plane = plane;
        this.runId = runId;
        this.agentType = agentType;
        this.slots = slots;
        this.listener = listener;
        this.report = report;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-heartbeats");
            t.setDaemon(true);
            return t;
        });
    }

    /** The id prefix of this run's workers, e.g. to recognise their events. */
    public String workerIdPrefix() {
        return "bench-" + runId + "-";
    }

    /**
     * Opens {@code count} more streams at {@code perSecond}, then waits until every one of them
     * was welcomed.
     *
     * @throws TimeoutException if some were not welcomed within {@code welcomeTimeout} after the last opened
     * @throws IllegalStateException if a stream failed before its Welcome
     */
    public void connect(int count, double perSecond, Duration welcomeTimeout) throws Exception {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("ramp: " + perSecond + " (expected: > 0 workers per second)");
        }
        List<CompletableFuture<?>> welcomes = new ArrayList<>();
        long start = System.nanoTime();
        long lastNote = start;
        int base = workers.size();
        for (int i = 0; i < count; i++) {
            long due = start + (long) (i * 1e9 / perSecond);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int n = base + i;
            SimulatedWorker w = new SimulatedWorker(workerIdPrefix() + n, agentType, slots, this);
            synchronized (workers) {
                workers.add(w);
            }
            w.start(plane.channel(n));
            welcomes.add(w.welcome());
            if (System.nanoTime() - lastNote > 5_000_000_000L) {
                lastNote = System.nanoTime();
                report.note("  %d/%d workers connecting, %d welcomed", i + 1, count, counters.welcomed.sum());
            }
        }
        try {
            CompletableFuture.allOf(welcomes.toArray(CompletableFuture[]::new))
                    .get(welcomeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a worker stream failed before its Welcome: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new TimeoutException(counters.welcomed.sum() + " of " + workers.size()
                    + " workers welcomed after " + welcomeTimeout);
        }
        report.note("  %d workers welcomed in %.1f s", count, (System.nanoTime() - start) / 1e9);
    }

    /** The heartbeat interval the plane gave the first welcomed worker. */
    public com.google.protobuf.Duration heartbeatInterval() {
        synchronized (workers) {
            for (SimulatedWorker w : workers) {
                if (w.welcome().isDone() && !w.welcome().isCompletedExceptionally()) {
                    return w.welcome().join().getHeartbeatInterval();
                }
            }
        }
        throw new IllegalStateException("no worker was welcomed");
    }

    public Counters counters() {
        return counters;
    }

    /** How many streams ended with each status code while their worker meant to stay. */
    public Map<Status.Code, Integer> errorCodes() {
        Map<Status.Code, Integer> out = new java.util.TreeMap<>();
        errorCodes.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public int size() {
        synchronized (workers) {
            return workers.size();
        }
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    AssignmentListener listener() {
        return listener;
    }

    void failed(String workerId, Status status) {
        counters.errors.increment();
        if (errorCodes.computeIfAbsent(status.getCode(), c -> new AtomicInteger()).getAndIncrement() == 0) {
            report.note("  stream of %s failed: %s %s", workerId, status.getCode(), status.getDescription());
        }
    }

    void closedByServer(String workerId) {
        if (counters.serverClosed.sum() == 0) {
            report.note("  stream of %s closed by the plane", workerId);
        }
        counters.serverClosed.increment();
    }

    /** Half-closes every stream and stops the heartbeats. */
    @Override
    public void close() {
        List<SimulatedWorker> all;
        synchronized (workers) {
            all = List.copyOf(workers);
        }
        all.forEach(SimulatedWorker::close);
        timer.shutdownNow();
    }
}
