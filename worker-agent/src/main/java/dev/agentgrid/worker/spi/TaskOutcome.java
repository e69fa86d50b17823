package dev.agentgrid.worker.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * How an attempt ended: completed with an output value, or failed with a message and whether another
 * attempt may succeed.
 */
public final class TaskOutcome {

  private final Object output;
  private final String outputJson;
  private final String error;
  private final boolean retryable;

  private TaskOutcome(Object output, String outputJson, String error, boolean retryable) {
    this.output = output;
    this.outputJson = outputJson;
    this.error = error;
    this.retryable = retryable;
  }

  /**
   * Completed with {@code output}: null, a String, Number, Boolean, a Map with String keys, a List,
   * or nestings of these.
   */
  public static TaskOutcome completed(Object output) {
    return new TaskOutcome(output, null, null, false);
  }

  /** Completed with output given as JSON text (any JSON value). */
  public static TaskOutcome completedJson(String json) {
    return new TaskOutcome(null, Objects.requireNonNull(json, "json"), null, false);
  }

  /** Failed. */
  public static TaskOutcome failed(String message, boolean retryable) {
    return new TaskOutcome(null, null, Objects.requireNonNull(message, "message"), retryable);
  }

  /** Whether the attempt failed. */
  public boolean isFailure() {
    return error != null;
  }

  /** The output as Java values, when completed with {@link #completed}. */
  public Object output() {
    return output;
  }

  /** The output as JSON text, when completed with {@link #completedJson}. */
  public Optional<String> outputJson() {
    return Optional.ofNullable(outputJson);
  }

  /** The error message of a failure. */
  public Optional<String> error() {
    return Optional.ofNullable(error);
  }

  /** Whether another attempt of a failed task may succeed. */
  public boolean retryable() {
    return retryable;
  }
}
