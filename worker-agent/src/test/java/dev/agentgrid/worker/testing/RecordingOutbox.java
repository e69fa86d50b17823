package dev.agentgrid.worker.testing;

import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.OutputChunk;
import dev.agentgrid.proto.v1.OutputStream;
import dev.agentgrid.proto.v1.TaskResult;
import dev.agentgrid.worker.exec.Outbox;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** An {@link Outbox} that keeps every message, in order, for assertions. */
public final class RecordingOutbox implements Outbox {

  private final List<ConnectRequest> messages = new ArrayList<>();

  @Override
  public synchronized boolean offer(ConnectRequest message) {
    messages.add(message);
    return true;
  }

  @Override
  public synchronized boolean put(ConnectRequest message) {
    messages.add(message);
    return true;
  }

  /** A copy of everything recorded so far. */
  public synchronized List<ConnectRequest> messages() {
    return new ArrayList<>(messages);
  }

  /** The result, once one was recorded; waits for it. */
  public TaskResult awaitResult() {
    return Await.value("a TaskResult", () -> messages().stream()
        .filter(ConnectRequest::hasTaskResult).map(ConnectRequest::getTaskResult)
        .findFirst().orElse(null));
  }

  /** All output chunks in the order recorded. */
  public List<OutputChunk> chunks() {
    return messages().stream().filter(ConnectRequest::hasTaskOutput)
        .flatMap(m -> m.getTaskOutput().getChunksList().stream()).toList();
  }

  /** The text of all chunks of one stream, concatenated. */
  public String text(OutputStream stream) {
    return chunks().stream().filter(c -> c.getStream() == stream).map(OutputChunk::getText)
        .collect(Collectors.joining());
  }

  /** The kinds of message recorded, e.g. [TASK_PROGRESS, TASK_OUTPUT, TASK_RESULT]. */
  public List<ConnectRequest.MessageCase> kinds() {
    return messages().stream().map(ConnectRequest::getMessageCase).toList();
  }
}
