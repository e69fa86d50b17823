package dev.agentgrid.worker.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.CancelTask;
import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.HitlAnswer;
import dev.agentgrid.proto.v1.RunningAttempt;
import dev.agentgrid.proto.v1.UserMessage;
import dev.agentgrid.worker.connect.ExecutorScheduler;
import dev.agentgrid.worker.testing.Await;
import dev.agentgrid.worker.testing.RecordingOutbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Slots, rejections and routing, with an executor that records what it is asked to do. */
class AttemptManagerTest {

  private final ExecutorScheduler scheduler = new ExecutorScheduler("test-timer");
  private final RecordingOutbox outbox = new RecordingOutbox();
  private final List<String> calls = new ArrayList<>();
  private final List<AttemptReporter> reporters = new ArrayList<>();

  /** Starts nothing; keeps the reporter so the test decides when an attempt ends. */
  private final AttemptExecutor manual = new AttemptExecutor() {
    @Override
    public AttemptExecution start(AssignTask task, AttemptReporter reporter) {
      synchronized (calls) {
        reporters.add(reporter);
        calls.add("start " + reporter.key());
      }
      return new AttemptExecution() {
        @Override
        public void cancel(String reason, Duration grace) {
          record("cancel " + reporter.key() + " " + reason + " " + grace.toSeconds());
        }

        @Override
        public void hitlAnswer(HitlAnswer answer) {
          record("answer " + reporter.key() + " " + answer.getAskId());
        }

        @Override
        public void userMessage(UserMessage message) {
          record("message " + reporter.key() + " " + message.getContent());
        }
      };
    }

    @Override
    public String describe() {
      return "manual";
    }
  };

  private final AttemptManager manager = new AttemptManager(2,
      ExecutorRegistry.of(Map.of("coder", manual)), outbox, scheduler, Duration.ofSeconds(10));

  @AfterEach
  void tearDown() {
    scheduler.close();
  }

  private void record(String call) {
    synchronized (calls) {
      calls.add(call);
    }
  }

  private static AssignTask assign(String taskId, int attempt, String type) {
    return AssignTask.newBuilder().setTaskId(taskId).setAttempt(attempt).setAgentType(type)
        .build();
  }

  private List<String> rejections() {
    return outbox.messages().stream().filter(ConnectRequest::hasTaskRejected)
        .map(m -> m.getTaskRejected().getTaskId() + ": " + m.getTaskRejected().getReason())
        .toList();
  }

  @Test
  void acceptsUpToItsSlotsThenRejectsForWantOfASlot() {
    manager.assign(assign("a", 1, "coder"));
    manager.assign(assign("b", 1, "coder"));
    manager.assign(assign("c", 1, "coder"));

    assertEquals(2, outbox.messages().stream().filter(ConnectRequest::hasTaskAccepted).count());
    assertEquals(List.of("c: no free slot"), rejections());
    assertEquals(0, manager.freeSlots());
  }

  @Test
  void rejectsUnknownAgentTypesAndWorkWhileDraining() {
    manager.assign(assign("b", 1, "painter"));
    manager.startDraining("SIGTERM");
    manager.assign(assign("c", 1, "coder"));

    assertEquals(List.of("b: unknown agent type 'painter'", "c: draining"), rejections());
  }

  @Test
  void anAttemptAssignedAgainIsAcknowledgedNotRunTwiceAndNotRejected() {
    manager.assign(assign("a", 1, "coder"));
    manager.startDraining("SIGTERM");
    manager.assign(assign("a", 1, "coder"));

    assertEquals(List.of(), rejections(), "rejecting would make the plane requeue a running attempt");
    assertEquals(2, outbox.messages().stream().filter(ConnectRequest::hasTaskAccepted).count());
    assertEquals(1, manager.freeSlots(), "one attempt runs, once");
  }

  @Test
  void aNewerAttemptOfTheSameTaskIsADifferentAttempt() {
    manager.assign(assign("a", 1, "coder"));
    manager.assign(assign("a", 2, "coder"));

    assertEquals(List.of(), rejections());
    assertEquals(List.of(RunningAttempt.newBuilder().setTaskId("a").setAttempt(1).build(),
        RunningAttempt.newBuilder().setTaskId("a").setAttempt(2).build()),
        manager.heldAttempts());
  }

  @Test
  void cancelAnswersAndMessagesReachOnlyTheAttemptTheyName() {
    manager.assign(assign("a", 2, "coder"));

    manager.cancel(CancelTask.newBuilder().setTaskId("a").setAttempt(1).build());
    manager.hitlAnswer(HitlAnswer.newBuilder().setTaskId("a").setAttempt(1).setAskId("q").build());
    manager.userMessage(UserMessage.newBuilder().setTaskId("b").setAttempt(2).build());
    manager.hitlAnswer(HitlAnswer.newBuilder().setTaskId("a").setAttempt(2).setAskId("q").build());
    manager.userMessage(UserMessage.newBuilder().setTaskId("a").setAttempt(2).setContent("hi")
        .build());
    manager.cancel(CancelTask.newBuilder().setTaskId("a").setAttempt(2).setReason("stop")
        .setGrace(com.google.protobuf.Duration.newBuilder().setSeconds(3)).build());
    manager.cancel(CancelTask.newBuilder().setTaskId("a").setAttempt(2).setReason("again")
        .build());

    synchronized (calls) {
      assertEquals(List.of("start a#2", "answer a#2 q", "message a#2 hi", "cancel a#2 stop 3",
          "cancel a#2 again 10"), calls);
    }
  }

  @Test
  void anEndedAttemptFreesItsSlotButIsHeldUntilItsResultIsSent() throws Exception {
    manager.assign(assign("a", 1, "coder"));
    AttemptReporter reporter;
    synchronized (calls) {
      reporter = reporters.get(0);
    }

    reporter.complete(Json.string("done"));

    assertEquals(2, manager.freeSlots());
    assertEquals(0, manager.activeCount());
    assertEquals(1, manager.heldAttempts().size(), "result not sent yet");
    assertTrue(manager.awaitIdle(Duration.ZERO));
    ConnectRequest result = outbox.messages().stream().filter(ConnectRequest::hasTaskResult)
        .findFirst().orElseThrow();
    manager.onSent(result);
    assertEquals(List.of(), manager.heldAttempts());
  }

  @Test
  void awaitIdleWaitsForRunningAttempts() throws Exception {
    manager.assign(assign("a", 1, "coder"));
    assertFalse(manager.awaitIdle(Duration.ofMillis(10)));
    AttemptReporter reporter;
    synchronized (calls) {
      reporter = reporters.get(0);
    }
    Thread finisher = new Thread(() -> reporter.fail("x", true));
    finisher.start();

    assertTrue(manager.awaitIdle(Await.DEFAULT));
    finisher.join();
  }
}
