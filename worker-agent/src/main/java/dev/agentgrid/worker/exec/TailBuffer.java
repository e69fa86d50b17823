package dev.agentgrid.worker.exec;

/** Keeps the last {@code size} characters written to it, in bounded memory. Thread-safe. */
final class TailBuffer {

  private final int size;
  private final StringBuilder text = new StringBuilder();

  TailBuffer(int size) {
    this.size = size;
  }

  synchronized void append(String more) {
    text.append(more);
    // Trim only once twice the size is reached, so appending stays amortised O(1).
    if (text.length() > 2 * size) {
      text.delete(0, text.length() - size);
    }
  }

  @Override
  public synchronized String toString() {
    return text.length() <= size ? text.toString() : text.substring(text.length() - size);
  }
}
