package dev.agentgrid.controlplane.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentgrid.controlplane.testing.Poll;
import dev.agentgrid.controlplane.testing.PostgresLocks;
import dev.agentgrid.controlplane.testing.TestDatabases;
import dev.agentgrid.controlplane.testing.WorkerDriver;
import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectResponse;
import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.CreateTaskRequest;
import dev.agentgrid.proto.v1.TaskAccepted;
import dev.agentgrid.proto.v1.TaskResult;
import dev.agentgrid.proto.v1.TaskSpec;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.support.TestPropertyProvider;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * API calls stuck behind a lock cannot take every pooled connection: with a pool of 4 and 3
 * reserved, one call runs at a time, so a worker's report still commits while CreateTask calls
 * pile up behind a project lock, and the calls that wait too long are told UNAVAILABLE and change
 * nothing. PostgreSQL only: H2 gives up on a row lock after its lock timeout, which would free the
 * connections with or without the admission limit.
 */
@EnabledIfSystemProperty(named = TestDatabases.POSTGRES_ENABLED, matches = "true")
class ApiAdmissionPostgresTest extends dev.agentgrid.controlplane.testing.ControlPlaneTestBase
        implements TestPropertyProvider {
    @Override
    public Map<String, String> getProperties() {
        Map<String, String> db = new HashMap<>(TestDatabases.postgres());
        db.put("agentgrid.db.reserved-connections", "3");
        db.put("agentgrid.db.admission-wait", "2s");
        return db;
    }

    @Test
    void reportsStillCommitWhileApiCallsPileUpBehindALock() throws Exception {
        String agent = "admission-" + UUID.randomUUID().toString().substring(0, 8);
        String project = client.projects.createProject(CreateProjectRequest.newBuilder().setName("busy").build())
                .getProject().getId();
        String other = client.projects.createProject(CreateProjectRequest.newBuilder().setName("other").build())
                .getProject().getId();
        String taskId = client.tasks.createTask(CreateTaskRequest.newBuilder().setProjectId(other)
                .setTask(TaskSpec.newBuilder().setAgentType(agent).setInstructions("work")).build()).getTask().getId();
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try (WorkerDriver w = new WorkerDriver(client.channel);
                Connection locker = openConnection()) {
            w.connect(WorkerDriver.hello("w-" + agent, 1, agent).build());
            AssignTask a = w.next(ConnectResponse::hasAssignTask).getAssignTask();
            w.send(ConnectRequest.newBuilder().setTaskAccepted(TaskAccepted.newBuilder().setTaskId(taskId)
                    .setAttempt(a.getAttempt())).build());
            awaitStatus(locker, taskId, "RUNNING");

            // Holds the project's lock: every CreateTask for it waits, the first holding a connection.
            locker.setAutoCommit(false);
            try (Statement s = locker.createStatement()) {
                s.execute("SELECT id FROM projects WHERE id = '" + project + "' FOR UPDATE");
            }
            List<CompletableFuture<Status.Code>> creates = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                creates.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        client.tasks.createTask(CreateTaskRequest.newBuilder().setProjectId(project)
                                .setTask(TaskSpec.newBuilder().setAgentType(agent + "-later").setInstructions("x"))
                                .build());
                        return Status.Code.OK;
                    } catch (StatusRuntimeException e) {
                        return e.getStatus().getCode();
                    }
                }, callers));
            }
            Poll.until(() -> PostgresLocks.waiters(locker), n -> n >= 1, Duration.ofSeconds(5));

            // Had the waiting calls taken every pooled connection, this result could not commit.
            w.send(ConnectRequest.newBuilder().setTaskResult(TaskResult.newBuilder().setTaskId(taskId)
                    .setAttempt(a.getAttempt()).setOutput(com.google.protobuf.Value.newBuilder().setStringValue("ok")))
                    .build());
            awaitStatus(locker, taskId, "COMPLETED");

            // The five calls that never got a turn are refused once their wait (2 s) is over; then
            // the lock goes and the one admitted call finishes.
            Poll.until(() -> creates.stream().filter(CompletableFuture::isDone).count(), n -> n >= 5,
                    Duration.ofSeconds(10));
            locker.rollback();
            List<Status.Code> codes = new ArrayList<>();
            for (CompletableFuture<Status.Code> f : creates) {
                codes.add(f.get(10, TimeUnit.SECONDS));
            }
            assertEquals(1, codes.stream().filter(c -> c == Status.Code.OK).count(), "one call ran: " + codes);
            assertEquals(5, codes.stream().filter(c -> c == Status.Code.UNAVAILABLE).count(), "codes " + codes);
            assertEquals(1, count(locker, project), "only the admitted call created a task");
        } finally {
            callers.shutdownNow();
        }
    }

    /** Polls the task's status over the test's own connection (the plane's pool may be what is tested). */
    private static void awaitStatus(Connection c, String taskId, String status) throws Exception {
        Poll.until(() -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT status FROM tasks WHERE id = ?")) {
                ps.setObject(1, UUID.fromString(taskId));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }, status::equals, Duration.ofSeconds(5));
    }

    private static long count(Connection c, String project) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM tasks WHERE project_id = ?")) {
            ps.setObject(1, UUID.fromString(project));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
