package dev.agentgrid.bridge.ws;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One socket's outgoing frames, written a batch at a time: the next batch goes out when the
 * previous one has reached the socket. A client that stops reading therefore makes frames wait here, not
 * in Netty, and the live queue is bounded, on its own in frames and in bytes by the
 * {@link QueueBudget} all outboxes share: when it is full the outbox gives up, drops what it
 * holds and reports the overflow (the session then closes as a slow consumer). Replayed history
 * is written first and is paced by its producer through {@link #replayBelow}, so it needs no
 * bound of its own. Thread-safe; writes may start on any thread and continue on the writer's.
 */
final class Outbox {
    /** Most frames handed to the socket at once, before waiting for their writes to complete. */
    static final int PIPELINE = 64;
    /**
     * A live queue that grew past this many frames gets a new, small array once it is empty again:
     * an {@link ArrayDeque} never shrinks, and a thousand sockets that were once far behind would
     * otherwise keep their grown arrays (512 KB each at 100,000 frames) for as long as they live.
     */
    static final int SHRINK_ABOVE = 1024;
    /** Writes a batch of frames in order; the future completes when all have reached the socket. */
    @FunctionalInterface
    interface Writer {
        CompletableFuture<?> write(List<byte[]> frames);
    }

    private final int capacity;
    private final QueueBudget budget;
    private final Writer writer;
    private final Consumer<String> onOverflow;
    private final Consumer<Throwable> onWriteError;

    // Guarded by this.
    private final ArrayDeque<byte[]> replay = new ArrayDeque<>();
    private ArrayDeque<byte[]> live = new ArrayDeque<>();
    private long liveBytes; // what the live frames count against the budget
    private int livePeak;
    private int shrinks;
    private final List<Waiter> waiters = new ArrayList<>();
    private boolean writing;
    private boolean closed;
    private long taken; // frames whose batch completed: the socket took them
    private long takenAtLastLook;

    /**
     * @param capacity live frames this socket may have waiting
     * @param budget the bytes of live frames all sockets may have waiting
     * @param writer writes batches to the socket
     * @param onOverflow told once, with the reason, when a live frame found the queue full
     * @param onWriteError told when a write failed (the outbox is closed then)
     */
    Outbox(int capacity, QueueBudget budget, Writer writer, Consumer<String> onOverflow,
            Consumer<Throwable> onWriteError) {
        this.capacity = capacity;
        this.budget = budget;
        this.writer = writer;
        this.onOverflow = onOverflow;
        this.onWriteError = onWriteError;
    }

    /**
     * Queues a live frame.
     *
     * @return false if the outbox is closed or just overflowed
     */
    boolean offer(byte[] frame) {
        boolean start = false;
        String overflow = null;
        synchronized (this) {
            if (closed) {
                return false;
            }
            int waiting = live.size();
            if (waiting >= capacity) {
                overflow = "slow consumer: more than " + capacity + " frames waiting";
            } else if (!budget.mayQueue(liveBytes)) {
                overflow = "slow consumer: " + liveBytes + " bytes waiting, over its share of the bridge's "
                        + budget.max() + "-byte budget";
            }
            if (overflow != null) {
                closeLocked();
            } else {
                live.add(frame);
                long cost = QueueBudget.cost(frame);
                liveBytes += cost;
                budget.added(cost);
                livePeak = Math.max(livePeak, waiting + 1);
                start = startLocked();
            }
        }
        if (overflow != null) {
            releaseWaiters();
            onOverflow.accept(overflow);
            return false;
        }
        if (start) {
            drain();
        }
        return true;
    }

    /** Queues replayed frames ahead of every live frame. */
    void replay(List<byte[]> frames) {
        boolean start;
        synchronized (this) {
            if (closed) {
                return;
            }
            replay.addAll(frames);
            start = startLocked();
        }
        if (start) {
            drain();
        }
    }

    /** Completes once fewer than {@code frames} replayed frames wait (at once if closed). */
    CompletableFuture<Void> replayBelow(int frames) {
        synchronized (this) {
            if (closed || replay.size() < frames) {
                return CompletableFuture.completedFuture(null);
            }
            Waiter w = new Waiter(frames, new CompletableFuture<>());
            waiters.add(w);
            return w.future;
        }
    }

    /** Frames waiting, replayed and live. */
    synchronized int pending() {
        return replay.size() + live.size();
    }

    /** How often the live queue's grown array was given up for a small one (see {@link #SHRINK_ABOVE}). */
    synchronized int shrinks() {
        return shrinks;
    }

    /** Drops everything and refuses further frames. */
    void close() {
        synchronized (this) {
            closeLocked();
        }
        releaseWaiters();
    }

    private void closeLocked() {
        closed = true;
        replay.clear();
        budget.removed(liveBytes);
        liveBytes = 0;
        live = new ArrayDeque<>(0);
    }

    private boolean startLocked() {
        if (writing) {
            return false;
        }
        writing = true;
        return true;
    }

    /**
     * Writes until the queues are empty or a batch is still in flight (its completion resumes).
     * Up to {@link #PIPELINE} frames go to the socket as one batch instead of one per round trip
     * through the network thread: with a thousand sockets each receiving thousands of frames a
     * second, waiting for every single write made frames queue up here for seconds.
     */
    private void drain() {
        while (true) {
            List<byte[]> batch = new ArrayList<>(PIPELINE);
            List<CompletableFuture<Void>> ready = new ArrayList<>(0);
            synchronized (this) {
                long fromLive = 0;
                while (!closed && batch.size() < PIPELINE) {
                    byte[] f = replay.poll();
                    if (f == null) {
                        f = live.poll();
                        if (f == null) {
                            break;
                        }
                        fromLive += QueueBudget.cost(f);
                    }
                    batch.add(f);
                }
                liveBytes -= fromLive;
                budget.removed(fromLive);
                if (live.isEmpty() && livePeak > SHRINK_ABOVE) {
                    live = new ArrayDeque<>();
                    livePeak = 0;
                    shrinks++;
                }
                for (Iterator<Waiter> it = waiters.iterator(); it.hasNext();) {
                    Waiter w = it.next();
                    if (closed || replay.size() < w.below) {
                        ready.add(w.future);
                        it.remove();
                    }
                }
                if (batch.isEmpty()) {
                    writing = false;
                }
            }
            ready.forEach(f -> f.complete(null));
            if (batch.isEmpty()) {
                return;
            }
            CompletableFuture<?> written;
            try {
                written = writer.write(batch);
            } catch (RuntimeException e) {
                written = CompletableFuture.failedFuture(e);
            }
            int size = batch.size();
            if (!written.isDone()) {
                written.whenComplete((r, err) -> {
                    if (err != null) {
                        failed(err);
                    } else {
                        completed(size);
                        drain();
                    }
                });
                return;
            }
            if (written.isCompletedExceptionally()) {
                written.whenComplete((r, err) -> failed(err));
                return;
            }
            completed(size);
        }
    }

    private synchronized void completed(int frames) {
        taken += frames;
    }

    /**
     * Whether frames wait here and the socket took some since the last call: a client that is
     * behind but reading. Its answers to pings then queue behind everything the socket already
     * holds (seconds to minutes under overload), so its silence says nothing about whether it is
     * alive; a dead or stuck client takes nothing, and one that is not behind has nothing waiting.
     */
    synchronized boolean behindButTaking() {
        boolean taking = taken != takenAtLastLook;
        takenAtLastLook = taken;
        return taking && !closed && (replay.size() + live.size()) > 0;
    }

    private void failed(Throwable error) {
        close();
        onWriteError.accept(error);
    }

    private void releaseWaiters() {
        List<Waiter> all;
        synchronized (this) {
            all = new ArrayList<>(waiters);
            waiters.clear();
        }
        all.forEach(w -> w.future.complete(null));
    }

    private record Waiter(int below, CompletableFuture<Void> future) {
    }
}
