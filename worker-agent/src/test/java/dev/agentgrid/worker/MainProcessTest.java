package dev.agentgrid.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectResponse;
import dev.agentgrid.proto.v1.TaskRejected;
import dev.agentgrid.proto.v1.TaskResult;
import dev.agentgrid.proto.v1.Welcome;
import dev.agentgrid.worker.testing.Await;
import dev.agentgrid.worker.testing.Scripts;
import dev.agentgrid.worker.testing.TestPlane;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker as a real JVM process: exit codes, and draining on SIGTERM. */
class MainProcessTest {

  @TempDir
  Path dir;

  private Process worker;
  private Server server;

  @AfterEach
  void tearDown() throws Exception {
    if (worker != null && worker.isAlive()) {
      worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private Process startWorker(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Duser.home=" + dir,
        "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectOutput(dir.resolve("stdout.txt").toFile())
        .redirectError(dir.resolve("stderr.txt").toFile())
        .start();
  }

  private int exitCode(Process process) throws InterruptedException {
    assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the worker did not exit");
    return process.exitValue();
  }

  private String stdout() throws IOException {
    return Files.readString(dir.resolve("stdout.txt"));
  }

  private String stderr() throws IOException {
    return Files.readString(dir.resolve("stderr.txt"));
  }

  @Test
  void aBadOptionPrintsTheProblemAndExitsWithTwo() throws Exception {
    worker = startWorker("--agent-types", "coder", "--slots", "0");

    assertEquals(2, exitCode(worker));
    assertTrue(stderr().startsWith("agentgrid-worker: slots: 0 (expected: 1 to 1024)\n"),
        stderr());
  }

  @Test
  void anAgentTypeWithoutAnExecutorIsRefusedWithTwo() throws Exception {
    worker = startWorker("--agent-types", "coder,painter", "--command", "coder=true",
        "--state-dir", dir.resolve("state").toString());

    assertEquals(2, exitCode(worker));
    assertTrue(stderr().contains("agent-types: no executor for painter (expected: --command"
        + " TYPE=CMDLINE"), stderr());
  }

  @Test
  void helpListsTheOptionsAndExitsWithZero() throws Exception {
    worker = startWorker("--help");

    assertEquals(0, exitCode(worker));
    for (WorkerOption option : WorkerOption.values()) {
      assertTrue(stdout().contains(option.flag()), option.flag());
    }
  }

  @Test
  void sigtermDrainsLetsTheRunningTaskFinishClosesTheStreamAndExitsWithZero() throws Exception {
    try {
      sigtermDrains();
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n--- worker log ---\n" + stderr(), e);
    }
  }

  private void sigtermDrains() throws Exception {
    TestPlane plane = new TestPlane();
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(plane.definition()).build().start();
    Path release = dir.resolve("release");
    Path script = Scripts.write(dir, "agent.sh", """
        echo "working"
        while [ ! -f "$1" ]; do sleep 0.02; done
        echo '{"agentgrid":"result","output":"finished after SIGTERM"}'
        """);
    worker = startWorker("--control-plane", "127.0.0.1:" + server.getPort(),
        "--agent-types", "coder", "--command", "coder=sh " + script + " " + release,
        "--state-dir", dir.resolve("state").toString(), "--slots", "2", "--no-metrics",
        "--drain-grace", "20s");

    TestPlane.Stream stream = plane.awaitStream(1);
    stream.awaitFirst("Hello", ConnectRequest::hasHello);
    stream.send(ConnectResponse.newBuilder().setWelcome(Welcome.newBuilder()
        .setHeartbeatInterval(com.google.protobuf.Duration.newBuilder().setSeconds(1))).build());
    stream.send(ConnectResponse.newBuilder().setAssignTask(AssignTask.newBuilder()
        .setTaskId("task-a").setAttempt(1).setAgentType("coder")).build());
    stream.awaitFirst("output of the running task", ConnectRequest::hasTaskOutput);

    worker.destroy(); // SIGTERM

    stream.awaitFirst("Draining", ConnectRequest::hasDraining);
    stream.send(ConnectResponse.newBuilder().setAssignTask(AssignTask.newBuilder()
        .setTaskId("task-b").setAttempt(1).setAgentType("coder")).build());
    TaskRejected rejected = stream.awaitFirst("the rejection", ConnectRequest::hasTaskRejected)
        .getTaskRejected();
    assertEquals("task-b", rejected.getTaskId());
    assertEquals("draining", rejected.getReason());
    assertTrue(worker.isAlive(), "the worker waits for its running task");

    Files.writeString(release, "go");

    TaskResult result = stream.awaitFirst("the result", ConnectRequest::hasTaskResult)
        .getTaskResult();
    assertEquals("finished after SIGTERM", result.getOutput().getStringValue());
    Await.until("the worker to close its stream", stream::completedByWorker);
    assertEquals(0, exitCode(worker), stderr());
    assertTrue(stderr().contains("draining (SIGTERM)"), stderr());
  }
}
