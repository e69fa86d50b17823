package dev.agentgrid.worker.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.Draining;
import dev.agentgrid.proto.v1.Heartbeat;
import dev.agentgrid.proto.v1.MetricsSnapshot;
import dev.agentgrid.proto.v1.OutputChunk;
import dev.agentgrid.proto.v1.TaskOutput;
import dev.agentgrid.proto.v1.TaskResult;
import dev.agentgrid.worker.testing.Await;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {

  private static ConnectRequest output(long sequence) {
    return ConnectRequest.newBuilder().setTaskOutput(TaskOutput.newBuilder().setTaskId("t")
        .setAttempt(1).addChunks(OutputChunk.newBuilder().setSequence(sequence))).build();
  }

  private static ConnectRequest result() {
    return ConnectRequest.newBuilder().setTaskResult(TaskResult.newBuilder().setTaskId("t")
        .setAttempt(1)).build();
  }

  private static ConnectRequest heartbeat(int freeSlots) {
    return ConnectRequest.newBuilder().setHeartbeat(Heartbeat.newBuilder()
        .setMetrics(MetricsSnapshot.newBuilder().setFreeSlots(freeSlots))).build();
  }

  @Test
  void outputBeyondCapacityIsDroppedAndCounted() {
    OutboundQueue queue = new OutboundQueue(3, Duration.ofSeconds(1));
    for (int i = 1; i <= 5; i++) {
      queue.offer(output(i));
    }

    assertEquals(3, queue.size());
    assertEquals(2, queue.droppedCount());
    assertEquals(1, queue.poll().getTaskOutput().getChunks(0).getSequence());
  }

  @Test
  void aResultWaitsForRoomInsteadOfBeingDropped() throws Exception {
    OutboundQueue queue = new OutboundQueue(2, Duration.ofSeconds(30));
    queue.offer(output(1));
    queue.offer(output(2));

    CompletableFuture<Boolean> put = CompletableFuture.supplyAsync(() -> {
      try {
        return queue.put(result());
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertFalse(put.isDone(), "put returned although the queue is full");
    queue.poll();

    Await.until("the blocked put to finish", put::isDone);
    assertTrue(put.get());
    assertEquals(2, queue.poll().getTaskOutput().getChunks(0).getSequence());
    assertTrue(queue.poll().hasTaskResult());
    assertEquals(0, queue.essentialDroppedCount());
  }

  @Test
  void anEssentialMessageIsDroppedOnlyAfterTheBoundedWait() throws Exception {
    OutboundQueue queue = new OutboundQueue(1, Duration.ofMillis(20));
    queue.offer(output(1));

    assertFalse(queue.put(result()));
    assertEquals(1, queue.essentialDroppedCount());
  }

  @Test
  void controlMessagesGoFirstAndANewHeartbeatReplacesAWaitingOne() {
    OutboundQueue queue = new OutboundQueue(10, Duration.ofSeconds(1));
    queue.offer(output(1));
    queue.offerControl(heartbeat(1));
    queue.offerControl(ConnectRequest.newBuilder().setDraining(Draining.getDefaultInstance())
        .build());
    queue.offerControl(heartbeat(2));

    assertTrue(queue.poll().hasDraining());
    assertEquals(2, queue.poll().getHeartbeat().getMetrics().getFreeSlots());
    assertTrue(queue.poll().hasTaskOutput());
    assertNull(queue.poll());
  }

  @Test
  void clearingControlKeepsTaskMessagesForTheNextSession() {
    OutboundQueue queue = new OutboundQueue(10, Duration.ofSeconds(1));
    queue.offer(output(1));
    queue.offerControl(heartbeat(1));

    queue.clearControl();

    assertEquals(1, queue.size());
    assertTrue(queue.poll().hasTaskOutput());
  }

  @Test
  void theListenerHearsOfEveryAddedMessage() {
    OutboundQueue queue = new OutboundQueue(10, Duration.ofSeconds(1));
    AtomicInteger signals = new AtomicInteger();
    queue.setListener(signals::incrementAndGet);

    queue.offer(output(1));
    queue.offerControl(heartbeat(1));

    assertEquals(2, signals.get());
  }
}
