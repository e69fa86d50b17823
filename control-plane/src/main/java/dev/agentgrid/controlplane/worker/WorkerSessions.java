package dev.agentgrid.controlplane.worker;

import dev.agentgrid.controlplane.task.WorkerCommands;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The workers connected to this replica, one current channel per worker id. */
@Singleton
public class WorkerSessions implements WorkerCommands {
    private final ConcurrentHashMap<String, WorkerChannel> byWorker = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** Bumped after every change of {@link #byWorker}, so a snapshot knows it is stale. */
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
    private volatile PlaceableWorkers placeable = PlaceableWorkers.NONE;

    /**
     * Makes {@code channel} the worker's current one; an older channel is closed. After
     * {@link #closeAll()} a new channel is closed at once.
     */
    public void attach(WorkerChannel channel) {
        WorkerChannel previous = byWorker.put(channel.workerId(), channel);
        changes.incrementAndGet();
        if (previous != null && previous != channel) {
            previous.supersede();
        }
        if (closed) {
            channel.shutdown();
        }
    }

    /**
     * Ends every worker stream when the plane shuts down, at once, and every one that connects
     * from now on: workers reconnect (to another replica, or to this one when it is back) instead
     * of keeping the server waiting until its termination timeout.
     */
    public void closeAll() {
        closed = true;
        for (WorkerChannel channel : List.copyOf(byWorker.values())) {
            channel.shutdown();
        }
    }

    /**
     * Forgets {@code channel} if it is still the worker's current one.
     *
     * @return whether it was current (false if a newer connection superseded it)
     */
    public boolean detach(WorkerChannel channel) {
        boolean removed = byWorker.remove(channel.workerId(), channel);
        if (removed) {
            changes.incrementAndGet();
        }
        return removed;
    }

    /**
     * The connected workers that serve an agent type, as of the last change: rebuilt on the first
     * call after a worker came or went, shared by every call until the next change.
     */
    public PlaceableWorkers placeable() {
        PlaceableWorkers known = placeable;
        if (known.version() == changes.get()) {
            return known;
        }
        synchronized (changes) {
            // Read before the map: a change while building bumps it again, and the next call rebuilds.
            long version = changes.get();
            if (placeable.version() != version) {
                placeable = new PlaceableWorkers(version, byWorker.values());
            }
            return placeable;
        }
    }

    /** The worker's current channel on this replica. */
    public Optional<WorkerChannel> get(String workerId) {
        return Optional.ofNullable(byWorker.get(workerId));
    }

    /** Every connected worker. */
    public List<WorkerChannel> all() {
        return List.copyOf(byWorker.values());
    }

    /** How many workers are connected. */
    public int count() {
        return byWorker.size();
    }

    /** Ends every worker stream, if {@link #closeAll()} did not already (see GracefulShutdown). */
    @jakarta.annotation.PreDestroy
    void shutdown() {
        closeAll();
    }

    @Override
    public void message(String workerId, dev.agentgrid.controlplane.task.UserMessageDelivery message) {
        get(workerId).ifPresent(ch -> ch.message(message));
    }

    @Override
    public void answer(String workerId, dev.agentgrid.controlplane.hitl.HitlDelivery delivery) {
        get(workerId).ifPresent(ch -> ch.answer(delivery));
    }

    @Override
    public void cancel(String workerId, UUID taskId, int attempt, String reason) {
        get(workerId).ifPresent(ch -> ch.cancel(taskId, attempt, reason));
    }
}
