package dev.agentgrid.worker.exec;

import dev.agentgrid.proto.v1.OutputChunk;
import dev.agentgrid.proto.v1.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Coalesces an attempt's output into ordered chunks. Consecutive text of the same stream joins one
 * chunk; a batch of chunks never exceeds {@link #MAX_BATCH_BYTES}, so memory per attempt is bounded.
 * Sequence numbers start at 1 and grow by one per chunk, in the order chunks are closed.
 *
 * <p>Not thread-safe; {@link AttemptReporter} serialises access.
 */
final class OutputChunker {

  /** Most UTF-8 bytes held before a batch must be sent (the contract allows 64 KiB per chunk). */
  static final int MAX_BATCH_BYTES = 32 * 1024;

  private final List<OutputChunk> closed = new ArrayList<>();
  private final StringBuilder current = new StringBuilder();
  private OutputStream currentStream;
  private int pendingBytes;
  private long nextSequence = 1;

  /**
   * Appends text to the output.
   *
   * @return batches that filled up and must be sent now, oldest first; usually none
   */
  List<List<OutputChunk>> append(OutputStream stream, String text) {
    List<List<OutputChunk>> ready = new ArrayList<>();
    if (text.isEmpty()) {
      return ready;
    }
    for (String piece : Utf8.split(text, MAX_BATCH_BYTES)) {
      int bytes = Utf8.length(piece);
      if (pendingBytes + bytes > MAX_BATCH_BYTES) {
        ready.add(take());
      }
      if (currentStream != stream) {
        closeCurrent();
        currentStream = stream;
      }
      current.append(piece);
      pendingBytes += bytes;
    }
    return ready;
  }

  /**
   * Ends the agent message being written: the open agent chunk closes marked as the message's
   * end (an empty marked chunk if its text went out already).
   */
  void endMessage() {
    if (currentStream == OutputStream.OUTPUT_STREAM_AGENT && current.length() > 0) {
      closed.add(OutputChunk.newBuilder().setSequence(nextSequence++).setStream(currentStream)
          .setText(current.toString()).setEndOfMessage(true).build());
      current.setLength(0);
      currentStream = null;
    } else {
      closeCurrent();
      closed.add(OutputChunk.newBuilder().setSequence(nextSequence++)
          .setStream(OutputStream.OUTPUT_STREAM_AGENT).setEndOfMessage(true).build());
    }
    // Counted as pending so that the next flush sends it.
    pendingBytes += 1;
  }

  /** Whether no output is waiting. */
  boolean isEmpty() {
    return pendingBytes == 0;
  }

  /** Closes the open chunk and returns every waiting chunk, leaving the chunker empty. */
  List<OutputChunk> take() {
    closeCurrent();
    List<OutputChunk> batch = List.copyOf(closed);
    closed.clear();
    pendingBytes = 0;
    return batch;
  }

  /** The sequence number the next chunk will get. */
  long nextSequence() {
    return nextSequence;
  }

  private void closeCurrent() {
    if (current.length() > 0) {
      closed.add(OutputChunk.newBuilder()
          .setSequence(nextSequence++)
          .setStream(currentStream)
          .setText(current.toString())
          .build());
      current.setLength(0);
    }
    currentStream = null;
  }
}
