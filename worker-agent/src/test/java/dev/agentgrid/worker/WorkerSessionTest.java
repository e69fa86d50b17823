package dev.agentgrid.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectResponse;
import dev.agentgrid.proto.v1.Hello;
import dev.agentgrid.proto.v1.MachineInventory;
import dev.agentgrid.proto.v1.MetricsSnapshot;
import dev.agentgrid.proto.v1.OutputChunk;
import dev.agentgrid.proto.v1.RunningAttempt;
import dev.agentgrid.proto.v1.TaskResult;
import dev.agentgrid.proto.v1.Welcome;
import dev.agentgrid.worker.connect.PlaneConnection;
import dev.agentgrid.worker.testing.Await;
import dev.agentgrid.worker.testing.Scripts;
import dev.agentgrid.worker.testing.TestPlane;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production wiring ({@link WorkerAgent#create}: Netty channel, OSHI, command executor) against
 * a real gRPC server on a random port, including a plane that dies mid-task and comes back.
 */
class WorkerSessionTest {

  @TempDir
  Path dir;

  private Server server;
  private WorkerAgent agent;

  @AfterEach
  void tearDown() throws Exception {
    if (agent != null) {
      agent.shutdown("test over");
    }
    stop(server);
  }

  private static Server start(TestPlane plane, int port) throws IOException {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .addService(plane.definition())
        // What the real plane must allow for the worker's 30 s keepalive pings.
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .build()
        .start();
  }

  private static void stop(Server server) throws InterruptedException {
    if (server != null) {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static ConnectResponse welcome(long heartbeatMillis) {
    return ConnectResponse.newBuilder().setWelcome(Welcome.newBuilder()
        .setSessionId(UUID.randomUUID().toString())
        .setHeartbeatInterval(com.google.protobuf.Duration.newBuilder()
            .setNanos((int) TimeUnit.MILLISECONDS.toNanos(heartbeatMillis)))).build();
  }

  @Test
  void aTaskSurvivesThePlaneGoingAwayAndItsOutputAndResultArriveAfterTheReconnect()
      throws Exception {
    Path release = dir.resolve("release");
    Path script = Scripts.write(dir, "agent.sh", """
        read -r task
        echo '{"agentgrid":"progress","percent":10,"stage":"start"}'
        echo "first line"
        while [ ! -f "$1" ]; do sleep 0.02; done
        echo "second line"
        echo '{"agentgrid":"result","output":{"ok":true}}'
        """);
    TestPlane plane = new TestPlane();
    server = start(plane, 0);
    int port = server.getPort();
    WorkerOptions options = WorkerOptions.builder()
        .controlPlane("127.0.0.1:" + port)
        .agentTypes(List.of("coder"))
        .command("coder", "sh " + script + " " + release)
        .labels(Map.of("gpu", "false"))
        .slots(2)
        .name("session-test")
        .token("t0k3n")
        .stateDir(dir.resolve("state"))
        .backoffInitial(java.time.Duration.ofMillis(50))
        .backoffMax(java.time.Duration.ofMillis(200))
        .build();
    agent = WorkerAgent.create(options);
    agent.start();

    // The first plane: Hello, Welcome, heartbeats, a task.
    TestPlane.Stream first = plane.awaitStream(1);
    Hello hello = first.awaitFirst("Hello", ConnectRequest::hasHello).getHello();
    String workerId = Files.readString(dir.resolve("state/worker-id")).strip();
    assertEquals(workerId, hello.getWorkerId());
    assertEquals("session-test", hello.getName());
    assertFalse(hello.getHostname().isEmpty());
    assertEquals(AgentVersion.get(), hello.getVersion());
    assertEquals(List.of("coder"), hello.getAgentTypesList());
    assertEquals(2, hello.getSlots());
    assertEquals(Map.of("gpu", "false"), hello.getLabelsMap());
    assertEquals("Bearer t0k3n", first.authorization());
    MachineInventory inventory = hello.getInventory();
    assertTrue(inventory.getLogicalCores() > 0 && inventory.getMemoryTotalBytes() > 0);
    assertFalse(inventory.getOs().isEmpty());
    assertEquals(Runtime.version().toString(), inventory.getJavaVersion());
    assertEquals(0, hello.getRunningCount());

    first.send(welcome(100));
    MetricsSnapshot metrics = first.await("two heartbeats", 2, ConnectRequest::hasHeartbeat)
        .get(1).getHeartbeat().getMetrics();
    assertTrue(metrics.getMemoryTotalBytes() > 0);
    assertEquals(2, metrics.getFreeSlots());

    String taskId = UUID.randomUUID().toString();
    first.send(ConnectResponse.newBuilder().setAssignTask(AssignTask.newBuilder()
        .setTaskId(taskId).setAttempt(1).setProjectId("p").setAgentType("coder")
        .setInput(Struct.getDefaultInstance())).build());
    first.awaitFirst("TaskAccepted", ConnectRequest::hasTaskAccepted);
    first.awaitFirst("TaskProgress", ConnectRequest::hasTaskProgress);
    OutputChunk firstChunk = first.awaitFirst("the first output", ConnectRequest::hasTaskOutput)
        .getTaskOutput().getChunks(0);
    assertEquals(1, firstChunk.getSequence());
    assertEquals("first line\n", firstChunk.getText());

    // The plane dies; the task goes on and finishes while the worker is away.
    stop(server);
    server = null;
    Await.until("the worker to notice", () -> agent.connection().state()
        != PlaneConnection.State.CONNECTED);
    Files.writeString(release, "go");
    Await.until("the attempt to end", () -> agent.attempts().activeCount() == 0);
    RunningAttempt attempt = RunningAttempt.newBuilder().setTaskId(taskId).setAttempt(1).build();
    assertEquals(List.of(attempt), agent.attempts().heldAttempts(),
        "held until its result is sent");

    // A new plane on the same port: the worker reconnects by itself.
    TestPlane restarted = new TestPlane();
    server = start(restarted, port);
    TestPlane.Stream second = restarted.awaitStream(1);
    Hello again = second.awaitFirst("Hello", ConnectRequest::hasHello).getHello();
    assertEquals(workerId, again.getWorkerId());
    assertEquals(List.of(attempt), again.getRunningList());
    assertTrue(second.received(m -> !m.hasHello()).isEmpty(), "nothing before Welcome");

    second.send(welcome(100));
    TaskResult result = second.awaitFirst("the result", ConnectRequest::hasTaskResult)
        .getTaskResult();
    assertTrue(result.getOutput().getStructValue().getFieldsOrThrow("ok").getBoolValue());
    List<OutputChunk> resent = second.received(ConnectRequest::hasTaskOutput).stream()
        .flatMap(m -> m.getTaskOutput().getChunksList().stream()).toList();
    assertEquals(List.of(2L), resent.stream().map(OutputChunk::getSequence).toList());
    assertEquals("second line\n", resent.get(0).getText());
    int resultIndex = second.received().indexOf(second.awaitFirst("the result",
        ConnectRequest::hasTaskResult));
    int outputIndex = second.received().indexOf(second.awaitFirst("output",
        ConnectRequest::hasTaskOutput));
    assertTrue(outputIndex < resultIndex, "output before the result");
    assertTrue(second.received(ConnectRequest::hasTaskAccepted).isEmpty());
    Await.until("a heartbeat that no longer lists the attempt", () ->
        second.received(ConnectRequest::hasHeartbeat).stream()
            .anyMatch(m -> m.getHeartbeat().getRunningCount() == 0));

    assertTrue(agent.shutdown("test over"), "a clean shutdown");
    agent = null;
    assertTrue(second.completedByWorker(), "the worker half-closed the stream");
  }

  @Test
  void theWorkerKeepsRetryingWhileNothingListens() throws Exception {
    server = start(new TestPlane(), 0);
    int port = server.getPort();
    stop(server);
    server = null;
    agent = WorkerAgent.create(WorkerOptions.builder()
        .controlPlane("127.0.0.1:" + port)
        .agentTypes(List.of("coder"))
        .command("coder", "true")
        .stateDir(dir.resolve("state"))
        .metrics(false)
        .backoffInitial(java.time.Duration.ofMillis(20))
        .backoffMax(java.time.Duration.ofMillis(40))
        .build());

    agent.start();

    Await.until("several connection attempts", () -> agent.connection().sessionCount() >= 4);
    TestPlane plane = new TestPlane();
    server = start(plane, port);
    plane.awaitStream(1).awaitFirst("Hello", ConnectRequest::hasHello);
  }
}
