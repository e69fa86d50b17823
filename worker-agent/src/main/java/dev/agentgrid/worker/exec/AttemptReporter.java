package dev.agentgrid.worker.exec;

import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.HitlAsk;
import dev.agentgrid.proto.v1.OutputChunk;
import dev.agentgrid.proto.v1.OutputStream;
import dev.agentgrid.proto.v1.Progress;
import dev.agentgrid.proto.v1.TaskArtifact;
import dev.agentgrid.proto.v1.TaskError;
import dev.agentgrid.proto.v1.TaskOutput;
import dev.agentgrid.proto.v1.TaskProgress;
import dev.agentgrid.proto.v1.TaskResult;
import com.google.protobuf.Value;
import dev.agentgrid.worker.connect.Cancellable;
import dev.agentgrid.worker.connect.Scheduler;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what one attempt does into messages for the plane, stamped with the attempt's
 * {@code (task_id, attempt)}, and puts them in the {@link Outbox} in the order they happened.
 * Output is coalesced into chunks and flushed after at most {@link #OUTPUT_FLUSH_DELAY}, and always
 * before any other message so the plane sees output and events interleaved as they were produced.
 *
 * <p>Thread-safe: an attempt's stdout reader, stderr reader, timers and handler thread all report
 * here. After {@link #finish} everything else is ignored.
 */
public final class AttemptReporter {

  /** Longest time output waits before it is sent. */
  public static final Duration OUTPUT_FLUSH_DELAY = Duration.ofMillis(100);
  /** Longest stage name the contract accepts, in characters. */
  static final int MAX_STAGE = 128;
  /** Longest progress message the contract accepts, in characters. */
  static final int MAX_PROGRESS_MESSAGE = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(AttemptReporter.class);

  /** Told when the attempt ends and when its result is in the outbox (or lost). */
  public interface FinishListener {
    /** The attempt ended; its result goes into the outbox right after this returns. */
    default void finished(AttemptKey key) {
    }

    /** The result is in the outbox. */
    default void resultQueued(AttemptKey key) {
    }

    /** The result could not be queued and is lost. */
    default void resultDropped(AttemptKey key) {
    }
  }

  private final AttemptKey key;
  private final Outbox outbox;
  private final Scheduler scheduler;
  private final FinishListener finishListener;
  private final OutputChunker chunker = new OutputChunker();
  private Cancellable flushTimer = Cancellable.NONE;
  private boolean flushScheduled;
  private boolean finished;

  /**
   * Creates a reporter for one attempt.
   *
   * @param key the attempt
   * @param outbox where messages go
   * @param scheduler runs the output flush timer
   * @param finishListener told when the attempt ends
   */
  public AttemptReporter(AttemptKey key, Outbox outbox, Scheduler scheduler,
      FinishListener finishListener) {
    this.key = key;
    this.outbox = outbox;
    this.scheduler = scheduler;
    this.finishListener = finishListener;
  }

  /** The attempt this reporter speaks for. */
  public AttemptKey key() {
    return key;
  }

  /** Reports progress; {@code fraction} is clamped to [0, 1]. May be dropped under pressure. */
  public synchronized void progress(double fraction, String stage, String message) {
    if (finished) {
      return;
    }
    flushOutput();
    double clamped = Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
    outbox.offer(ConnectRequest.newBuilder().setTaskProgress(TaskProgress.newBuilder()
        .setTaskId(key.taskId())
        .setAttempt(key.attempt())
        .setProgress(Progress.newBuilder()
            .setFraction(clamped)
            .setStage(truncate(stage, MAX_STAGE))
            .setMessage(truncate(message, MAX_PROGRESS_MESSAGE))))
        .build());
  }

  /** Appends output text of one stream. May be dropped under pressure. */
  public synchronized void output(OutputStream stream, String text) {
    if (finished || text == null || text.isEmpty()) {
      return;
    }
    for (List<OutputChunk> batch : chunker.append(stream, text)) {
      send(batch);
    }
    if (!chunker.isEmpty() && !flushScheduled) {
      flushScheduled = true;
      flushTimer = scheduler.schedule(this::timedFlush, OUTPUT_FLUSH_DELAY);
    }
  }

  /** Ends the agent message being streamed; what is waiting goes out at once. */
  public synchronized void endMessage() {
    if (finished) {
      return;
    }
    chunker.endMessage();
    flushOutput();
  }

  /** Reports an artifact; the attempt ids are filled in. Never dropped. */
  public synchronized void artifact(TaskArtifact.Builder artifact) {
    if (finished) {
      return;
    }
    flushOutput();
    putEssential(ConnectRequest.newBuilder().setTaskArtifact(
        artifact.setTaskId(key.taskId()).setAttempt(key.attempt())).build());
  }

  /** Asks a human; the attempt ids are filled in. Never dropped. */
  public synchronized void ask(HitlAsk.Builder ask) {
    if (finished) {
      return;
    }
    flushOutput();
    putEssential(ConnectRequest.newBuilder().setHitlAsk(
        ask.setTaskId(key.taskId()).setAttempt(key.attempt())).build());
  }

  /** Ends the attempt successfully with {@code output}. */
  public boolean complete(Value output) {
    return finish(TaskResult.newBuilder().setOutput(output));
  }

  /** Ends the attempt with an error. */
  public boolean fail(String message, boolean retryable) {
    return finish(TaskResult.newBuilder().setError(
        TaskError.newBuilder().setMessage(message == null ? "" : message).setRetryable(retryable)));
  }

  /**
   * Ends the attempt: sends the remaining output, then the result. Only the first call counts.
   *
   * @return whether this call ended the attempt
   */
  public synchronized boolean finish(TaskResult.Builder result) {
    if (finished) {
      return false;
    }
    flushOutput();
    finished = true;
    flushTimer.cancel();
    if (result.hasError()) {
      LOG.info("{} failed{}: {}", key, result.getError().getRetryable() ? " (retryable)" : "",
          result.getError().getMessage());
    } else {
      LOG.info("{} completed", key);
    }
    finishListener.finished(key);
    boolean queued = putEssential(ConnectRequest.newBuilder().setTaskResult(
        result.setTaskId(key.taskId()).setAttempt(key.attempt())).build());
    if (queued) {
      finishListener.resultQueued(key);
    } else {
      finishListener.resultDropped(key);
    }
    return true;
  }

  /** Whether the attempt has ended. */
  public synchronized boolean isFinished() {
    return finished;
  }

  private synchronized void timedFlush() {
    flushScheduled = false;
    if (!finished) {
      flushOutput();
    }
  }

  private void flushOutput() {
    if (!chunker.isEmpty()) {
      send(chunker.take());
    }
  }

  private void send(List<OutputChunk> batch) {
    if (batch.isEmpty()) {
      return;
    }
    outbox.offer(ConnectRequest.newBuilder().setTaskOutput(TaskOutput.newBuilder()
        .setTaskId(key.taskId())
        .setAttempt(key.attempt())
        .addAllChunks(batch)).build());
  }

  private boolean putEssential(ConnectRequest message) {
    try {
      return outbox.put(message);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("attempt {}: interrupted while queueing {}; it is lost", key,
          message.getMessageCase());
      return false;
    }
  }

  private static String truncate(String text, int max) {
    if (text == null) {
      return "";
    }
    return text.length() <= max ? text : text.substring(0, max);
  }
}
