package dev.agentgrid.controlplane.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.agentgrid.controlplane.testing.ControlPlaneTestBase;
import dev.agentgrid.controlplane.testing.Poll;
import dev.agentgrid.controlplane.testing.WorkerDriver;
import dev.agentgrid.controlplane.worker.WorkerSessions;
import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectResponse;
import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.CreateTaskRequest;
import dev.agentgrid.proto.v1.Draining;
import dev.agentgrid.proto.v1.TaskSpec;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Placement with more workers than a round reads unprobed (over a thousand): a round first asks
 * whether anything is placeable, and a create offers its task to a window of the workers serving
 * its type. Tasks only one worker of the fleet can take must still reach it, and a worker that
 * drains must drop out of the index without a reconnect.
 */
abstract class LargeFleetDispatchTest extends ControlPlaneTestBase {
    private static final int FLEET = 1_050;

    @Inject
    WorkerSessions sessions;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String fleetType = "fleet-" + run;
    private final String soloType = "solo-" + run;
    private final List<WorkerDriver> workers = new ArrayList<>();
    private String project;

    @BeforeAll
    void connectTheFleet() throws Exception {
        for (int i = 0; i < FLEET; i++) {
            WorkerDriver w = new WorkerDriver(client.channel);
            var hello = i == FLEET - 1 ? WorkerDriver.hello(id(i), 1, fleetType).putLabels("rare", "yes")
                    : i == FLEET - 2 ? WorkerDriver.hello(id(i), 1, fleetType).putLabels("drainee", "yes")
                    : i == FLEET / 2 ? WorkerDriver.hello(id(i), 1, fleetType, soloType)
                    : WorkerDriver.hello(id(i), 1, fleetType);
            w.send(ConnectRequest.newBuilder().setHello(hello).build());
            workers.add(w);
        }
        for (WorkerDriver w : workers) {
            w.next(ConnectResponse::hasWelcome);
        }
        assertEquals(FLEET, sessions.all().stream().filter(ch -> ch.workerId().contains(run)).count());
        project = client.projects.createProject(CreateProjectRequest.newBuilder().setName("fleet").build())
                .getProject().getId();
    }

    @AfterAll
    void disconnect() {
        workers.forEach(WorkerDriver::close);
    }

    private String id(int i) {
        return "fleet-" + run + "-" + i;
    }

    private String create(TaskSpec.Builder spec) {
        return client.tasks.createTask(CreateTaskRequest.newBuilder().setProjectId(project).setTask(spec).build())
                .getTask().getId();
    }

    private static AssignTask assignment(WorkerDriver w) throws InterruptedException {
        return w.next(ConnectResponse::hasAssignTask).getAssignTask();
    }

    @Test
    void aTaskOnlyTheLastWorkerMatchesIsPlacedOnIt() throws Exception {
        String task = create(TaskSpec.newBuilder().setAgentType(fleetType).setInstructions("rare")
                .putLabelSelector("rare", "yes"));
        assertEquals(task, assignment(workers.get(FLEET - 1)).getTaskId());
    }

    @Test
    void aTypeOneWorkerServesIsPlacedOnThatWorker() throws Exception {
        String task = create(TaskSpec.newBuilder().setAgentType(soloType).setInstructions("solo"));
        assertEquals(task, assignment(workers.get(FLEET / 2)).getTaskId());
    }

    @Test
    void aDrainingWorkerLeavesTheIndexAndItsTaskWaits() throws Exception {
        WorkerDriver drainee = workers.get(FLEET - 2);
        drainee.send(ConnectRequest.newBuilder().setDraining(Draining.newBuilder().setReason("maintenance")).build());
        Poll.until(() -> sessions.get(id(FLEET - 2)).orElseThrow().isDraining(), d -> d, Duration.ofSeconds(15));
        String task = create(TaskSpec.newBuilder().setAgentType(fleetType).setInstructions("for the drainee")
                .putLabelSelector("drainee", "yes"));
        // The dispatcher ticks every second: two ticks later it still has found nobody for it.
        assertNull(drainee.received.poll(2500, TimeUnit.MILLISECONDS), "a draining worker gets no new work");
        assertEquals(dev.agentgrid.proto.v1.TaskStatus.TASK_STATUS_PENDING, client.tasks.getTask(
                dev.agentgrid.proto.v1.GetTaskRequest.newBuilder().setTaskId(task).build()).getTask().getStatus());
    }
}
