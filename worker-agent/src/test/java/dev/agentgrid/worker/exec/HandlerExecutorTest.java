package dev.agentgrid.worker.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectRequest.MessageCase;
import dev.agentgrid.proto.v1.HandoffContext;
import dev.agentgrid.proto.v1.HitlAction;
import dev.agentgrid.proto.v1.HitlAnswer;
import dev.agentgrid.proto.v1.HitlAsk;
import dev.agentgrid.proto.v1.OutputStream;
import dev.agentgrid.proto.v1.TaskArtifact;
import dev.agentgrid.proto.v1.TaskResult;
import dev.agentgrid.proto.v1.UserMessage;
import dev.agentgrid.worker.connect.ExecutorScheduler;
import dev.agentgrid.worker.spi.HitlReply;
import dev.agentgrid.worker.spi.TaskContext;
import dev.agentgrid.worker.spi.TaskHandler;
import dev.agentgrid.worker.spi.TaskOutcome;
import dev.agentgrid.worker.testing.Await;
import dev.agentgrid.worker.testing.FakeTime;
import dev.agentgrid.worker.testing.RecordingOutbox;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** In-process agents through the TaskHandler SPI. */
class HandlerExecutorTest {

  private final ExecutorScheduler scheduler = new ExecutorScheduler("test-timer");
  private final RecordingOutbox outbox = new RecordingOutbox();

  @AfterEach
  void tearDown() {
    scheduler.close();
  }

  private static TaskHandler handler(String type, Body body) {
    return new TaskHandler() {
      @Override
      public String agentType() {
        return type;
      }

      @Override
      public TaskOutcome handle(TaskContext context) throws Exception {
        return body.run(context);
      }
    };
  }

  @FunctionalInterface
  private interface Body {
    TaskOutcome run(TaskContext context) throws Exception;
  }

  private AttemptExecution start(TaskHandler handler, AssignTask task) {
    return new HandlerExecutor(handler, scheduler, Clock.systemUTC(), Duration.ofSeconds(5))
        .start(task, new AttemptReporter(new AttemptKey(task.getTaskId(), task.getAttempt()),
            outbox, scheduler, new AttemptReporter.FinishListener() { }));
  }

  private static AssignTask task() {
    return AssignTask.newBuilder().setTaskId("t-1").setAttempt(3).setProjectId("p-1")
        .setAgentType("writer").setInstructions("write a poem")
        .setInput(Struct.newBuilder().putFields("lines", Json.number(2)))
        .addContext(HandoffContext.newBuilder().setSourceAgent("planner")
            .setHandoffType("plan").setContent(Json.string("rhyme")))
        .build();
  }

  @Test
  void aHandlerReportsProgressOutputArtifactsAndItsOutcome() {
    start(handler("writer", ctx -> {
      ctx.progress(0.5, "drafting", "half way");
      ctx.output("Roses are red, ");
      ctx.artifact("poem.txt", "poem", null, "Roses are red");
      ctx.artifact("poem.bin", null, null, new byte[] {1, 2});
      return TaskOutcome.completed(Map.of("lines", ctx.input().get("lines"),
          "from", ctx.context().get(0).contentJson(),
          "ids", List.of(ctx.taskId(), ctx.attempt(), ctx.instructions())));
    }), task());

    TaskResult result = outbox.awaitResult();

    Struct output = result.getOutput().getStructValue();
    assertEquals(2, output.getFieldsOrThrow("lines").getNumberValue());
    assertEquals("\"rhyme\"", output.getFieldsOrThrow("from").getStringValue());
    assertEquals("[\"t-1\",3,\"write a poem\"]", Json.print(output.getFieldsOrThrow("ids")));
    assertEquals(List.of(MessageCase.TASK_PROGRESS, MessageCase.TASK_OUTPUT,
        MessageCase.TASK_ARTIFACT, MessageCase.TASK_ARTIFACT, MessageCase.TASK_RESULT),
        outbox.kinds());
    assertEquals("Roses are red, ", outbox.text(OutputStream.OUTPUT_STREAM_AGENT));
    List<TaskArtifact> artifacts = outbox.messages().stream()
        .filter(ConnectRequest::hasTaskArtifact).map(ConnectRequest::getTaskArtifact).toList();
    assertEquals("text/plain; charset=utf-8", artifacts.get(0).getMediaType());
    assertEquals("file", artifacts.get(1).getArtifactType());
    assertEquals(2, artifacts.get(1).getBinary().size());
  }

  @Test
  void reportsTheContractWouldRefuseAreRefusedToTheHandler() {
    start(handler("writer", ctx -> {
      List<String> refused = new java.util.ArrayList<>();
      for (Runnable call : List.<Runnable>of(
          () -> ctx.artifact("../escape", "file", null, "x"),
          () -> ctx.artifact("ok.txt", "not a type", null, "x"),
          () -> ctx.artifact("ok.txt", null, null, "nul\0"),
          () -> ctx.artifact("big.bin", null, null, new byte[16 * 1024 * 1024 + 1]))) {
        try {
          call.run();
        } catch (IllegalArgumentException e) {
          refused.add(e.getMessage());
        }
      }
      try {
        ctx.ask("?", java.util.Collections.nCopies(33, "o"), null);
      } catch (IllegalArgumentException e) {
        refused.add(e.getMessage());
      }
      return TaskOutcome.completed(Map.of("refused", refused.size(), "nan", Double.NaN));
    }), task());

    Struct output = outbox.awaitResult().getOutput().getStructValue();
    assertEquals(5, output.getFieldsOrThrow("refused").getNumberValue());
    assertTrue(output.getFieldsOrThrow("nan").hasNullValue(), "NaN is sent as null");
    assertFalse(outbox.kinds().contains(MessageCase.TASK_ARTIFACT));
    assertFalse(outbox.kinds().contains(MessageCase.HITL_ASK));
  }

  @Test
  void anExceptionFailsTheAttemptAsRetryable() {
    start(handler("writer", ctx -> {
      throw new IllegalStateException("model overloaded");
    }), task());

    TaskResult result = outbox.awaitResult();

    assertEquals("model overloaded", result.getError().getMessage());
    assertTrue(result.getError().getRetryable());
  }

  @Test
  void askBlocksUntilTheAnswerArrivesAndUserMessagesReachTheListener() throws Exception {
    CountDownLatch heard = new CountDownLatch(1);
    String[] message = new String[1];
    AttemptExecution execution = start(handler("writer", ctx -> {
      ctx.onUserMessage(m -> {
        message[0] = m.content();
        heard.countDown();
      });
      HitlReply reply = ctx.ask("Publish?", List.of("yes", "no"), "{\"draft\":\"v1\"}");
      return TaskOutcome.completed(reply.action() + ":" + reply.content());
    }), task());

    HitlAsk ask = Await.value("the question", () -> outbox.messages().stream()
        .filter(ConnectRequest::hasHitlAsk).map(ConnectRequest::getHitlAsk).findFirst()
        .orElse(null));
    assertEquals("ask-1", ask.getAskId());
    assertEquals("v1", ask.getPayload().getFieldsOrThrow("draft").getStringValue());
    execution.userMessage(UserMessage.newBuilder().setContent("looks good").build());
    assertTrue(heard.await(5, TimeUnit.SECONDS));
    assertEquals("looks good", message[0]);

    execution.hitlAnswer(HitlAnswer.newBuilder().setTaskId("t-1").setAttempt(3)
        .setAskId("ask-1").setAction(HitlAction.HITL_ACTION_AMEND).setContent("v2").build());

    assertEquals("AMEND:v2", outbox.awaitResult().getOutput().getStringValue());
  }

  @Test
  void anAnswerFromAnEarlierSessionIsUsedWithoutAskingAgain() {
    AssignTask task = task().toBuilder().addHitlAnswers(HitlAnswer.newBuilder().setAskId("ask-1")
        .setAction(HitlAction.HITL_ACTION_APPROVE)).build();
    start(handler("writer", ctx ->
        TaskOutcome.completed(ctx.ask("Publish?", List.of(), null).approved())), task);

    assertTrue(outbox.awaitResult().getOutput().getBoolValue());
    assertFalse(outbox.kinds().contains(MessageCase.HITL_ASK));
  }

  @Test
  void cancelWakesAWaitingAskAndTheAttemptEndsCancelled() {
    boolean[] sawCancel = new boolean[1];
    AttemptExecution execution = start(handler("writer", ctx -> {
      try {
        ctx.ask("Wait for me", List.of(), null);
      } catch (CancellationException e) {
        sawCancel[0] = ctx.isCancelled();
      }
      return TaskOutcome.completed("ignored");
    }), task());
    Await.until("the question", () -> outbox.kinds().contains(MessageCase.HITL_ASK));

    execution.cancel("user cancelled", Duration.ofSeconds(5));

    TaskResult result = outbox.awaitResult();
    assertEquals("cancelled: user cancelled", result.getError().getMessage());
    assertFalse(result.getError().getRetryable());
    assertTrue(sawCancel[0]);
  }

  @Test
  void aHandlerThatIgnoresCancelIsLeftBehindAfterTheGrace() {
    FakeTime time = new FakeTime();
    CountDownLatch never = new CountDownLatch(1);
    AssignTask task = task();
    AttemptExecution execution = new HandlerExecutor(handler("writer", ctx -> {
      while (never.getCount() > 0) {
        try {
          never.await();
        } catch (InterruptedException e) {
          // A badly behaved handler: swallows interrupts and goes on.
        }
      }
      return TaskOutcome.completed("too late");
    }), time, time.clock(), Duration.ofSeconds(5)).start(task, new AttemptReporter(
        new AttemptKey("t-1", 3), outbox, time, new AttemptReporter.FinishListener() { }));

    execution.cancel("stop", Duration.ofSeconds(2));
    assertFalse(outbox.kinds().contains(MessageCase.TASK_RESULT));
    time.advance(Duration.ofSeconds(2));

    assertEquals("cancelled: stop", outbox.awaitResult().getError().getMessage());
    never.countDown();
  }

  @Test
  void handlersAreFoundWithServiceLoader() {
    assertTrue(HandlerExecutor.discover(getClass().getClassLoader(), scheduler,
        Clock.systemUTC(), Duration.ofSeconds(1)).containsKey(EchoTaskHandler.AGENT_TYPE));
  }
}
