package dev.agentgrid.worker.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectRequest.MessageCase;
import dev.agentgrid.proto.v1.HitlAction;
import dev.agentgrid.proto.v1.HitlAnswer;
import dev.agentgrid.proto.v1.HitlAsk;
import dev.agentgrid.proto.v1.OutputChunk;
import dev.agentgrid.proto.v1.OutputStream;
import dev.agentgrid.proto.v1.TaskArtifact;
import dev.agentgrid.proto.v1.TaskResult;
import dev.agentgrid.proto.v1.UserMessage;
import dev.agentgrid.worker.connect.ExecutorScheduler;
import dev.agentgrid.worker.connect.Scheduler;
import dev.agentgrid.worker.testing.Await;
import dev.agentgrid.worker.testing.FakeTime;
import dev.agentgrid.worker.testing.RecordingOutbox;
import dev.agentgrid.worker.testing.Scripts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command executor against real {@code /bin/sh} subprocesses. */
class CommandExecutorTest {

  @TempDir
  Path dir;

  private ExecutorScheduler realTime;
  private RecordingOutbox outbox;
  private String taskId;

  @BeforeEach
  void setUp() {
    realTime = new ExecutorScheduler("test-timer");
    outbox = new RecordingOutbox();
    taskId = UUID.randomUUID().toString();
  }

  @AfterEach
  void tearDown() {
    realTime.close();
  }

  private AssignTask.Builder task() {
    return AssignTask.newBuilder().setTaskId(taskId).setAttempt(1).setProjectId("project-1")
        .setAgentType("coder").setInstructions("do it");
  }

  private AttemptExecution run(String script, AssignTask task, Scheduler scheduler, Clock clock)
      throws Exception {
    Path agent = Scripts.write(dir, "agent-" + UUID.randomUUID() + ".sh", script);
    CommandExecutor executor = new CommandExecutor("sh " + agent, dir.resolve("state/work"),
        scheduler, clock, Duration.ofSeconds(10));
    AttemptReporter reporter = new AttemptReporter(new AttemptKey(task.getTaskId(),
        task.getAttempt()), outbox, scheduler, new AttemptReporter.FinishListener() { });
    return executor.start(task, reporter);
  }

  private AttemptExecution run(String script) throws Exception {
    return run(script, task().build(), realTime, Clock.systemUTC());
  }

  private Path workDir() {
    return dir.resolve("state/work").resolve(taskId + "-1");
  }

  private static long readPid(Path file) {
    Await.until(file + " to be written", () -> {
      try {
        return Files.exists(file) && Files.readString(file).strip().matches("\\d+");
      } catch (IOException e) {
        return false;
      }
    });
    try {
      return Long.parseLong(Files.readString(file).strip());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether a process still runs; a zombie (ended, not yet reaped by init) does not. */
  private static boolean alive(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (Files.isDirectory(Path.of("/proc/self"))) {
      try {
        String line = Files.readString(stat);
        char state = line.charAt(line.lastIndexOf(')') + 2);
        return state != 'Z' && state != 'X';
      } catch (IOException e) {
        return false;
      }
    }
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void progressOutputArtifactAndResultArriveInOrderWithSequenceNumbers() throws Exception {
    run("""
        read -r task
        echo "starting"
        echo '{"agentgrid":"progress","percent":25,"stage":"plan","message":"planning"}'
        echo "working"
        echo "a warning" >&2
        echo '{"agentgrid":"message","text":"thinking..."}'
        echo '{"agentgrid":"artifact","name":"notes.txt","type":"notes","text":"some notes"}'
        echo '{"agentgrid":"progress","percent":100,"stage":"done"}'
        echo '{"agentgrid":"result","output":{"answer":42}}'
        """);

    TaskResult result = outbox.awaitResult();

    assertEquals(42, result.getOutput().getStructValue().getFieldsOrThrow("answer")
        .getNumberValue());
    assertEquals(taskId, result.getTaskId());
    assertEquals(1, result.getAttempt());
    List<MessageCase> events = outbox.kinds().stream()
        .filter(kind -> kind != MessageCase.TASK_OUTPUT).toList();
    assertEquals(List.of(MessageCase.TASK_PROGRESS, MessageCase.TASK_ARTIFACT,
        MessageCase.TASK_PROGRESS, MessageCase.TASK_RESULT), events);
    List<ConnectRequest> messages = outbox.messages();
    int firstProgress = outbox.kinds().indexOf(MessageCase.TASK_PROGRESS);
    String stdoutBeforeProgress = messages.subList(0, firstProgress).stream()
        .flatMap(m -> m.getTaskOutput().getChunksList().stream())
        .filter(c -> c.getStream() == OutputStream.OUTPUT_STREAM_STDOUT)
        .map(OutputChunk::getText).reduce("", String::concat);
    assertEquals("starting\n", stdoutBeforeProgress, "stdout printed before the progress line");
    ConnectRequest progress = messages.get(firstProgress);
    assertEquals(0.25, progress.getTaskProgress().getProgress().getFraction(), 1e-9);
    assertEquals("planning", progress.getTaskProgress().getProgress().getMessage());
    TaskArtifact artifact = messages.stream().filter(ConnectRequest::hasTaskArtifact)
        .findFirst().orElseThrow().getTaskArtifact();
    assertEquals("notes.txt", artifact.getName());
    assertEquals("notes", artifact.getArtifactType());
    assertEquals("some notes", artifact.getText());
    assertEquals("starting\nworking\n", outbox.text(OutputStream.OUTPUT_STREAM_STDOUT));
    assertEquals("thinking...", outbox.text(OutputStream.OUTPUT_STREAM_AGENT));
    assertEquals("a warning\n", outbox.text(OutputStream.OUTPUT_STREAM_STDERR));
    List<Long> sequences = outbox.chunks().stream().map(OutputChunk::getSequence).toList();
    for (int i = 0; i < sequences.size(); i++) {
      assertEquals(i + 1, sequences.get(i), "sequences " + sequences);
    }
  }

  @Test
  void exitZeroWithoutAResultCompletesWithTheStdoutTail() throws Exception {
    run("""
        i=0
        while [ $i -lt 200 ]; do echo "line $i of some filler output"; i=$((i+1)); done
        echo "last line"
        """);

    TaskResult result = outbox.awaitResult();

    Struct output = result.getOutput().getStructValue();
    assertEquals(0, output.getFieldsOrThrow("exit_code").getNumberValue());
    String tail = output.getFieldsOrThrow("stdout_tail").getStringValue();
    assertTrue(tail.endsWith("line 199 of some filler output\nlast line\n"), tail);
    assertEquals(CommandAttempt.TAIL_CHARS, tail.length());
  }

  @Test
  void nonZeroExitFailsRetryableWithTheStderrTailAndExitCode() throws Exception {
    run("""
        echo "some output"
        echo "compiler exploded" >&2
        exit 3
        """);

    TaskResult result = outbox.awaitResult();

    assertTrue(result.hasError());
    assertTrue(result.getError().getRetryable());
    assertEquals("exit code 3: compiler exploded", result.getError().getMessage());
  }

  @Test
  void anAgentReportedFailureKeepsItsOwnRetryableFlag() throws Exception {
    run("echo '{\"agentgrid\":\"result\",\"error\":\"input is invalid\",\"retryable\":false}'\n");

    TaskResult result = outbox.awaitResult();

    assertEquals("input is invalid", result.getError().getMessage());
    assertFalse(result.getError().getRetryable());
  }

  @Test
  void theAgentGetsTheTaskOnStdinInItsEnvironmentAndInAFreshWorkingDirectory()
      throws Exception {
    run("""
        read -r task
        echo "stdin: $task"
        echo "env: $AGENTGRID_TASK_ID $AGENTGRID_ATTEMPT $AGENTGRID_PROJECT_ID $AGENTGRID_AGENT_TYPE"
        echo "file: $(cat "$AGENTGRID_TASK_FILE")"
        echo "cwd: $(pwd)"
        echo "token: ${AGENTGRID_TOKEN:-not visible}"
        """, task().setInput(Struct.newBuilder().putFields("n", Json.number(7))).build(), realTime,
        Clock.systemUTC());

    outbox.awaitResult();

    String stdout = outbox.text(OutputStream.OUTPUT_STREAM_STDOUT);
    String taskLine = "{\"agentgrid\":\"task\",\"task_id\":\"" + taskId + "\",\"attempt\":1,"
        + "\"project_id\":\"project-1\",\"agent_type\":\"coder\",\"instructions\":\"do it\","
        + "\"input\":{\"n\":7},\"context\":[]}";
    assertTrue(stdout.contains("stdin: " + taskLine + "\n"), stdout);
    assertTrue(stdout.contains("env: " + taskId + " 1 project-1 coder\n"), stdout);
    assertTrue(stdout.contains("file: " + taskLine + "\n"), stdout);
    assertTrue(stdout.contains("cwd: " + workDir().toAbsolutePath() + "\n"), stdout);
    assertTrue(stdout.contains("token: not visible"), stdout);
    assertFalse(Files.exists(workDir()), "working directory deleted after the attempt");
    assertFalse(Files.exists(dir.resolve("state/work").resolve(taskId + "-1.task.json")));
  }

  @Test
  void malformedProtocolLinesPassThroughAsPlainOutput() throws Exception {
    run("""
        echo '{"agentgrid":"progress","percent":"lots"}'
        echo '{"agentgrid":"artifact","name":"x","path":"../../../etc/passwd"}'
        echo '{"agentgrid":"result","output":"fine"}'
        """);

    TaskResult result = outbox.awaitResult();

    assertEquals("fine", result.getOutput().getStringValue());
    assertEquals("{\"agentgrid\":\"progress\",\"percent\":\"lots\"}\n"
        + "{\"agentgrid\":\"artifact\",\"name\":\"x\",\"path\":\"../../../etc/passwd\"}\n",
        outbox.text(OutputStream.OUTPUT_STREAM_STDOUT));
    assertFalse(outbox.kinds().contains(MessageCase.TASK_PROGRESS));
    assertFalse(outbox.kinds().contains(MessageCase.TASK_ARTIFACT));
  }

  @Test
  void anArtifactCanBeAFileInTheWorkingDirectory() throws Exception {
    run("""
        printf 'binary\\001data' > out.bin
        echo '{"agentgrid":"artifact","path":"out.bin","type":"build"}'
        """);

    outbox.awaitResult();

    TaskArtifact artifact = outbox.messages().stream().filter(ConnectRequest::hasTaskArtifact)
        .findFirst().orElseThrow().getTaskArtifact();
    assertEquals("out.bin", artifact.getName());
    assertEquals("binary\001data", artifact.getBinary().toStringUtf8());
    assertEquals("application/octet-stream", artifact.getMediaType());
  }

  @Test
  void aQuestionIsAskedAndTheAnswerAndUserMessagesReachTheAgentOnStdin() throws Exception {
    AttemptExecution execution = run("""
        read -r task
        echo '{"agentgrid":"hitl","id":"q1","question":"Ship it?","options":["yes","no"],"timeout_seconds":60,"default_action":"reject"}'
        while read -r line; do
          echo "got: $line"
          case "$line" in *hitl_answer*) break ;; esac
        done
        echo '{"agentgrid":"result","output":"answered"}'
        """);

    HitlAsk ask = Await.value("the question", () -> outbox.messages().stream()
        .filter(ConnectRequest::hasHitlAsk).map(ConnectRequest::getHitlAsk).findFirst()
        .orElse(null));
    assertEquals("q1", ask.getAskId());
    assertEquals("Ship it?", ask.getQuestion());
    assertEquals(List.of("yes", "no"), ask.getOptionsList());
    assertEquals(60, ask.getTimeout().getAfter().getSeconds());
    assertEquals(HitlAction.HITL_ACTION_REJECT, ask.getTimeout().getDefaultAction());

    execution.userMessage(UserMessage.newBuilder().setTaskId(taskId).setAttempt(1)
        .setMessageId("m-1").setContent("hurry up").build());
    execution.hitlAnswer(HitlAnswer.newBuilder().setTaskId(taskId).setAttempt(1).setAskId("q1")
        .setRequestId("r-1").setAction(HitlAction.HITL_ACTION_APPROVE).setContent("ship")
        .build());

    assertEquals("answered", outbox.awaitResult().getOutput().getStringValue());
    assertEquals("got: {\"agentgrid\":\"user_message\",\"id\":\"m-1\",\"content\":\"hurry up\","
        + "\"metadata\":{}}\n"
        + "got: {\"agentgrid\":\"hitl_answer\",\"id\":\"q1\",\"request_id\":\"r-1\","
        + "\"action\":\"approve\",\"content\":\"ship\"}\n",
        outbox.text(OutputStream.OUTPUT_STREAM_STDOUT));
  }

  @Test
  void cancelTerminatesTheAgentAndItsChildren() throws Exception {
    AttemptExecution execution = run("""
        sleep 300 &
        echo $! > child.pid
        echo $$ > self.pid
        wait
        """);
    long child = readPid(workDir().resolve("child.pid"));
    long self = readPid(workDir().resolve("self.pid"));

    execution.cancel("cancelled by user", Duration.ofSeconds(5));

    TaskResult result = outbox.awaitResult();
    assertEquals("cancelled: cancelled by user", result.getError().getMessage());
    assertFalse(result.getError().getRetryable());
    Await.until("agent and child to be gone", Duration.ofSeconds(5),
        () -> !alive(self) && !alive(child));
  }

  @Test
  void anAgentIgnoringSigtermIsKilledWhenTheGraceRunsOut() throws Exception {
    FakeTime time = new FakeTime();
    AttemptExecution execution = run("""
        trap '' TERM
        sleep 300 &
        echo $! > child.pid
        echo $$ > self.pid
        wait
        """, task().build(), time, time.clock());
    long child = readPid(workDir().resolve("child.pid"));
    long self = readPid(workDir().resolve("self.pid"));

    execution.cancel("stale attempt", Duration.ofSeconds(10));
    assertTrue(alive(self) && alive(child), "SIGTERM is ignored, so both still run");
    assertFalse(outbox.kinds().contains(MessageCase.TASK_RESULT));

    time.advance(Duration.ofSeconds(10));

    Await.until("SIGKILL to end agent and child", () -> !alive(self) && !alive(child));
    assertEquals("cancelled: stale attempt", outbox.awaitResult().getError().getMessage());
  }

  @Test
  void pastTheDeadlineTheAgentIsStoppedAndTheAttemptFailsRetryable() throws Exception {
    FakeTime time = new FakeTime();
    Instant deadline = time.clock().instant().plusSeconds(5);
    run("""
        echo $$ > self.pid
        sleep 300 &
        wait
        """, task().setDeadline(Timestamp.newBuilder().setSeconds(deadline.getEpochSecond()))
        .build(), time, time.clock());
    long self = readPid(workDir().resolve("self.pid"));

    time.advance(Duration.ofSeconds(4));
    assertTrue(alive(self), "still before the deadline");
    time.advance(Duration.ofSeconds(1));

    TaskResult result = outbox.awaitResult();
    assertEquals("deadline exceeded", result.getError().getMessage());
    assertTrue(result.getError().getRetryable());
    Await.until("the agent to be gone", () -> !alive(self));
  }

  @Test
  void theExampleAgentRunsEndToEndAndAsksAHuman() throws Exception {
    AssignTask task = task().setInput(Struct.newBuilder()
        .putFields("ask", Value.newBuilder().setBoolValue(true).build())).build();
    AttemptExecution execution = run("exec sh " + Scripts.exampleAgent() + "\n", task, realTime,
        Clock.systemUTC());

    HitlAsk ask = Await.value("the example agent's question", () -> outbox.messages().stream()
        .filter(ConnectRequest::hasHitlAsk).map(ConnectRequest::getHitlAsk).findFirst()
        .orElse(null));
    assertEquals("q1", ask.getAskId());
    assertEquals("plan.md", ask.getPayload().getFieldsOrThrow("artifact").getStringValue());
    execution.hitlAnswer(HitlAnswer.newBuilder().setTaskId(taskId).setAttempt(1).setAskId("q1")
        .setRequestId("r-1").setAction(HitlAction.HITL_ACTION_APPROVE).setContent("go").build());

    TaskResult result = outbox.awaitResult();
    assertEquals("approve", result.getOutput().getStructValue().getFieldsOrThrow("answer")
        .getStringValue());
    TaskArtifact plan = outbox.messages().stream().filter(ConnectRequest::hasTaskArtifact)
        .findFirst().orElseThrow().getTaskArtifact();
    assertEquals("plan.md", plan.getName());
    assertEquals("plan", plan.getArtifactType());
    assertEquals("text/markdown", plan.getMediaType());
    assertTrue(plan.getBinary().toStringUtf8().startsWith("# Plan for task " + taskId));
    List<Double> fractions = outbox.messages().stream().filter(ConnectRequest::hasTaskProgress)
        .map(m -> m.getTaskProgress().getProgress().getFraction()).toList();
    assertEquals(List.of(0.0, 0.25, 0.5, 0.6, 0.9, 1.0), fractions);
    String stdout = outbox.text(OutputStream.OUTPUT_STREAM_STDOUT);
    assertTrue(stdout.contains("The human answered: approve go\n"), stdout);
    assertEquals("Here is my plan: read the task, do the work, report.\n",
        outbox.text(OutputStream.OUTPUT_STREAM_AGENT));
  }

  @Test
  void theExampleAgentCompletesWithoutAskingWhenTheInputDoesNotSaySo() throws Exception {
    run("exec sh " + Scripts.exampleAgent() + "\n");

    TaskResult result = outbox.awaitResult();

    assertEquals(Optional.of("none"), Optional.of(result.getOutput().getStructValue()
        .getFieldsOrThrow("answer").getStringValue()));
    assertFalse(outbox.kinds().contains(MessageCase.HITL_ASK));
  }
}
