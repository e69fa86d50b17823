package dev.agentgrid.controlplane.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs derived-state work (an agent type's status, a project's completion) in its own write
 * transaction per key on one background thread, after the transactions that asked for it have
 * committed. Requests for a key that arrive before its turn coalesce into one run; a request that
 * arrives while the key runs is run again afterwards, so the last change is always seen.
 *
 * <p>Keeping this work out of the hot transactions takes a lock that every one of them queued on
 * (the agent type's row, the project's row) off their path; because each run starts after the
 * requesting commit, it reads everything that commit wrote. Batches start at most once per
 * {@code minInterval}: under load the keys asked for meanwhile are done in one batch, instead of a
 * transaction per key for every commit (derived state is read by people; a tenth of a second
 * late costs nothing, a transaction per task did).
 *
 * @param <K> the key; runs of one batch go in key order, so they lock rows in one order
 */
public final class CoalescingWriter<K extends Comparable<K>> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CoalescingWriter.class);

    private final String name;
    private final Store store;
    private final BiConsumer<Changes, K> work;
    private final long minIntervalNanos;
    private final Set<K> pending = new LinkedHashSet<>(); // guards busy too
    private boolean busy;
    private final Thread thread;

    public CoalescingWriter(String name, Store store, Duration minInterval, BiConsumer<Changes, K> work) {
        this.minIntervalNanos = minInterval.toNanos();
        this.name = name;
        this.store = store;
        this.work = work;
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Has the work for {@code key} run once the current transaction committed. */
    public void requestAfterCommit(Changes c, K key) {
        c.afterCommit(() -> request(key));
    }

    /** Has the work for {@code key} run soon. */
    public void request(K key) {
        synchronized (pending) {
            pending.add(key);
            pending.notifyAll();
        }
    }

    /** Waits until every requested run has finished (for tests and orderly checks). */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (pending) {
            while (!pending.isEmpty() || busy) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                pending.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    private void loop() {
        long lastStart = System.nanoTime() - minIntervalNanos;
        while (!Thread.currentThread().isInterrupted()) {
            List<K> keys;
            synchronized (pending) {
                try {
                    while (pending.isEmpty()) {
                        pending.wait();
                    }
                    // Let requests gather until minInterval after the last batch started.
                    long wait;
                    while ((wait = lastStart + minIntervalNanos - System.nanoTime()) > 0) {
                        pending.wait(Math.max(1, wait / 1_000_000));
                    }
                } catch (InterruptedException e) {
                    return;
                }
                lastStart = System.nanoTime();
                keys = new ArrayList<>(pending);
                pending.clear();
                busy = true;
            }
            try {
                Collections.sort(keys);
                for (K key : keys) {
                    try {
                        store.write(c -> {
                            work.accept(c, key);
                            return null;
                        });
                    } catch (RuntimeException e) {
                        LOG.warn("{}: work for {} failed; it runs again on the next request", name, key, e);
                    }
                }
            } finally {
                synchronized (pending) {
                    busy = false;
                    pending.notifyAll();
                }
            }
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
