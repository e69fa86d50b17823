package dev.agentgrid.worker.connect;

/** A scheduled action that has not run yet and can be called off. */
@FunctionalInterface
public interface Cancellable {

  /** A handle for nothing: cancelling it does nothing. */
  Cancellable NONE = () -> { };

  /** Stops the action from running if it has not started; does nothing otherwise. */
  void cancel();
}
