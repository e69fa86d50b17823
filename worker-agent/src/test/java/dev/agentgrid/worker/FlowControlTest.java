package dev.agentgrid.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectResponse;
import dev.agentgrid.proto.v1.OutputChunk;
import dev.agentgrid.proto.v1.Welcome;
import dev.agentgrid.worker.connect.ExecutorScheduler;
import dev.agentgrid.worker.connect.PlaneConnection;
import dev.agentgrid.worker.exec.ExecutorRegistry;
import dev.agentgrid.worker.exec.HandlerExecutor;
import dev.agentgrid.worker.spi.TaskContext;
import dev.agentgrid.worker.spi.TaskHandler;
import dev.agentgrid.worker.spi.TaskOutcome;
import dev.agentgrid.worker.testing.Await;
import dev.agentgrid.worker.testing.TestPlane;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plane that stops reading: the worker stops sending (isReady), its queue stays bounded, output
 * beyond the bound is dropped and counted, and the result waits instead of being lost.
 */
class FlowControlTest {

  private static final int CAPACITY = 100;
  private static final int BATCHES = 400;

  @TempDir
  Path stateDir;

  private final ExecutorScheduler scheduler = new ExecutorScheduler("test-timer");
  private Server server;
  private ManagedChannel channel;
  private WorkerAgent agent;

  @AfterEach
  void tearDown() throws Exception {
    if (agent != null) {
      agent.connection().close(Duration.ofSeconds(1));
    }
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    scheduler.close();
  }

  /** Writes {@link #BATCHES} full output batches as fast as it can, then completes. */
  private static final class Flood implements TaskHandler {
    @Override
    public String agentType() {
      return "flood";
    }

    @Override
    public TaskOutcome handle(TaskContext context) {
      String batch = "x".repeat(32 * 1024);
      for (int i = 0; i < BATCHES; i++) {
        context.output(batch);
      }
      return TaskOutcome.completed("flooded");
    }
  }

  @Test
  void aPlaneThatStopsReadingMakesTheWorkerDropOutputButNeverTheResult() throws Exception {
    TestPlane plane = new TestPlane().manualFlowControl();
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(plane.definition()).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    agent = WorkerAgent.wiring(WorkerOptions.builder().agentTypes(List.of("flood"))
            .stateDir(stateDir).outboundQueue(CAPACITY).build())
        .channel(channel)
        .scheduler(scheduler, null)
        .executors(ExecutorRegistry.of(Map.of("flood", new HandlerExecutor(new Flood(), scheduler,
            Clock.systemUTC(), Duration.ofSeconds(1)))))
        .build();
    agent.start();
    TestPlane.Stream stream = plane.awaitStream(1);
    stream.awaitFirst("Hello", ConnectRequest::hasHello);
    stream.send(ConnectResponse.newBuilder().setWelcome(Welcome.newBuilder()
        .setHeartbeatInterval(com.google.protobuf.Duration.newBuilder().setSeconds(60)))
        .build());
    Await.until("the session", () -> agent.connection().state()
        == PlaneConnection.State.CONNECTED);

    stream.send(ConnectResponse.newBuilder().setAssignTask(AssignTask.newBuilder()
        .setTaskId("t").setAttempt(1).setAgentType("flood")).build());

    Await.until("output to be dropped", () -> agent.outbound().droppedCount() > 0);
    assertTrue(agent.outbound().size() <= CAPACITY + 16, "bounded: " + agent.outbound().size());
    assertEquals(1, stream.received().size(), "the plane read nothing but Hello");
    Await.until("the result to wait for room", () -> agent.attempts().activeCount() == 0
        || agent.outbound().size() >= CAPACITY);

    stream.request(Integer.MAX_VALUE);

    assertEquals("flooded", stream.awaitFirst("the result", ConnectRequest::hasTaskResult)
        .getTaskResult().getOutput().getStringValue());
    List<Long> sequences = stream.received(ConnectRequest::hasTaskOutput).stream()
        .flatMap(m -> m.getTaskOutput().getChunksList().stream())
        .map(OutputChunk::getSequence).toList();
    assertTrue(sequences.size() < BATCHES, "some output was dropped");
    for (int i = 1; i < sequences.size(); i++) {
      assertTrue(sequences.get(i) > sequences.get(i - 1), "in order: " + sequences);
    }
    assertEquals(BATCHES - sequences.size(), agent.outbound().droppedCount());
    assertEquals(0, agent.outbound().essentialDroppedCount());
  }
}
