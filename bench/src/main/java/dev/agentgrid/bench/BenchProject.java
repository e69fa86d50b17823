package dev.agentgrid.bench;

import dev.agentgrid.proto.v1.CancelTaskRequest;
import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.CreateProjectResponse;
import dev.agentgrid.proto.v1.Event;
import dev.agentgrid.proto.v1.SubscribeRequest;
import dev.agentgrid.proto.v1.TaskSpec;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A project for one run. A project ends as soon as all its tasks are terminal, and one that ended
 * takes no new tasks; a bench that creates tasks while earlier ones complete would race that. So
 * the project holds one task behind an approval gate that nobody answers (of an agent type no
 * worker serves), cancelled by {@link #close()}.
 */
final class BenchProject implements AutoCloseable {
    static final String TASK_STATUS_CHANGE = "task_status_change";
    private static final String WORKFLOW_EVENT = "workflow_event";

    private final PlaneConnection plane;
    private final String id;
    private final String holdTaskId;

    private BenchProject(PlaneConnection plane, String id, String holdTaskId) {
        this.plane = plane;
        this.id = id;
        this.holdTaskId = holdTaskId;
    }

    static BenchProject create(PlaneConnection plane, String scenario, String runId) {
        CreateProjectResponse r = plane.projects().createProject(CreateProjectRequest.newBuilder()
                .setName("bench " + scenario + " " + runId)
                .setDescription("Created by agentgrid-bench; holds one gated task until the run ends.")
                .setRequestId("bench-" + scenario + "-" + runId)
                .addTasks(TaskSpec.newBuilder()
                        .setAgentType("bench-hold-" + runId)
                        .setInstructions("keeps the bench project open; cancelled when the run ends")
                        .setRequiresApproval(true))
                .build());
        return new BenchProject(plane, r.getProject().getId(), r.getTasks(0).getId());
    }

    String id() {
        return id;
    }

    /**
     * Subscribes to the project's task status changes from the start of the log (by the project
     * index, so only its own events are read): no event can be missed, whenever the plane gets to
     * the call. Returns once the project's own "created" event arrived, i.e. the tail is live.
     */
    EventTail tail(Consumer<Event> consumer, Duration readyTimeout) throws Exception {
        CountDownLatch ready = new CountDownLatch(1);
        EventTail tail = EventTail.open(plane, SubscribeRequest.newBuilder()
                .setAfterSeq(0)
                .setProjectId(id)
                .addEventTypes(TASK_STATUS_CHANGE)
                .addEventTypes(WORKFLOW_EVENT)
                .build(), e -> {
                    if (e.getEventType().equals(TASK_STATUS_CHANGE)) {
                        consumer.accept(e);
                    } else if ("project_created".equals(stringField(e, "event"))) {
                        ready.countDown();
                    }
                });
        if (!ready.await(readyTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            tail.close();
            tail.check();
            throw new TimeoutException("no project_created event for project " + id + " within " + readyTimeout);
        }
        return tail;
    }

    /** A string field of an event's data, or "" without one. */
    static String stringField(Event e, String name) {
        var v = e.getData().getFieldsMap().get(name);
        return v == null ? "" : v.getStringValue();
    }

    /** Cancels the held task, which lets the project end. */
    @Override
    public void close() {
        try {
            plane.tasks().cancelTask(CancelTaskRequest.newBuilder().setTaskId(holdTaskId)
                    .setReason("bench run over").build());
        } catch (StatusRuntimeException e) {
            // Already cancelled (e.g. the project was): nothing to release.
        }
    }
}
