package dev.agentgrid.worker.exec;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.Timestamps;
import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.HandoffContext;
import dev.agentgrid.proto.v1.HitlAction;
import dev.agentgrid.proto.v1.HitlAnswer;
import dev.agentgrid.proto.v1.HitlAsk;
import dev.agentgrid.proto.v1.HitlTimeout;
import dev.agentgrid.proto.v1.OutputStream;
import dev.agentgrid.proto.v1.TaskArtifact;
import dev.agentgrid.worker.connect.Cancellable;
import dev.agentgrid.worker.connect.Scheduler;
import dev.agentgrid.worker.spi.Handoff;
import dev.agentgrid.worker.spi.HitlReply;
import dev.agentgrid.worker.spi.TaskContext;
import dev.agentgrid.worker.spi.TaskHandler;
import dev.agentgrid.worker.spi.TaskOutcome;
import dev.agentgrid.worker.spi.UserMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One attempt run by a {@link TaskHandler}; it is the handler's {@link TaskContext}. */
final class HandlerAttempt implements AttemptExecution, TaskContext {

  /** Chat messages kept for a handler that has not set a listener yet. */
  static final int MAX_BUFFERED_MESSAGES = 100;

  private static final Logger LOG = LoggerFactory.getLogger(HandlerAttempt.class);

  private final AssignTask task;
  private final AttemptReporter reporter;
  private final TaskHandler handler;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Duration stopGrace;
  private final AtomicInteger askCount = new AtomicInteger();
  private final Thread thread;
  // Guarded by this.
  private final Map<String, CompletableFuture<HitlReply>> waiting = new HashMap<>();
  private final Map<String, HitlAnswer> earlyAnswers = new HashMap<>();
  private final ArrayDeque<UserMessage> unheard = new ArrayDeque<>();
  private Consumer<UserMessage> listener;
  private String stopReason;
  private boolean deadlinePassed;
  private Cancellable deadlineTimer = Cancellable.NONE;
  private Cancellable abandonTimer = Cancellable.NONE;

  HandlerAttempt(AssignTask task, AttemptReporter reporter, TaskHandler handler,
      Scheduler scheduler, Clock clock, Duration stopGrace) {
    this.task = task;
    this.reporter = reporter;
    this.handler = handler;
    this.scheduler = scheduler;
    this.clock = clock;
    this.stopGrace = stopGrace;
    task.getHitlAnswersList().forEach(answer -> earlyAnswers.put(answer.getAskId(), answer));
    this.thread = new Thread(this::run, "agentgrid-" + reporter.key() + "-handler");
    this.thread.setDaemon(true);
  }

  void start() {
    if (task.hasDeadline()) {
      Duration left = Duration.between(clock.instant(), deadline().orElseThrow());
      synchronized (this) {
        deadlineTimer = scheduler.schedule(() -> stop("deadline exceeded", stopGrace, true), left);
      }
    }
    thread.start();
  }

  private void run() {
    TaskOutcome outcome = null;
    Exception failure = null;
    try {
      outcome = handler.handle(this);
    } catch (Exception e) {
      failure = e;
    } catch (Error e) {
      // A handler's StackOverflowError or the like ends its attempt, not the worker.
      failure = new RuntimeException(e.toString(), e);
    }
    // An interrupt meant for the handler must not stop the result from being queued.
    Thread.interrupted();
    finish(outcome, failure);
  }

  private void finish(TaskOutcome outcome, Exception failure) {
    String stopped;
    boolean deadline;
    synchronized (this) {
      deadlineTimer.cancel();
      abandonTimer.cancel();
      stopped = stopReason;
      deadline = deadlinePassed;
    }
    if (deadline) {
      reporter.fail("deadline exceeded", true);
    } else if (stopped != null) {
      reporter.fail("cancelled: " + stopped, false);
    } else if (failure != null) {
      LOG.info("{}: handler failed: {}", reporter.key(), failure.toString());
      String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
      reporter.fail(message, true);
    } else if (outcome == null) {
      reporter.complete(Json.nullValue());
    } else if (outcome.isFailure()) {
      reporter.fail(outcome.error().orElse(""), outcome.retryable());
    } else if (outcome.outputJson().isPresent()) {
      try {
        reporter.complete(Json.parseValue(outcome.outputJson().get()));
      } catch (IllegalArgumentException e) {
        reporter.fail("handler returned output that is not JSON: " + e.getMessage(), false);
      }
    } else {
      reporter.complete(Json.fromJava(outcome.output()));
    }
  }

  @Override
  public void cancel(String reason, Duration grace) {
    stop(reason, grace, false);
  }

  private void stop(String reason, Duration grace, boolean deadline) {
    List<CompletableFuture<HitlReply>> asks;
    synchronized (this) {
      if (stopReason != null || reporter.isFinished()) {
        return;
      }
      stopReason = reason;
      deadlinePassed = deadline;
      asks = List.copyOf(waiting.values());
      waiting.clear();
      // A Java thread cannot be killed: after the grace the attempt ends without it.
      abandonTimer = scheduler.schedule(() -> {
        if (!reporter.isFinished()) {
          LOG.warn("{}: handler did not return within {} ms of being stopped; ending the attempt"
              + " without it", reporter.key(), grace.toMillis());
          finish(null, null);
        }
      }, grace);
    }
    asks.forEach(ask -> ask.completeExceptionally(new CancellationException(reason)));
    thread.interrupt();
  }

  @Override
  public void hitlAnswer(HitlAnswer answer) {
    CompletableFuture<HitlReply> waiter;
    synchronized (this) {
      waiter = waiting.remove(answer.getAskId());
      if (waiter == null) {
        earlyAnswers.put(answer.getAskId(), answer);
        return;
      }
    }
    waiter.complete(reply(answer));
  }

  @Override
  public void userMessage(dev.agentgrid.proto.v1.UserMessage message) {
    UserMessage converted = new UserMessage(message.getMessageId(), message.getContent(),
        Json.print(message.getMetadata()));
    Consumer<UserMessage> current;
    synchronized (this) {
      current = listener;
      if (current == null) {
        if (unheard.size() >= MAX_BUFFERED_MESSAGES) {
          unheard.removeFirst();
          LOG.warn("{}: handler set no message listener; dropped the oldest chat message",
              reporter.key());
        }
        unheard.addLast(converted);
        return;
      }
    }
    deliver(current, converted);
  }

  @Override
  public String taskId() {
    return task.getTaskId();
  }

  @Override
  public int attempt() {
    return task.getAttempt();
  }

  @Override
  public String projectId() {
    return task.getProjectId();
  }

  @Override
  public String agentType() {
    return task.getAgentType();
  }

  @Override
  public String instructions() {
    return task.getInstructions();
  }

  @Override
  public String inputJson() {
    return Json.print(task.getInput());
  }

  @Override
  public Map<String, Object> input() {
    return Json.toJava(task.getInput());
  }

  @Override
  public List<Handoff> context() {
    return task.getContextList().stream().map(HandlerAttempt::handoff).toList();
  }

  @Override
  public Optional<Instant> deadline() {
    return task.hasDeadline()
        ? Optional.of(Instant.ofEpochMilli(Timestamps.toMillis(task.getDeadline())))
        : Optional.empty();
  }

  @Override
  public void progress(double fraction, String stage, String message) {
    reporter.progress(fraction, stage, message);
  }

  @Override
  public void output(String text) {
    reporter.output(OutputStream.OUTPUT_STREAM_AGENT, text);
  }

  @Override
  public void endMessage() {
    reporter.endMessage();
  }

  @Override
  public void artifact(String name, String type, String mediaType, byte[] content) {
    checkArtifact(name, type, mediaType);
    if (content.length > ContractLimits.MAX_ARTIFACT_BYTES) {
      throw new IllegalArgumentException("artifact content is larger than 16 MiB");
    }
    reporter.artifact(newArtifact(name, type, mediaType, "application/octet-stream")
        .setBinary(ByteString.copyFrom(content)));
  }

  @Override
  public void artifact(String name, String type, String mediaType, String text) {
    checkArtifact(name, type, mediaType);
    String problem = ContractLimits.textProblem(text);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    reporter.artifact(newArtifact(name, type, mediaType, "text/plain; charset=utf-8").setText(text));
  }

  @Override
  public HitlReply ask(String question, List<String> options, String payloadJson)
      throws InterruptedException {
    return ask(question, options, payloadJson, null, null);
  }

  @Override
  public HitlReply ask(String question, List<String> options, String payloadJson,
      Duration timeout, HitlReply.Action defaultAction) throws InterruptedException {
    Struct payload = payload(payloadJson);
    String problem = ContractLimits.askProblem(question, options == null ? 0 : options.size(),
        payload);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    if (timeout != null && (timeout.toSeconds() < 1
        || timeout.toSeconds() > ContractLimits.MAX_ASK_TIMEOUT_SECONDS)) {
      throw new IllegalArgumentException("timeout must be 1 s to 30 days");
    }
    // Ids are numbered per attempt, so a re-asked question after a reconnect keeps its id and the
    // plane opens no second request.
    String askId = "ask-" + askCount.incrementAndGet();
    CompletableFuture<HitlReply> answer = new CompletableFuture<>();
    synchronized (this) {
      if (stopReason != null) {
        throw new CancellationException(stopReason);
      }
      HitlAnswer early = earlyAnswers.remove(askId);
      if (early != null) {
        return reply(early);
      }
      waiting.put(askId, answer);
    }
    HitlAsk.Builder ask = HitlAsk.newBuilder()
        .setAskId(askId)
        .setQuestion(question)
        .addAllOptions(options == null ? List.of() : options)
        .setPayload(payload);
    if (timeout != null) {
      ask.setTimeout(HitlTimeout.newBuilder()
          .setAfter(com.google.protobuf.Duration.newBuilder().setSeconds(timeout.toSeconds()))
          .setDefaultAction(defaultAction == null ? HitlAction.HITL_ACTION_REJECT
              : HitlAction.valueOf("HITL_ACTION_" + defaultAction.name())));
    }
    reporter.ask(ask);
    try {
      return answer.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CancellationException cancelled) {
        throw cancelled;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      synchronized (this) {
        waiting.remove(askId);
      }
    }
  }

  @Override
  public synchronized boolean isCancelled() {
    return stopReason != null;
  }

  @Override
  public void onUserMessage(Consumer<UserMessage> newListener) {
    List<UserMessage> backlog;
    synchronized (this) {
      listener = newListener;
      backlog = List.copyOf(unheard);
      unheard.clear();
    }
    backlog.forEach(message -> deliver(newListener, message));
  }

  private void deliver(Consumer<UserMessage> target, UserMessage message) {
    try {
      target.accept(message);
    } catch (RuntimeException e) {
      LOG.warn("{}: chat message listener failed: {}", reporter.key(), e.toString());
    }
  }

  private static void checkArtifact(String name, String type, String mediaType) {
    String problem = ContractLimits.artifactProblem(name, type == null ? "" : type,
        mediaType == null ? "" : mediaType);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  private static TaskArtifact.Builder newArtifact(String name, String type, String mediaType,
      String defaultMediaType) {
    return TaskArtifact.newBuilder()
        .setName(name)
        .setArtifactType(type == null || type.isEmpty() ? "file" : type)
        .setMediaType(mediaType == null || mediaType.isEmpty() ? defaultMediaType : mediaType);
  }

  private static Struct payload(String json) {
    if (json == null || json.isBlank()) {
      return Struct.getDefaultInstance();
    }
    try {
      return Json.parseObject(json);
    } catch (IllegalArgumentException e) {
      // A payload is context for people: keep what the handler gave rather than failing the ask.
      return Struct.newBuilder().putFields("text", Json.string(json)).build();
    }
  }

  private static HitlReply reply(HitlAnswer answer) {
    HitlReply.Action action = switch (answer.getAction()) {
      case HITL_ACTION_APPROVE -> HitlReply.Action.APPROVE;
      case HITL_ACTION_AMEND -> HitlReply.Action.AMEND;
      default -> HitlReply.Action.REJECT;
    };
    return new HitlReply(answer.getRequestId(), action, answer.getContent());
  }

  private static Handoff handoff(HandoffContext handoff) {
    Value content = handoff.hasContent() ? handoff.getContent() : Json.nullValue();
    return new Handoff(handoff.getProjectId(), handoff.getSourceTaskId(),
        handoff.getSourceAgent(), handoff.getTargetAgent(), handoff.getHandoffType(),
        Json.print(content));
  }
}
