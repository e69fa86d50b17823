package dev.agentgrid.worker.connect;

import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.worker.exec.Outbox;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one bounded queue every worker-to-plane message goes through.
 *
 * <p>It has two lanes. The <em>task lane</em> holds task-scoped messages in order, at most
 * {@code capacity} of them, and survives reconnects: what attempts produce while the worker is
 * disconnected is sent after the next Welcome. The <em>control lane</em> holds session-scoped
 * messages (heartbeat, draining), at most {@link #CONTROL_CAPACITY}; it is polled first so that a
 * backlog of output never delays a heartbeat past the plane's lease, and it is cleared when a
 * session ends because a stale heartbeat means nothing to the next session. A newer heartbeat
 * replaces one still waiting.
 *
 * <p>When the task lane is full, droppable messages (output, progress) are dropped and counted,
 * while essential ones block their producer for at most {@code essentialWait}.
 */
public final class OutboundQueue implements Outbox {

  /** Default capacity of the task lane, in messages. */
  public static final int DEFAULT_CAPACITY = 10_000;
  /** Default longest time a producer of an essential message waits for room. */
  public static final Duration DEFAULT_ESSENTIAL_WAIT = Duration.ofMinutes(5);
  /** Capacity of the control lane, in messages. */
  static final int CONTROL_CAPACITY = 16;

  private static final Logger LOG = LoggerFactory.getLogger(OutboundQueue.class);

  private final int capacity;
  private final long essentialWaitNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock.
  private final ArrayDeque<ConnectRequest> taskLane = new ArrayDeque<>();
  private final ArrayDeque<ConnectRequest> controlLane = new ArrayDeque<>();
  private long droppedTotal;
  private long droppedSinceFull;
  private long essentialDroppedTotal;
  private Runnable listener = () -> { };

  /**
   * Creates a queue.
   *
   * @param capacity most task-scoped messages held at once
   * @param essentialWait longest a producer of an essential message blocks when the queue is full
   */
  public OutboundQueue(int capacity, Duration essentialWait) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
    }
    this.capacity = capacity;
    this.essentialWaitNanos = essentialWait.toNanos();
  }

  @Override
  public boolean offer(ConnectRequest message) {
    Runnable notify;
    lock.lock();
    try {
      if (taskLane.size() >= capacity) {
        droppedTotal++;
        if (droppedSinceFull++ == 0) {
          LOG.warn("outbound queue full ({} messages): dropping output until it drains", capacity);
        }
        return false;
      }
      taskLane.addLast(message);
      notify = listener;
    } finally {
      lock.unlock();
    }
    notify.run();
    return true;
  }

  @Override
  public boolean put(ConnectRequest message) throws InterruptedException {
    Runnable notify;
    lock.lockInterruptibly();
    try {
      long remaining = essentialWaitNanos;
      while (taskLane.size() >= capacity) {
        if (remaining <= 0) {
          essentialDroppedTotal++;
          // Only a very long disconnect gets here; by then the plane has declared this worker lost
          // and re-queued its attempts, so the message would be fenced off anyway.
          LOG.error("outbound queue stayed full for {} ms: dropped a {} message",
              essentialWaitNanos / 1_000_000, message.getMessageCase());
          return false;
        }
        remaining = changed.awaitNanos(remaining);
      }
      taskLane.addLast(message);
      notify = listener;
    } finally {
      lock.unlock();
    }
    notify.run();
    return true;
  }

  /**
   * Adds a session-scoped message ahead of all task messages. A heartbeat replaces a heartbeat that
   * is still waiting; if the control lane is full the oldest message is dropped.
   */
  public void offerControl(ConnectRequest message) {
    Runnable notify;
    lock.lock();
    try {
      if (message.hasHeartbeat()) {
        controlLane.removeIf(ConnectRequest::hasHeartbeat);
      }
      if (controlLane.size() >= CONTROL_CAPACITY) {
        controlLane.removeFirst();
      }
      controlLane.addLast(message);
      notify = listener;
    } finally {
      lock.unlock();
    }
    notify.run();
  }

  /** Returns the next message to send (control lane first), or null if there is none. */
  public ConnectRequest poll() {
    lock.lock();
    try {
      ConnectRequest next = controlLane.pollFirst();
      if (next == null) {
        next = taskLane.pollFirst();
        if (next != null && droppedSinceFull > 0 && taskLane.size() < capacity / 2) {
          LOG.warn("outbound queue drained: {} output messages were dropped while it was full",
              droppedSinceFull);
          droppedSinceFull = 0;
        }
      }
      if (next != null) {
        changed.signalAll();
      }
      return next;
    } finally {
      lock.unlock();
    }
  }

  /** Drops all session-scoped messages; called when a session ends. */
  public void clearControl() {
    lock.lock();
    try {
      controlLane.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sets what to run whenever a message is added (the current session's pump), or a no-op.
   * The listener is called outside the lock.
   */
  public void setListener(Runnable listener) {
    lock.lock();
    try {
      this.listener = listener == null ? () -> { } : listener;
    } finally {
      lock.unlock();
    }
  }

  /** Messages waiting in both lanes. */
  public int size() {
    lock.lock();
    try {
      return taskLane.size() + controlLane.size();
    } finally {
      lock.unlock();
    }
  }

  /** Output and progress messages dropped because the queue was full, since start. */
  public long droppedCount() {
    lock.lock();
    try {
      return droppedTotal;
    } finally {
      lock.unlock();
    }
  }

  /** Essential messages dropped after the bounded wait, since start (normally zero). */
  public long essentialDroppedCount() {
    lock.lock();
    try {
      return essentialDroppedTotal;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until both lanes are empty, for at most {@code timeout}.
   *
   * @return whether the queue emptied in time
   */
  public boolean awaitEmpty(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (!taskLane.isEmpty() || !controlLane.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        changed.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }
}
