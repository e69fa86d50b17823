package dev.agentgrid.worker.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One attempt as a {@link TaskHandler} sees it: the task, and the ways to report progress, output,
 * artifacts and questions back to the control plane. Reporting methods are thread-safe and return
 * quickly, except {@code ask}, which waits for a human.
 */
public interface TaskContext {

  /** Task id (UUID). */
  String taskId();

  /** Attempt number; every message this context sends carries it. */
  int attempt();

  /** Project id (UUID). */
  String projectId();

  /** Agent type. */
  String agentType();

  /** Instructions for the agent. */
  String instructions();

  /** The task input as a JSON object. */
  String inputJson();

  /** The task input as Java values (String, Double, Boolean, Map, List, null). */
  Map<String, Object> input();

  /** What upstream tasks handed on. */
  List<Handoff> context();

  /** When the attempt must end, if the plane set a deadline. */
  Optional<Instant> deadline();

  /**
   * Reports progress.
   *
   * @param fraction completion in [0, 1]
   * @param stage short stage name, at most 128 characters
   * @param message free text, at most 1,024 characters
   */
  void progress(double fraction, String stage, String message);

  /** Streams agent message text (e.g. an LLM reply as it is generated). */
  void output(String text);

  /** Marks the end of the agent message being streamed (e.g. a complete chat reply). */
  void endMessage();

  /**
   * Publishes a binary artifact.
   *
   * @param name file name, 1 to 255 characters without path separators
   * @param type kind, e.g. "spec" or "code"; "file" if null or empty
   * @param mediaType media type; application/octet-stream if null or empty
   * @param content at most 16 MiB
   * @throws IllegalArgumentException if the name or the size is out of bounds
   */
  void artifact(String name, String type, String mediaType, byte[] content);

  /**
   * Publishes a text artifact.
   *
   * @param name file name, 1 to 255 characters without path separators
   * @param type kind, e.g. "spec" or "code"; "file" if null or empty
   * @param mediaType media type; text/plain if null or empty
   * @param text at most 16 MiB in UTF-8
   * @throws IllegalArgumentException if the name or the size is out of bounds
   */
  void artifact(String name, String type, String mediaType, String text);

  /**
   * Asks a human and waits for the answer, for as long as it takes.
   *
   * @param question the question, as shown to people, 1 to 65,536 characters
   * @param options suggested answers, at most 32; may be empty
   * @param payloadJson context for the human as a JSON object, or null
   * @return the answer
   * @throws java.util.concurrent.CancellationException if the attempt is cancelled meanwhile
   * @throws InterruptedException if the handler thread is interrupted
   */
  HitlReply ask(String question, List<String> options, String payloadJson)
      throws InterruptedException;

  /**
   * Asks a human; if nobody answers within {@code timeout} the plane applies {@code defaultAction}
   * and that comes back as the answer.
   *
   * @throws java.util.concurrent.CancellationException if the attempt is cancelled meanwhile
   * @throws InterruptedException if the handler thread is interrupted
   */
  HitlReply ask(String question, List<String> options, String payloadJson, Duration timeout,
      HitlReply.Action defaultAction) throws InterruptedException;

  /** Whether the attempt was cancelled; a handler should then return soon. */
  boolean isCancelled();

  /**
   * Receives users' chat messages. Messages that arrived before a listener was set are delivered to
   * it at once. The listener runs on the worker's dispatch thread and must return quickly.
   */
  void onUserMessage(Consumer<UserMessage> listener);
}
