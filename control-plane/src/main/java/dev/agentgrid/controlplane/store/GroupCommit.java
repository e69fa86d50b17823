package dev.agentgrid.controlplane.store;

import dev.agentgrid.controlplane.common.UnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits many small writes from many callers in one transaction (group commit). Every commit
 * waits for the database to make its log durable and holds the event sequence lock until then,
 * so one transaction per worker message caps the plane at a few thousand messages per second
 * whatever the hardware; one transaction per batch does not. A caller either waits for its write
 * to commit ({@link #submit}) or gets a future ({@link #submitAsync}) and goes on; either way it
 * gets its own result or exception. Writes apply in the order they were queued, so one caller's
 * writes keep their order without waiting, and their futures complete in that order too. A full
 * queue pushes back on the senders.
 *
 * <p>One thread applies batches in arrival order. If any write of a batch fails, the batch rolls
 * back and each of its writes is applied again alone, so one bad write (a stale report, a
 * deadlock victim) fails only its own caller.
 *
 * @param <I> what a caller submits
 * @param <O> what it gets back
 */
public final class GroupCommit<I, O> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    private final String name;
    private final int maxBatch;
    private final Function<List<I>, List<O>> applyInOneTransaction;
    private final BlockingQueue<Pending<I, O>> queue;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param applyInOneTransaction applies a batch in one transaction and returns one result per
     *     input, in order; it throws (rolling back) if any input fails
     */
    public GroupCommit(String name, int maxBatch, int maxQueued, Function<List<I>, List<O>> applyInOneTransaction) {
        this.name = name;
        this.maxBatch = maxBatch;
        this.applyInOneTransaction = applyInOneTransaction;
        this.queue = new ArrayBlockingQueue<>(maxQueued);
        this.thread = new Thread(this::run, "group-commit-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues {@code input} for the next batch without waiting for its commit (waiting only if the
     * queue is full): a caller that waited would hold a thread per waiting worker, and could have
     * only one write in each batch.
     */
    public CompletableFuture<O> submitAsync(I input) {
        if (closed) {
            return CompletableFuture.failedFuture(new UnavailableException("the control plane is shutting down"));
        }
        Pending<I, O> p = new Pending<>(input, new CompletableFuture<>());
        try {
            queue.put(p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new UnavailableException("interrupted while queueing a write"));
        }
        return p.result;
    }

    /** Applies {@code input} in the next batch and waits for its commit. */
    public O submit(I input) {
        if (closed) {
            throw new UnavailableException("the control plane is shutting down");
        }
        Pending<I, O> p = new Pending<>(input, new CompletableFuture<>());
        try {
            queue.put(p);
            while (true) {
                try {
                    return p.result.get(1, java.util.concurrent.TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // Queued just as the writer stopped: nobody will apply it.
                    if (closed && !thread.isAlive() && queue.remove(p)) {
                        throw new UnavailableException("the control plane is shutting down");
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while waiting for a commit");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void run() {
        List<Pending<I, O>> batch = new ArrayList<>(maxBatch);
        while (true) {
            Pending<I, O> first;
            try {
                first = queue.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = queue.poll();
            }
            if (first == null) {
                if (closed) {
                    return; // closed and drained: everything submitted was applied
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, maxBatch - 1);
            apply(batch);
            batch.clear();
        }
    }

    private void apply(List<Pending<I, O>> batch) {
        List<I> inputs = new ArrayList<>(batch.size());
        batch.forEach(p -> inputs.add(p.input));
        try {
            List<O> outputs = applyInOneTransaction.apply(inputs);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result.complete(outputs.get(i));
            }
            return;
        } catch (RuntimeException | Error e) {
            if (batch.size() == 1) {
                batch.get(0).result.completeExceptionally(e);
                return;
            }
            LOG.debug("{}: a batch of {} failed ({}); applying them one by one", name, batch.size(), e.toString());
        }
        for (Pending<I, O> p : batch) {
            try {
                p.result.complete(applyInOneTransaction.apply(List.of(p.input)).get(0));
            } catch (RuntimeException | Error e) {
                p.result.completeExceptionally(e);
            }
        }
    }

    /** Writes waiting for the next batch. */
    public int queued() {
        return queue.size();
    }

    /**
     * Refuses new writes, applies those already waiting (a worker considers a message delivered
     * once sent, so a queued report must not be dropped on the way down), then stops.
     */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Pending<I, O>(I input, CompletableFuture<O> result) {
    }
}
