package dev.agentgrid.controlplane.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.agentgrid.controlplane.testing.Poll;
import dev.agentgrid.controlplane.testing.PostgresLocks;
import dev.agentgrid.controlplane.testing.TestDatabases;
import dev.agentgrid.proto.v1.CancelProjectRequest;
import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.CreateTaskRequest;
import dev.agentgrid.proto.v1.GetProjectRequest;
import dev.agentgrid.proto.v1.ProjectStatus;
import dev.agentgrid.proto.v1.Task;
import dev.agentgrid.proto.v1.TaskSpec;
import io.micronaut.test.support.TestPropertyProvider;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The row locks CreateTask takes on PostgreSQL: a share lock on its project, so that creates in
 * one project do not queue behind each other while a change of the project's status still waits
 * for them; and a lock on each existing task it depends on, so that an upstream task cannot
 * complete unseen between the create's read and its commit.
 */
@EnabledIfSystemProperty(named = TestDatabases.POSTGRES_ENABLED, matches = "true")
class CreateTaskLocksPostgresTest extends dev.agentgrid.controlplane.testing.ControlPlaneTestBase
        implements TestPropertyProvider {
    @Override
    public Map<String, String> getProperties() {
        return TestDatabases.postgres();
    }

    @Test
    void createsInOneProjectDoNotWaitForEachOtherButACancelWaitsForThem() throws Exception {
        String project = project("shared");
        try (Connection creator = openConnection()) {
            // Holds what a creating transaction holds on its project.
            creator.setAutoCommit(false);
            try (Statement s = creator.createStatement()) {
                s.execute("SELECT status FROM projects WHERE id = '" + project + "' FOR SHARE");
            }
            // Another create goes ahead at once (an exclusive lock made it wait here).
            Task created = CompletableFuture.supplyAsync(() -> create(project, "free")).get(5, TimeUnit.SECONDS);
            assertEquals("created", created.getStatusReason());

            // A cancel must wait for the creator: tasks are never added to a cancelled project.
            CompletableFuture<?> cancel = CompletableFuture.runAsync(() -> client.projects.cancelProject(
                    CancelProjectRequest.newBuilder().setProjectId(project).setReason("stop").build()));
            Poll.until(() -> PostgresLocks.waiters(creator), n -> n >= 1, Duration.ofSeconds(5));
            assertFalse(cancel.isDone(), "the cancel waited for the creating transaction");
            creator.commit();
            cancel.get(5, TimeUnit.SECONDS);
        }
        assertEquals(ProjectStatus.PROJECT_STATUS_CANCELLED, client.projects.getProject(
                GetProjectRequest.newBuilder().setProjectId(project).build()).getProject().getStatus());
    }

    @Test
    void aTaskDependingOnOneThatCompletesMeanwhileIsNotLeftWaiting() throws Exception {
        String project = project("race");
        String upstream = create(project, "nobody-serves-this").getId();
        try (Connection finisher = openConnection()) {
            // A transaction completing the upstream task holds its row until it commits.
            finisher.setAutoCommit(false);
            try (Statement s = finisher.createStatement()) {
                s.execute("SELECT id FROM tasks WHERE id = '" + upstream + "' FOR UPDATE");
            }
            CompletableFuture<Task> downstream = CompletableFuture.supplyAsync(() -> client.tasks.createTask(
                    CreateTaskRequest.newBuilder().setProjectId(project).setTask(TaskSpec.newBuilder()
                            .setAgentType("later").setInstructions("after").addDependsOn(upstream)).build()).getTask());
            Poll.until(() -> PostgresLocks.waiters(finisher), n -> n >= 1, Duration.ofSeconds(5));
            assertFalse(downstream.isDone(), "the create waited for the upstream task's lock");
            try (Statement s = finisher.createStatement()) {
                s.execute("UPDATE tasks SET status = 'COMPLETED' WHERE id = '" + upstream + "'");
            }
            finisher.commit();
            Task t = downstream.get(5, TimeUnit.SECONDS);
            // Read before the completion committed, it would wait for a dependency that already completed.
            assertEquals("created", t.getStatusReason());
            assertEquals(0, unfinishedDeps(finisher, t.getId()));
        }
    }

    private String project(String name) {
        return client.projects.createProject(CreateProjectRequest.newBuilder().setName(name).build()).getProject()
                .getId();
    }

    private Task create(String project, String agentType) {
        return client.tasks.createTask(CreateTaskRequest.newBuilder().setProjectId(project)
                .setTask(TaskSpec.newBuilder().setAgentType(agentType).setInstructions("x")).build()).getTask();
    }

    private static int unfinishedDeps(Connection c, String taskId) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT unfinished_deps FROM tasks WHERE id = ?")) {
            ps.setObject(1, UUID.fromString(taskId));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
