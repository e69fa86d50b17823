package dev.agentgrid.worker.exec;

import com.google.protobuf.util.Durations;
import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.CancelTask;
import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.HitlAnswer;
import dev.agentgrid.proto.v1.RunningAttempt;
import dev.agentgrid.proto.v1.TaskAccepted;
import dev.agentgrid.proto.v1.TaskRejected;
import dev.agentgrid.proto.v1.UserMessage;
import dev.agentgrid.worker.connect.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the worker's slots and the attempts it holds: accepts or rejects assignments, routes cancel,
 * answers and chat messages to the right attempt, and drains.
 *
 * <p>An attempt is <em>held</em> from acceptance until its result has been handed to the transport.
 * Held attempts are what Hello and Heartbeat report as running, so the plane does not declare an
 * attempt lost while its result is still waiting to be sent after a reconnect. Only attempts still
 * executing occupy a slot.
 */
public final class AttemptManager {

  /** Grace between SIGTERM and SIGKILL when a CancelTask names none. */
  public static final Duration DEFAULT_CANCEL_GRACE = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(AttemptManager.class);

  private final int slots;
  private final ExecutorRegistry executors;
  private final Outbox outbox;
  private final Scheduler scheduler;
  private final Duration defaultCancelGrace;
  private final Object lock = new Object();
  // Guarded by lock.
  private final Map<AttemptKey, Attempt> active = new LinkedHashMap<>();
  private final Set<AttemptKey> resultPending = new LinkedHashSet<>();
  // Ended, result not yet in the outbox: shutting down must wait for these too, or it could close
  // the stream just before the result is queued.
  private final Set<AttemptKey> finishing = new LinkedHashSet<>();
  private String drainingReason;

  /**
   * Creates a manager.
   *
   * @param slots attempts run at once
   * @param executors executor per agent type
   * @param outbox where accept/reject and attempt messages go
   * @param scheduler timers for attempts (output flush, deadlines, kill graces)
   * @param defaultCancelGrace grace when a CancelTask names none
   */
  public AttemptManager(int slots, ExecutorRegistry executors, Outbox outbox, Scheduler scheduler,
      Duration defaultCancelGrace) {
    this.slots = slots;
    this.executors = executors;
    this.outbox = outbox;
    this.scheduler = scheduler;
    this.defaultCancelGrace = defaultCancelGrace;
  }

  /** Accepts and starts an assignment, or rejects it with a reason. */
  public void assign(AssignTask task) {
    AttemptKey key = new AttemptKey(task.getTaskId(), task.getAttempt());
    Optional<AttemptExecutor> executor = executors.forAgentType(task.getAgentType());
    String rejection = null;
    Attempt attempt = null;
    boolean duplicate = false;
    synchronized (lock) {
      if (active.containsKey(key) || resultPending.contains(key)) {
        // Sent again (e.g. after a reconnect): it is already ours, so acknowledge it again.
        // Rejecting would make the plane requeue an attempt this worker is still running.
        duplicate = true;
      } else if (drainingReason != null) {
        rejection = "draining";
      } else if (executor.isEmpty()) {
        rejection = "unknown agent type '" + task.getAgentType() + "'";
      } else if (active.size() >= slots) {
        rejection = "no free slot";
      } else {
        attempt = new Attempt(new AttemptReporter(key, outbox, scheduler, new Finish()));
        active.put(key, attempt);
      }
    }
    if (duplicate) {
      LOG.info("{} assigned again: already held, acknowledged", key);
      putEssential(ConnectRequest.newBuilder().setTaskAccepted(TaskAccepted.newBuilder()
          .setTaskId(key.taskId()).setAttempt(key.attempt())).build());
      return;
    }
    if (rejection != null) {
      LOG.info("rejected {} ({}): {}", key, task.getAgentType(), rejection);
      putEssential(ConnectRequest.newBuilder().setTaskRejected(TaskRejected.newBuilder()
          .setTaskId(key.taskId()).setAttempt(key.attempt()).setReason(rejection)).build());
      return;
    }
    LOG.info("accepted {} ({}) with {}", key, task.getAgentType(), executor.get().describe());
    putEssential(ConnectRequest.newBuilder().setTaskAccepted(TaskAccepted.newBuilder()
        .setTaskId(key.taskId()).setAttempt(key.attempt())).build());
    try {
      AttemptExecution execution = executor.get().start(task, attempt.reporter);
      attempt.started(execution);
    } catch (Exception e) {
      LOG.warn("{} could not start: {}", key, e.toString());
      attempt.reporter.fail("could not start the agent: " + e.getMessage(), true);
    }
  }

  /** Stops an attempt this worker holds; messages for other attempts are ignored. */
  public void cancel(CancelTask cancel) {
    AttemptKey key = new AttemptKey(cancel.getTaskId(), cancel.getAttempt());
    Duration grace = cancel.hasGrace()
        ? Duration.ofNanos(Durations.toNanos(cancel.getGrace())) : defaultCancelGrace;
    Attempt attempt = find(key);
    if (attempt == null) {
      LOG.debug("ignoring CancelTask for {}: not running here", key);
      return;
    }
    LOG.info("cancelling {} (grace {} ms): {}", key, grace.toMillis(), cancel.getReason());
    attempt.cancel(cancel.getReason(), grace);
  }

  /** Delivers a human's answer to the attempt that asked. */
  public void hitlAnswer(HitlAnswer answer) {
    Attempt attempt = find(new AttemptKey(answer.getTaskId(), answer.getAttempt()));
    if (attempt == null) {
      LOG.debug("ignoring HitlAnswer for {}#{}: not running here", answer.getTaskId(),
          answer.getAttempt());
      return;
    }
    attempt.execution().ifPresent(execution -> execution.hitlAnswer(answer));
  }

  /** Delivers a user's chat message to a running attempt. */
  public void userMessage(UserMessage message) {
    Attempt attempt = find(new AttemptKey(message.getTaskId(), message.getAttempt()));
    if (attempt == null) {
      LOG.debug("ignoring UserMessage for {}#{}: not running here", message.getTaskId(),
          message.getAttempt());
      return;
    }
    attempt.execution().ifPresent(execution -> execution.userMessage(message));
  }

  /**
   * Stops taking new work; running attempts go on.
   *
   * @return false if the worker was already draining
   */
  public boolean startDraining(String reason) {
    synchronized (lock) {
      if (drainingReason != null) {
        return false;
      }
      drainingReason = reason;
      return true;
    }
  }

  /** Why the worker drains, if it does. */
  public Optional<String> drainingReason() {
    synchronized (lock) {
      return Optional.ofNullable(drainingReason);
    }
  }

  /** Cancels every running attempt. */
  public void cancelAll(String reason, Duration grace) {
    List<Attempt> running;
    synchronized (lock) {
      running = new ArrayList<>(active.values());
    }
    running.forEach(attempt -> attempt.cancel(reason, grace));
  }

  /**
   * Waits until no attempt executes and every ended attempt's result is in the outbox, for at most
   * {@code timeout}.
   *
   * @return whether every attempt ended in time
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!active.isEmpty() || !finishing.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  /** Attempts held: executing, or ended with the result not yet sent. */
  public List<RunningAttempt> heldAttempts() {
    synchronized (lock) {
      Set<AttemptKey> held = new LinkedHashSet<>(active.keySet());
      held.addAll(resultPending);
      return held.stream().map(AttemptKey::toProto).toList();
    }
  }

  /** Attempts still executing. */
  public int activeCount() {
    synchronized (lock) {
      return active.size();
    }
  }

  /** Slots not in use. */
  public int freeSlots() {
    synchronized (lock) {
      return Math.max(0, slots - active.size());
    }
  }

  /** Called once a message was handed to the transport: a sent result releases its attempt. */
  public void onSent(ConnectRequest message) {
    if (message.hasTaskResult()) {
      AttemptKey key = new AttemptKey(message.getTaskResult().getTaskId(),
          message.getTaskResult().getAttempt());
      synchronized (lock) {
        resultPending.remove(key);
      }
    }
  }

  private Attempt find(AttemptKey key) {
    synchronized (lock) {
      return active.get(key);
    }
  }

  private void putEssential(ConnectRequest message) {
    try {
      outbox.put(message);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Moves an ended attempt from executing to waiting for its result to be sent. */
  private final class Finish implements AttemptReporter.FinishListener {
    @Override
    public void finished(AttemptKey key) {
      synchronized (lock) {
        active.remove(key);
        resultPending.add(key);
        finishing.add(key);
      }
    }

    @Override
    public void resultQueued(AttemptKey key) {
      synchronized (lock) {
        finishing.remove(key);
        lock.notifyAll();
      }
    }

    @Override
    public void resultDropped(AttemptKey key) {
      synchronized (lock) {
        finishing.remove(key);
        resultPending.remove(key);
        lock.notifyAll();
      }
    }
  }

  /** One held attempt. A cancel that arrives before the executor started is applied after. */
  private static final class Attempt {
    final AttemptReporter reporter;
    private AttemptExecution execution;
    private String pendingCancelReason;
    private Duration pendingCancelGrace;

    Attempt(AttemptReporter reporter) {
      this.reporter = reporter;
    }

    synchronized Optional<AttemptExecution> execution() {
      return Optional.ofNullable(execution);
    }

    void started(AttemptExecution started) {
      String reason;
      Duration grace;
      synchronized (this) {
        execution = started;
        reason = pendingCancelReason;
        grace = pendingCancelGrace;
      }
      if (reason != null) {
        started.cancel(reason, grace);
      }
    }

    void cancel(String reason, Duration grace) {
      AttemptExecution current;
      synchronized (this) {
        current = execution;
        if (current == null) {
          pendingCancelReason = reason;
          pendingCancelGrace = grace;
          return;
        }
      }
      current.cancel(reason, grace);
    }
  }
}
