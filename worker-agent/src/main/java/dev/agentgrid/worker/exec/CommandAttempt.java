package dev.agentgrid.worker.exec;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.Timestamps;
import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.HitlAnswer;
import dev.agentgrid.proto.v1.HitlAsk;
import dev.agentgrid.proto.v1.HitlTimeout;
import dev.agentgrid.proto.v1.OutputStream;
import dev.agentgrid.proto.v1.TaskArtifact;
import dev.agentgrid.proto.v1.UserMessage;
import dev.agentgrid.worker.connect.Cancellable;
import dev.agentgrid.worker.connect.Scheduler;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One attempt running as a child process; see {@link CommandExecutor}. */
final class CommandAttempt implements AttemptExecution {

  /** Characters of stdout and stderr kept for the result when an agent reports none. */
  static final int TAIL_CHARS = 4096;
  /** Longest stdout line read whole; longer lines are plain output in pieces. */
  static final int MAX_LINE_CHARS = 16 * 1024 * 1024;
  /**
   * How long stdout and stderr may stay open after the agent exited (a background child still holds
   * them) before the attempt ends anyway.
   */
  static final Duration PIPE_GRACE = Duration.ofSeconds(2);

  private static final Logger LOG = LoggerFactory.getLogger(CommandAttempt.class);

  private enum Stop { CANCELLED, DEADLINE }

  private final AssignTask task;
  private final AttemptReporter reporter;
  private final WorkDirectory directory;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Duration stopGrace;
  private final String name;
  private final TailBuffer stdoutTail = new TailBuffer(TAIL_CHARS);
  private final TailBuffer stderrTail = new TailBuffer(TAIL_CHARS);
  // stdout closed, stderr closed, process exited: the attempt ends when all three happened.
  private final AtomicInteger openParts = new AtomicInteger(3);
  private final AtomicBoolean ended = new AtomicBoolean();
  private Process process;
  private StdinWriter stdin;
  // Guarded by this.
  private ProtocolLine.ResultLine result;
  private ProtocolLine.ResultLine resultAtStop;
  private Stop stop;
  private String stopReason;
  private Cancellable deadlineTimer = Cancellable.NONE;

  CommandAttempt(AssignTask task, AttemptReporter reporter, WorkDirectory directory,
      Scheduler scheduler, Clock clock, Duration stopGrace) {
    this.task = task;
    this.reporter = reporter;
    this.directory = directory;
    this.scheduler = scheduler;
    this.clock = clock;
    this.stopGrace = stopGrace;
    String shortId = task.getTaskId().length() > 8 ? task.getTaskId().substring(0, 8)
        : task.getTaskId();
    this.name = shortId + "#" + task.getAttempt();
  }

  void start(String commandLine) throws IOException {
    ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", commandLine)
        .directory(directory.directory().toFile());
    Map<String, String> env = builder.environment();
    // The worker's own settings (its token above all) are none of the agent's business.
    env.keySet().removeIf(key -> key.startsWith("AGENTGRID_"));
    env.put("AGENTGRID_TASK_ID", task.getTaskId());
    env.put("AGENTGRID_ATTEMPT", Integer.toString(task.getAttempt()));
    env.put("AGENTGRID_PROJECT_ID", task.getProjectId());
    env.put("AGENTGRID_AGENT_TYPE", task.getAgentType());
    env.put("AGENTGRID_TASK_FILE", directory.taskFile().toString());
    process = builder.start();
    LOG.info("{}: started pid {} in {}", reporter.key(), process.pid(), directory.directory());

    stdin = new StdinWriter(process.getOutputStream(), name);
    stdin.send(TaskJson.taskLine(task));
    // Answers from an earlier session or attempt: the agent finds them when it asks again.
    task.getHitlAnswersList().forEach(answer -> stdin.send(TaskJson.hitlAnswerLine(answer)));

    startReader(process.getInputStream(), "stdout", this::onStdoutLine);
    startReader(process.getErrorStream(), "stderr", this::onStderrLine);
    process.onExit().thenRun(() -> {
      partEnded();
      scheduler.schedule(this::endIfPipesStayOpen, PIPE_GRACE);
    });
    if (task.hasDeadline()) {
      Instant deadline = Instant.ofEpochMilli(Timestamps.toMillis(task.getDeadline()));
      Duration left = Duration.between(clock.instant(), deadline);
      synchronized (this) {
        deadlineTimer = scheduler.schedule(
            () -> stop(Stop.DEADLINE, "deadline exceeded", stopGrace), left);
      }
    }
  }

  @Override
  public void cancel(String reason, Duration grace) {
    stop(Stop.CANCELLED, reason, grace);
  }

  @Override
  public void hitlAnswer(HitlAnswer answer) {
    stdin.send(TaskJson.hitlAnswerLine(answer));
  }

  @Override
  public void userMessage(UserMessage message) {
    stdin.send(TaskJson.userMessageLine(message));
  }

  private synchronized void stop(Stop why, String reason, Duration grace) {
    if (stop != null || ended.get()) {
      return;
    }
    stop = why;
    stopReason = reason;
    resultAtStop = result;
    LOG.info("{}: stopping ({}), SIGKILL after {} ms", reporter.key(), reason, grace.toMillis());
    ProcessTree.terminate(process.toHandle(), grace, scheduler);
  }

  private void startReader(InputStream stream, String which, LineHandler handler) {
    Thread thread = new Thread(() -> {
      BoundedLineReader reader = new BoundedLineReader(
          new InputStreamReader(stream, StandardCharsets.UTF_8), MAX_LINE_CHARS);
      try {
        BoundedLineReader.Line line;
        while ((line = reader.read()) != null) {
          handler.handle(line);
        }
      } catch (IOException e) {
        if (!ended.get()) {
          LOG.debug("{}: {} closed: {}", reporter.key(), which, e.toString());
        }
      } catch (RuntimeException e) {
        // Whatever an agent prints must never take the worker down.
        LOG.error("{}: failed to handle {}", reporter.key(), which, e);
      } finally {
        partEnded();
      }
    }, "agentgrid-" + name + "-" + which);
    thread.setDaemon(true);
    thread.start();
  }

  private void onStderrLine(BoundedLineReader.Line line) {
    String text = line.complete() ? line.text() + "\n" : line.text();
    stderrTail.append(text);
    reporter.output(OutputStream.OUTPUT_STREAM_STDERR, text);
  }

  private void onStdoutLine(BoundedLineReader.Line line) {
    ProtocolLine parsed = line.complete()
        ? ProtocolLine.parse(line.text()) : new ProtocolLine.Plain(line.text());
    if (parsed instanceof ProtocolLine.ProgressLine p) {
      reporter.progress(p.fraction(), p.stage(), p.message());
    } else if (parsed instanceof ProtocolLine.MessageLine m) {
      reporter.output(OutputStream.OUTPUT_STREAM_AGENT, m.text());
      if (m.done()) {
        reporter.endMessage();
      }
    } else if (parsed instanceof ProtocolLine.ArtifactLine a) {
      onArtifact(a, line.text());
    } else if (parsed instanceof ProtocolLine.HitlLine h) {
      reporter.ask(ask(h));
    } else if (parsed instanceof ProtocolLine.ResultLine r) {
      onResult(r);
    } else if (parsed instanceof ProtocolLine.Malformed m) {
      LOG.warn("{}: malformed protocol line passed through as output: {}", reporter.key(),
          m.problem());
      plainOutput(line.text() + "\n");
    } else {
      plainOutput(line.complete() ? line.text() + "\n" : line.text());
    }
  }

  private void plainOutput(String text) {
    stdoutTail.append(text);
    reporter.output(OutputStream.OUTPUT_STREAM_STDOUT, text);
  }

  private synchronized void onResult(ProtocolLine.ResultLine line) {
    if (result != null) {
      LOG.warn("{}: ignoring a second result line", reporter.key());
      return;
    }
    result = line;
  }

  private void onArtifact(ProtocolLine.ArtifactLine line, String raw) {
    TaskArtifact.Builder artifact = TaskArtifact.newBuilder()
        .setName(line.name())
        .setArtifactType(line.type());
    String mediaType = line.mediaType();
    try {
      if (line.text().isPresent()) {
        artifact.setText(line.text().get());
        mediaType = mediaType.isEmpty() ? "text/plain; charset=utf-8" : mediaType;
      } else if (line.json().isPresent()) {
        artifact.setJson(line.json().get());
        mediaType = mediaType.isEmpty() ? "application/json" : mediaType;
      } else if (line.binary().isPresent()) {
        artifact.setBinary(ByteString.copyFrom(line.binary().get()));
      } else {
        Path file = directory.resolveInside(line.path().get());
        if (file == null) {
          throw new IOException("path leaves the working directory");
        }
        if (!Files.isRegularFile(file)) {
          throw new IOException("no such file");
        }
        if (Files.size(file) > ContractLimits.MAX_ARTIFACT_BYTES) {
          throw new IOException("file is larger than 16 MiB");
        }
        artifact.setBinary(ByteString.copyFrom(Files.readAllBytes(file)));
      }
      if (contentBytes(artifact) > ContractLimits.MAX_ARTIFACT_BYTES) {
        throw new IOException("content is larger than 16 MiB");
      }
      if (artifact.getContentCase() == TaskArtifact.ContentCase.BINARY) {
        if (mediaType.isEmpty()) {
          String guessed = URLConnection.guessContentTypeFromName(line.name());
          mediaType = guessed == null ? "application/octet-stream" : guessed;
        }
      }
    } catch (IOException e) {
      LOG.warn("{}: artifact \"{}\" passed through as output: {}", reporter.key(), line.name(),
          e.getMessage());
      plainOutput(raw + "\n");
      return;
    }
    reporter.artifact(artifact.setMediaType(mediaType));
  }

  private static long contentBytes(TaskArtifact.Builder artifact) {
    return switch (artifact.getContentCase()) {
      case TEXT -> Utf8.length(artifact.getText());
      case JSON -> Utf8.length(Json.print(artifact.getJson()));
      case BINARY -> artifact.getBinary().size();
      default -> 0;
    };
  }

  private static HitlAsk.Builder ask(ProtocolLine.HitlLine line) {
    HitlAsk.Builder ask = HitlAsk.newBuilder()
        .setAskId(line.id())
        .setQuestion(line.question())
        .addAllOptions(line.options())
        .setPayload(line.payload());
    line.timeoutSeconds().ifPresent(seconds -> ask.setTimeout(HitlTimeout.newBuilder()
        .setAfter(com.google.protobuf.Duration.newBuilder().setSeconds(seconds))
        .setDefaultAction(line.defaultAction())));
    return ask;
  }

  private void partEnded() {
    if (openParts.decrementAndGet() == 0) {
      end();
    }
  }

  private void endIfPipesStayOpen() {
    if (!ended.get()) {
      LOG.info("{}: agent exited but a child still holds its output open; ending the attempt",
          reporter.key());
      end();
    }
  }

  private void end() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    stdin.close();
    Stop why;
    String reason;
    ProtocolLine.ResultLine reported;
    ProtocolLine.ResultLine reportedBeforeStop;
    synchronized (this) {
      // A pending SIGKILL stays: the agent may be gone while children that ignored SIGTERM are not.
      deadlineTimer.cancel();
      why = stop;
      reason = stopReason;
      reported = result;
      reportedBeforeStop = resultAtStop;
    }
    int exitCode = process.isAlive() ? -1 : process.exitValue();
    LOG.info("{}: agent exited with code {}", reporter.key(), exitCode);
    directory.delete();
    if (why == Stop.DEADLINE) {
      reporter.fail("deadline exceeded", true);
    } else if (why == Stop.CANCELLED && reportedBeforeStop == null) {
      reporter.fail("cancelled: " + reason, false);
    } else if (why == Stop.CANCELLED) {
      finishWith(reportedBeforeStop);
    } else if (reported != null) {
      finishWith(reported);
    } else if (exitCode == 0) {
      reporter.complete(Value.newBuilder().setStructValue(Struct.newBuilder()
          .putFields("stdout_tail", Json.string(stdoutTail.toString()))
          .putFields("exit_code", Json.number(0))).build());
    } else {
      String tail = stderrTail.toString().strip();
      reporter.fail("exit code " + exitCode + (tail.isEmpty() ? " (no stderr output)" : ": " + tail),
          true);
    }
  }

  private void finishWith(ProtocolLine.ResultLine line) {
    if (line.error().isPresent()) {
      reporter.fail(line.error().get(), line.retryable());
    } else {
      reporter.complete(line.output().orElse(Json.nullValue()));
    }
  }

  @FunctionalInterface
  private interface LineHandler {
    void handle(BoundedLineReader.Line line);
  }
}
