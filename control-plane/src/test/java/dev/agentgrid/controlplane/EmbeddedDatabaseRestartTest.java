package dev.agentgrid.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.controlplane.testing.GrpcClient;
import dev.agentgrid.controlplane.testing.WorkerDriver;
import dev.agentgrid.proto.v1.EventServiceGrpc;
import dev.agentgrid.proto.v1.SubscribeRequest;
import dev.agentgrid.proto.v1.SubscribeResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.GetProjectRequest;
import dev.agentgrid.proto.v1.TaskSpec;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default configuration, as a newcomer runs it: an embedded H2 file database in the data
 * directory, which keeps everything across a restart.
 */
class EmbeddedDatabaseRestartTest {
    @TempDir
    Path dataDir;

    private ApplicationContext start(int port) {
        // Not the "test" environment: the default (file) database from application.yml is used.
        ApplicationContext ctx = ApplicationContext.builder().environments("restart-test")
                .deduceEnvironment(false)
                .properties(Map.of("agentgrid.data-dir", dataDir.toString(), "grpc.server.port", port))
                .start();
        ctx.getBean(GrpcEmbeddedServer.class).start();
        return ctx;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void projectsAndTasksSurviveARestartOfThePlane() throws Exception {
        int port = freePort();
        String projectId;
        try (ApplicationContext first = start(port); GrpcClient client = new GrpcClient(port)) {
            projectId = client.projects.createProject(CreateProjectRequest.newBuilder().setName("durable")
                    .addTasks(TaskSpec.newBuilder().setAgentType("coder").setInstructions("write it"))
                    .build()).getProject().getId();
        }
        assertTrue(Files.exists(dataDir.resolve("agentgrid.mv.db")), "the database file is in the data directory");

        try (ApplicationContext second = start(port); GrpcClient client = new GrpcClient(port)) {
            var project = client.projects.getProject(GetProjectRequest.newBuilder().setProjectId(projectId).build());
            assertEquals("durable", project.getProject().getName());
            assertEquals(1, project.getTasksCount());
            assertEquals("write it", project.getTasks(0).getInstructions());
        }
    }

    @Test
    void stoppingThePlaneEndsWorkerStreamsAndEventSubscriptionsInsteadOfWaitingForThem() throws Exception {
        int port = freePort();
        ApplicationContext ctx = start(port);
        try (GrpcClient client = new GrpcClient(port); WorkerDriver worker = new WorkerDriver(client.channel)) {
            worker.connect(WorkerDriver.hello("stopping-worker", 1, "coder").build());
            CountDownLatch replayed = new CountDownLatch(1);
            CompletableFuture<Status> subscription = new CompletableFuture<>();
            EventServiceGrpc.newStub(client.channel).subscribe(SubscribeRequest.newBuilder().setAfterSeq(0).build(),
                    new StreamObserver<SubscribeResponse>() {
                        @Override
                        public void onNext(SubscribeResponse value) {
                            replayed.countDown();
                        }

                        @Override
                        public void onError(Throwable t) {
                            subscription.complete(Status.fromThrowable(t));
                        }

                        @Override
                        public void onCompleted() {
                            subscription.complete(Status.OK);
                        }
                    });
            assertTrue(replayed.await(15, TimeUnit.SECONDS), "the subscription is open (it replayed the log)");

            long before = System.nanoTime();
            ctx.close();
            Duration took = Duration.ofNanos(System.nanoTime() - before);

            // The server's termination timeout is 30 s; it must not be spent waiting for streams.
            assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "stopping took " + took);
            assertEquals(Status.Code.UNAVAILABLE, worker.awaitClosed().getCode(), "the worker is told to reconnect");
            assertEquals(Status.Code.OK, subscription.get(15, TimeUnit.SECONDS).getCode(),
                    "the subscription is completed");
        } finally {
            ctx.close();
        }
    }
}
