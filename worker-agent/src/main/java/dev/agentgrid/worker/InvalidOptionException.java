package dev.agentgrid.worker;

/**
 * A setting that cannot be used, with a message naming the option, the value and what was expected,
 * e.g. {@code slots: 0 (expected: 1 to 1024)}.
 */
public final class InvalidOptionException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with its full message. */
  public InvalidOptionException(String message) {
    super(message);
  }
}
