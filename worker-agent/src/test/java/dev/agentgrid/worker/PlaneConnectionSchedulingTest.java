package dev.agentgrid.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectRequest.MessageCase;
import dev.agentgrid.proto.v1.ConnectResponse;
import dev.agentgrid.proto.v1.Drain;
import dev.agentgrid.proto.v1.Heartbeat;
import dev.agentgrid.proto.v1.Hello;
import dev.agentgrid.proto.v1.Welcome;
import dev.agentgrid.worker.connect.ExponentialBackoff;
import dev.agentgrid.worker.connect.PlaneConnection;
import dev.agentgrid.worker.exec.EchoTaskHandler;
import dev.agentgrid.worker.exec.ExecutorRegistry;
import dev.agentgrid.worker.exec.HandlerExecutor;
import dev.agentgrid.worker.metrics.MetricSource;
import dev.agentgrid.worker.testing.Await;
import dev.agentgrid.worker.testing.FakeTime;
import dev.agentgrid.worker.testing.TestPlane;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection's timing (Hello, heartbeats, reconnect backoff, Welcome timeout) on a fake clock,
 * over a real in-process gRPC transport to a scripted plane: no test here sleeps.
 */
class PlaneConnectionSchedulingTest {

  private static final long SEED = 42;
  private static final Duration INTERVAL = Duration.ofSeconds(5);

  @TempDir
  Path stateDir;

  private final FakeTime time = new FakeTime();
  private final TestPlane plane = new TestPlane();
  private Server server;
  private ManagedChannel channel;
  private WorkerAgent agent;

  @BeforeEach
  void setUp() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(plane.definition()).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    WorkerOptions options = WorkerOptions.builder()
        .agentTypes(List.of(EchoTaskHandler.AGENT_TYPE))
        .labels(java.util.Map.of("zone", "test"))
        .slots(3)
        .token("s3cret")
        .stateDir(stateDir)
        .build();
    agent = WorkerAgent.wiring(options)
        .channel(channel)
        .scheduler(time, null)
        .clock(time.clock())
        .random(new Random(SEED))
        .hostname("test-host")
        .executors(ExecutorRegistry.of(java.util.Map.of(EchoTaskHandler.AGENT_TYPE,
            new HandlerExecutor(new EchoTaskHandler(), time, time.clock(), Duration.ofSeconds(1)))))
        .metricSources(List.of(
            MetricSource.of("broken", snapshot -> {
              throw new IllegalStateException("sensor unplugged");
            }),
            MetricSource.of("memory", snapshot -> snapshot.setMemoryTotalBytes(4096))))
        .build();
  }

  @AfterEach
  void tearDown() throws Exception {
    agent.connection().close(Duration.ofSeconds(1));
    channel.shutdownNow();
    server.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  private static ConnectResponse welcome() {
    return ConnectResponse.newBuilder().setWelcome(Welcome.newBuilder().setSessionId("s-1")
        .setHeartbeatInterval(com.google.protobuf.Duration.newBuilder()
            .setSeconds(INTERVAL.toSeconds()))).build();
  }

  private void awaitPending(List<Duration> delays) {
    Await.until("pending timers " + delays, () -> time.pendingDelays().equals(delays));
  }

  private TestPlane.Stream connectAndWelcome(int streamNumber) {
    TestPlane.Stream stream = plane.awaitStream(streamNumber);
    stream.awaitFirst("Hello", ConnectRequest::hasHello);
    stream.send(welcome());
    Await.until("the worker to be connected",
        () -> agent.connection().state() == PlaneConnection.State.CONNECTED);
    awaitPending(List.of(INTERVAL));
    return stream;
  }

  @Test
  void helloComesFirstWithTheStableIdentityAndTheToken() throws Exception {
    agent.start();

    TestPlane.Stream stream = plane.awaitStream(1);
    ConnectRequest first = stream.awaitFirst("Hello", m -> true);

    assertTrue(first.hasHello());
    Hello hello = first.getHello();
    assertEquals(Files.readString(stateDir.resolve("worker-id")).strip(), hello.getWorkerId());
    assertEquals("test-host", hello.getName());
    assertEquals("test-host", hello.getHostname());
    assertEquals(List.of("echo"), hello.getAgentTypesList());
    assertEquals(java.util.Map.of("zone", "test"), hello.getLabelsMap());
    assertEquals(3, hello.getSlots());
    assertEquals("s3cret", hello.getToken());
    assertEquals("Bearer s3cret", stream.authorization());
  }

  @Test
  void heartbeatsFollowTheWelcomeIntervalEvenWithAFailingMetricSource() {
    agent.start();
    TestPlane.Stream stream = connectAndWelcome(1);
    stream.await("the first heartbeat", 1, ConnectRequest::hasHeartbeat);

    time.advance(INTERVAL.minusMillis(1));
    assertEquals(Duration.ofMillis(1), time.nextDueIn(), "no heartbeat before the interval");
    time.advance(Duration.ofMillis(1));
    stream.await("the second heartbeat", 2, ConnectRequest::hasHeartbeat);
    awaitPending(List.of(INTERVAL));
    time.advance(INTERVAL);

    List<ConnectRequest> heartbeats =
        stream.await("the third heartbeat", 3, ConnectRequest::hasHeartbeat);
    for (ConnectRequest message : heartbeats) {
      Heartbeat heartbeat = message.getHeartbeat();
      assertEquals(4096, heartbeat.getMetrics().getMemoryTotalBytes());
      assertEquals(3, heartbeat.getMetrics().getFreeSlots());
    }
    assertEquals(List.of(0L, 5L, 10L), heartbeats.stream()
        .map(m -> m.getHeartbeat().getMetrics().getCaptureTime().getSeconds()
            - heartbeats.get(0).getHeartbeat().getMetrics().getCaptureTime().getSeconds())
        .toList());
  }

  @Test
  void reconnectDelaysFollowTheBackoffAndResetAfterAWelcome() {
    ExponentialBackoff expected = new ExponentialBackoff(Duration.ofSeconds(1),
        Duration.ofSeconds(30), new Random(SEED));
    agent.start();
    TestPlane.Stream first = connectAndWelcome(1);

    first.fail(Status.UNAVAILABLE.withDescription("plane restarting"));
    Duration d1 = expected.nextDelay();
    awaitPending(List.of(d1));
    assertEquals(PlaneConnection.State.WAITING, agent.connection().state());
    time.advance(d1);

    TestPlane.Stream second = plane.awaitStream(2);
    second.awaitFirst("Hello", ConnectRequest::hasHello);
    second.fail(Status.UNAVAILABLE);
    Duration d2 = expected.nextDelay();
    awaitPending(List.of(d2));
    assertTrue(d2.compareTo(d1) > 0, "the delay grows without a Welcome: " + d1 + ", " + d2);
    time.advance(d2);

    TestPlane.Stream third = plane.awaitStream(3);
    third.awaitFirst("Hello", ConnectRequest::hasHello);
    third.fail(Status.UNAVAILABLE);
    Duration d3 = expected.nextDelay();
    awaitPending(List.of(d3));
    time.advance(d3);

    connectAndWelcome(4).fail(Status.UNAVAILABLE);
    expected.reset();
    awaitPending(List.of(expected.nextDelay()));
    assertEquals(4, agent.connection().sessionCount());
  }

  @Test
  void withoutAWelcomeTheSessionIsAbandonedAndRetried() {
    agent.start();
    TestPlane.Stream silent = plane.awaitStream(1);
    silent.awaitFirst("Hello", ConnectRequest::hasHello);
    awaitPending(List.of(PlaneConnection.DEFAULT_WELCOME_TIMEOUT));

    time.advance(PlaneConnection.DEFAULT_WELCOME_TIMEOUT);

    Await.until("the plane to see the stream cancelled", () -> silent.error() != null);
    Await.until("a reconnect to be scheduled",
        () -> agent.connection().state() == PlaneConnection.State.WAITING);
  }

  @Test
  void aMessageBeforeWelcomeIsAProtocolErrorAndTheWorkerReconnects() {
    agent.start();
    TestPlane.Stream stream = plane.awaitStream(1);
    stream.awaitFirst("Hello", ConnectRequest::hasHello);

    stream.send(ConnectResponse.newBuilder().setAssignTask(AssignTask.newBuilder()
        .setTaskId("t").setAttempt(1).setAgentType("echo")).build());

    Await.until("the stream to be cancelled", () -> stream.error() != null);
    Await.until("a reconnect to be scheduled",
        () -> agent.connection().state() == PlaneConnection.State.WAITING);
    assertEquals(List.of(MessageCase.HELLO), stream.received().stream()
        .map(ConnectRequest::getMessageCase).toList());
  }

  @Test
  void anAssignedTaskRunsAndItsMessagesArriveInOrder() {
    agent.start();
    TestPlane.Stream stream = connectAndWelcome(1);

    stream.send(ConnectResponse.newBuilder().setAssignTask(AssignTask.newBuilder()
        .setTaskId("t-1").setAttempt(1).setAgentType("echo").setInstructions("hello")).build());

    stream.awaitFirst("the result", ConnectRequest::hasTaskResult);
    List<MessageCase> taskMessages = stream.received().stream()
        .map(ConnectRequest::getMessageCase)
        .filter(kind -> kind != MessageCase.HELLO && kind != MessageCase.HEARTBEAT).toList();
    assertEquals(List.of(MessageCase.TASK_ACCEPTED, MessageCase.TASK_PROGRESS,
        MessageCase.TASK_OUTPUT, MessageCase.TASK_RESULT), taskMessages);
    assertEquals("hello", stream.awaitFirst("the result", ConnectRequest::hasTaskResult)
        .getTaskResult().getOutput().getStringValue());
  }

  @Test
  void drainFromThePlaneIsReportedAndNewWorkRejectedWhileStayingConnected() {
    agent.start();
    TestPlane.Stream stream = connectAndWelcome(1);

    stream.send(ConnectResponse.newBuilder().setDrain(Drain.newBuilder().setReason("upgrade"))
        .build());
    stream.awaitFirst("Draining", ConnectRequest::hasDraining);
    stream.send(ConnectResponse.newBuilder().setAssignTask(AssignTask.newBuilder()
        .setTaskId("t-2").setAttempt(1).setAgentType("echo")).build());

    assertEquals("draining", stream.awaitFirst("the rejection", ConnectRequest::hasTaskRejected)
        .getTaskRejected().getReason());
    assertEquals("upgrade", stream.awaitFirst("Draining", ConnectRequest::hasDraining)
        .getDraining().getReason());
    assertEquals(PlaneConnection.State.CONNECTED, agent.connection().state());
  }
}
