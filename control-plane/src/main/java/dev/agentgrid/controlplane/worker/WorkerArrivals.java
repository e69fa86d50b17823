package dev.agentgrid.controlplane.worker;

import dev.agentgrid.controlplane.store.GroupCommit;
import dev.agentgrid.controlplane.store.Store;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Workers arriving (Hello): each is registered in a new session and its reported attempts are
 * reconciled with the store. Arrivals share transactions (see {@link GroupCommit}): after a plane
 * restart thousands of workers say Hello within seconds, and one transaction each, every one
 * appending a {@code worker_status} event under the sequence lock, held the connection pool for
 * tens of seconds while their heartbeats starved.
 */
@Singleton
public class WorkerArrivals implements AutoCloseable {
    private final GroupCommit<Arrival, WorkerReconciler.Reconciliation> commits;

    public WorkerArrivals(Store store, WorkerRegistry registry, WorkerReconciler reconciler) {
        this.commits = new GroupCommit<>("worker-arrivals", 256, 20_000, arrivals -> {
            // Worker rows in id order, as heartbeat batches lock them.
            List<Arrival> sorted = new ArrayList<>(arrivals);
            sorted.sort(Comparator.comparing(a -> a.registration().workerId()));
            Map<Arrival, WorkerReconciler.Reconciliation> done = new IdentityHashMap<>();
            store.write(c -> {
                for (Arrival a : sorted) {
                    registry.register(c, a.registration(), a.sessionId());
                    done.put(a, reconciler.reconcile(c, a.registration().workerId(), a.running()));
                }
                return null;
            });
            List<WorkerReconciler.Reconciliation> out = new ArrayList<>(arrivals.size());
            arrivals.forEach(a -> out.add(done.get(a)));
            return out;
        });
    }

    /**
     * Registers the worker in a new session and reconciles its attempts, in a coming batch; the
     * result completes on commit. Not waited for: ten thousand workers connecting at once held a
     * thread each while their batches committed (thousands of threads after a plane restart).
     */
    public CompletableFuture<WorkerReconciler.Reconciliation> arrive(WorkerRegistration registration, UUID sessionId,
            List<RunningAttempt> running) {
        return commits.submitAsync(new Arrival(registration, sessionId, running));
    }

    private record Arrival(WorkerRegistration registration, UUID sessionId, List<RunningAttempt> running) {
    }

    @PreDestroy
    @Override
    public void close() {
        commits.close();
    }
}
