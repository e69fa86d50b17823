package dev.agentgrid.controlplane.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.CreateTaskRequest;
import dev.agentgrid.proto.v1.Task;
import dev.agentgrid.proto.v1.TaskSpec;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On H2 the creates of one project take its row lock exclusively (H2 has no share locks), so a
 * create waits while another one holds it: for as long as that takes, not for H2's default lock
 * timeout of two seconds, after which a create behind a long batch failed with UNAVAILABLE.
 */
class CreateTaskLocksH2Test extends dev.agentgrid.controlplane.testing.ControlPlaneTestBase {
    @Test
    void aCreateWaitsLongerThanTwoSecondsForAnotherHoldingItsProject() throws Exception {
        String project = client.projects.createProject(CreateProjectRequest.newBuilder().setName("long batch").build())
                .getProject().getId();
        try (Connection other = openConnection()) {
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                s.execute("SELECT status FROM projects WHERE id = '" + project + "' FOR UPDATE");
            }
            CompletableFuture<Task> waiting = CompletableFuture.supplyAsync(() -> client.tasks.createTask(
                    CreateTaskRequest.newBuilder().setProjectId(project).setTask(TaskSpec.newBuilder()
                            .setAgentType("h2-waiter").setInstructions("x")).build()).getTask());
            TimeUnit.MILLISECONDS.sleep(3_000); // the other creator's long batch, beyond H2's default 2 s
            assertFalse(waiting.isDone(), "the create waits for the lock: " + waiting);
            other.commit();
            assertEquals("created", waiting.get(10, TimeUnit.SECONDS).getStatusReason());
        }
    }
}
