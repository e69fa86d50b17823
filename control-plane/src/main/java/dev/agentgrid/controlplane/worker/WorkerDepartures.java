package dev.agentgrid.controlplane.worker;

import dev.agentgrid.controlplane.store.GroupCommit;
import dev.agentgrid.controlplane.store.Store;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Workers whose stream ended: each goes OFFLINE, unless a newer session superseded the one that
 * ended. Departures share transactions (see {@link GroupCommit}) and nobody waits for them: a
 * plane shutting down, a network partition or the end of a load test ends thousands of streams
 * within a second, and one transaction each, on the thread that saw its stream end, held a thread
 * and a pooled connection per worker until the heartbeats of the workers still connected starved.
 */
@Singleton
public class WorkerDepartures implements AutoCloseable {
    private final GroupCommit<Departure, Boolean> commits;

    public WorkerDepartures(Store store, WorkerRegistry registry) {
        this.commits = new GroupCommit<>("worker-departures", 256, 20_000, departures -> {
            // Worker rows in id order, as heartbeat and arrival batches lock them.
            List<Departure> sorted = new ArrayList<>(departures);
            sorted.sort(Comparator.comparing(Departure::workerId));
            store.write(c -> {
                for (Departure d : sorted) {
                    registry.changeStatus(c, d.workerId(), d.sessionId(), WorkerStatus.OFFLINE, "disconnected");
                }
                return null;
            });
            return Collections.nCopies(departures.size(), Boolean.TRUE);
        });
    }

    /** Marks the worker OFFLINE in a coming batch if {@code sessionId} is still its session; completes on commit. */
    public CompletableFuture<Boolean> leave(String workerId, UUID sessionId) {
        return commits.submitAsync(new Departure(workerId, sessionId));
    }

    private record Departure(String workerId, UUID sessionId) {
    }

    /** Applies the departures already queued, then stops. */
    @PreDestroy
    @Override
    public void close() {
        commits.close();
    }
}
