package dev.agentgrid.controlplane.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.agentgrid.controlplane.testing.ControlPlaneTestBase;
import dev.agentgrid.controlplane.testing.Poll;
import dev.agentgrid.controlplane.testing.WorkerDriver;
import dev.agentgrid.proto.v1.AgentStatus;
import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.CancelTaskRequest;
import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectResponse;
import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.CreateTaskRequest;
import dev.agentgrid.proto.v1.DrainWorkerRequest;
import dev.agentgrid.proto.v1.Draining;
import dev.agentgrid.proto.v1.GetAgentStatusRequest;
import dev.agentgrid.proto.v1.GetTaskRequest;
import dev.agentgrid.proto.v1.GetWorkerMetricsHistoryRequest;
import dev.agentgrid.proto.v1.GetWorkerRequest;
import dev.agentgrid.proto.v1.HitlAction;
import dev.agentgrid.proto.v1.HitlAsk;
import dev.agentgrid.proto.v1.HitlStatus;
import dev.agentgrid.proto.v1.ListArtifactsRequest;
import dev.agentgrid.proto.v1.ListHitlRequestsRequest;
import dev.agentgrid.proto.v1.ListTaskMessagesRequest;
import dev.agentgrid.proto.v1.ListWorkersRequest;
import dev.agentgrid.proto.v1.MetricsSnapshot;
import dev.agentgrid.proto.v1.OutputChunk;
import dev.agentgrid.proto.v1.OutputStream;
import dev.agentgrid.proto.v1.Progress;
import dev.agentgrid.proto.v1.RespondHitlRequestRequest;
import dev.agentgrid.proto.v1.RetryPolicy;
import dev.agentgrid.proto.v1.RunningAttempt;
import dev.agentgrid.proto.v1.Task;
import dev.agentgrid.proto.v1.TaskAccepted;
import dev.agentgrid.proto.v1.TaskArtifact;
import dev.agentgrid.proto.v1.TaskError;
import dev.agentgrid.proto.v1.TaskMessage;
import dev.agentgrid.proto.v1.TaskMessageKind;
import dev.agentgrid.proto.v1.TaskOutput;
import dev.agentgrid.proto.v1.TaskProgress;
import dev.agentgrid.proto.v1.TaskResult;
import dev.agentgrid.proto.v1.TaskSpec;
import dev.agentgrid.proto.v1.TaskStatus;
import dev.agentgrid.proto.v1.WorkerStatus;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The plane's side of WorkerService.Connect, driven by a test worker over real gRPC: register,
 * heartbeat, dispatch, reports, fencing, supersession, reconciliation, HITL and draining.
 */
abstract class WorkerStreamTest extends ControlPlaneTestBase {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static String unique(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String project() {
        return client.projects.createProject(CreateProjectRequest.newBuilder().setName("workers").build())
                .getProject().getId();
    }

    private Task createTask(String project, TaskSpec.Builder spec) {
        return client.tasks.createTask(CreateTaskRequest.newBuilder().setProjectId(project).setTask(spec).build())
                .getTask();
    }

    private static TaskSpec.Builder spec(String agentType) {
        return TaskSpec.newBuilder().setAgentType(agentType).setInstructions("work");
    }

    private Task task(String id) {
        return client.tasks.getTask(GetTaskRequest.newBuilder().setTaskId(id).build()).getTask();
    }

    private Task awaitStatus(String id, TaskStatus status) {
        return Poll.until(() -> task(id), t -> t.getStatus() == status, WAIT);
    }

    private static ConnectRequest accepted(AssignTask a) {
        return ConnectRequest.newBuilder().setTaskAccepted(TaskAccepted.newBuilder().setTaskId(a.getTaskId())
                .setAttempt(a.getAttempt())).build();
    }

    private static ConnectRequest completed(String taskId, int attempt, Value output) {
        return ConnectRequest.newBuilder().setTaskResult(TaskResult.newBuilder().setTaskId(taskId).setAttempt(attempt)
                .setOutput(output)).build();
    }

    /**
     * Subscribes from now on with live events included, collecting into {@code into}; cancelling
     * the returned context ends the subscription.
     */
    private io.grpc.Context.CancellableContext subscribeLive(dev.agentgrid.proto.v1.SubscribeRequest.Builder request,
            java.util.Queue<dev.agentgrid.proto.v1.Event> into) {
        io.grpc.Context.CancellableContext watch = io.grpc.Context.current().withCancellation();
        watch.run(() -> dev.agentgrid.proto.v1.EventServiceGrpc.newStub(client.channel).subscribe(
                request.setAfterSeq(-1).setIncludeLive(true).build(),
                dev.agentgrid.controlplane.testing.EventCollector.into(into)));
        return watch;
    }

    private static Value text(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    @Test
    void aWorkerRegistersShowsUpOnlineAndItsMetricsChangeWithHeartbeats() throws Exception {
        String id = unique("w");
        // Live subscribers see each heartbeat's metrics (a live-only event).
        java.util.concurrent.BlockingQueue<dev.agentgrid.proto.v1.Event> live =
                new java.util.concurrent.LinkedBlockingQueue<>();
        io.grpc.Context.CancellableContext watch = subscribeLive(dev.agentgrid.proto.v1.SubscribeRequest.newBuilder()
                .setWorkerId(id).addEventTypes("worker_metrics"), live);
        try (watch; WorkerDriver w = new WorkerDriver(client.channel)) {
            ConnectResponse welcome = w.connect(WorkerDriver.hello(id, 2, "coder").putLabels("gpu", "true").build());
            assertEquals(5, welcome.getWelcome().getHeartbeatInterval().getSeconds());
            assertEquals(17, welcome.getWelcome().getLeaseDuration().getSeconds(), "3 missed heartbeats + 2 s");
            var listed = client.workers.listWorkers(ListWorkersRequest.newBuilder()
                    .addStatuses(WorkerStatus.WORKER_STATUS_ONLINE).putLabelSelector("gpu", "true").build());
            assertTrue(listed.getWorkersList().stream().anyMatch(x -> x.getId().equals(id)));

            w.heartbeat(MetricsSnapshot.newBuilder().setCpuUsage(0.25).setMemoryUsedBytes(100).setFreeSlots(2).build());
            var first = Poll.until(() -> client.workers.getWorker(GetWorkerRequest.newBuilder().setWorkerId(id).build())
                    .getWorker(), x -> x.getMetrics().getCpuUsage() == 0.25, WAIT);
            assertEquals(WorkerStatus.WORKER_STATUS_ONLINE, first.getStatus());
            assertEquals("Linux", first.getInventory().getOs());
            assertTrue(first.hasLastHeartbeatTime());
            dev.agentgrid.proto.v1.Event metrics = live.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(metrics != null, "a worker_metrics event reached the live subscriber");
            assertEquals(id, metrics.getWorkerId());
            assertEquals(id, metrics.getData().getFieldsMap().get("worker_id").getStringValue());
            Struct sent = metrics.getData().getFieldsMap().get("metrics").getStructValue();
            assertEquals(0.25, sent.getFieldsMap().get("cpu_usage").getNumberValue());
            assertEquals("100", sent.getFieldsMap().get("memory_used_bytes").getStringValue(), "int64 as in JSON");
            assertEquals(2, sent.getFieldsMap().get("free_slots").getNumberValue());
            w.heartbeat(MetricsSnapshot.newBuilder().setCpuUsage(0.75).setMemoryUsedBytes(200).setFreeSlots(2).build());
            Poll.until(() -> client.workers.getWorker(GetWorkerRequest.newBuilder().setWorkerId(id).build())
                    .getWorker(), x -> x.getMetrics().getCpuUsage() == 0.75, WAIT);
            var history = client.workers.getWorkerMetricsHistory(GetWorkerMetricsHistoryRequest.newBuilder()
                    .setWorkerId(id).build());
            assertEquals(1, history.getSnapshotsCount(), "history keeps one snapshot per interval");
        }
        Poll.until(() -> client.workers.getWorker(GetWorkerRequest.newBuilder().setWorkerId(id).build()).getWorker()
                .getStatus(), s -> s == WorkerStatus.WORKER_STATUS_OFFLINE, WAIT);
    }

    @Test
    void manyWorkersLeavingAtOnceAllGoOfflineOnceWhileAReconnectedOneStaysOnline() throws Exception {
        String prefix = unique("leaving");
        List<WorkerDriver> drivers = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                WorkerDriver w = new WorkerDriver(client.channel);
                w.connect(WorkerDriver.hello(prefix + "-" + i, 1, "leaving").build());
                drivers.add(w);
            }
            // Worker 0 reconnects: its first stream ending later must not take the new session offline.
            WorkerDriver again = new WorkerDriver(client.channel);
            again.connect(WorkerDriver.hello(prefix + "-0", 1, "leaving").build());
            drivers.forEach(WorkerDriver::close);
            Poll.until(() -> count("SELECT COUNT(*) FROM workers WHERE id LIKE '" + prefix + "-%' AND status = 'OFFLINE'"),
                    n -> n == 29, WAIT);
            assertEquals(29, count("SELECT COUNT(*) FROM event_log WHERE event_type = 'worker_status' AND worker_id LIKE '"
                    + prefix + "-%' AND payload LIKE '%disconnected%'"), "one OFFLINE event per worker that left");
            assertEquals(WorkerStatus.WORKER_STATUS_ONLINE, client.workers.getWorker(GetWorkerRequest.newBuilder()
                    .setWorkerId(prefix + "-0").build()).getWorker().getStatus());
            again.close();
            Poll.until(() -> client.workers.getWorker(GetWorkerRequest.newBuilder().setWorkerId(prefix + "-0").build())
                    .getWorker().getStatus(), st -> st == WorkerStatus.WORKER_STATUS_OFFLINE, WAIT);
        } finally {
            drivers.forEach(WorkerDriver::close);
        }
    }

    private long count(String sql) {
        return store.read(() -> jdbc.prepareStatement(sql, ps -> {
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }));
    }

    /** What a worker's protocol error must leave untouched (other tests' workers may still change). */
    private List<Long> taskState() {
        return List.of(count("SELECT COUNT(*) FROM workers"), count("SELECT COUNT(*) FROM tasks"),
                count("SELECT COUNT(*) FROM task_messages"), count("SELECT COUNT(*) FROM context_artifacts"),
                count("SELECT COUNT(*) FROM event_log WHERE event_type <> 'worker_status'"));
    }

    @Test
    void aMessageBeforeHelloIsAProtocolErrorAndChangesNothing() throws Exception {
        // Earlier tests' workers leave asynchronously (their OFFLINE, then the agent status
        // recomputed after that commit); wait for that to finish so only this stream could change things.
        Poll.until(() -> count("SELECT COUNT(*) FROM workers WHERE status <> 'OFFLINE'"), n -> n == 0, WAIT);
        derivedStateSettled();
        List<Long> before = taskState();
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.heartbeat(MetricsSnapshot.getDefaultInstance());
            Status status = w.awaitClosed();
            assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode());
            assertTrue(status.getDescription().contains("first message must be Hello"));
        }
        derivedStateSettled();
        assertEquals(before, taskState());
    }

    @Test
    void aTaskRunsEndToEndWithProgressOutputArtifactAndResultPersistedInOrder() throws Exception {
        String agent = unique("coder");
        String project = project();
        Task created = createTask(project, spec(agent).setInput(Struct.newBuilder()
                .putFields("lang", text("java"))));
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(unique("w"), 1, agent).build());
            AssignTask a = w.next(ConnectResponse::hasAssignTask).getAssignTask();
            assertEquals(created.getId(), a.getTaskId());
            assertEquals(1, a.getAttempt());
            assertEquals("java", a.getInput().getFieldsMap().get("lang").getStringValue());
            assertTrue(a.hasDeadline());
            assertEquals(TaskStatus.TASK_STATUS_ASSIGNED, task(a.getTaskId()).getStatus());

            w.send(accepted(a));
            awaitStatus(a.getTaskId(), TaskStatus.TASK_STATUS_RUNNING);
            Poll.until(() -> client.agents.getAgentStatus(GetAgentStatusRequest.newBuilder().setAgentType(agent)
                    .build()).getAgent().getStatus(), s -> s == AgentStatus.AGENT_STATUS_WORKING, WAIT);
            w.send(ConnectRequest.newBuilder().setTaskProgress(TaskProgress.newBuilder().setTaskId(a.getTaskId())
                    .setAttempt(1).setProgress(Progress.newBuilder().setFraction(0.5).setStage("build"))).build());
            TaskOutput.Builder out = TaskOutput.newBuilder().setTaskId(a.getTaskId()).setAttempt(1)
                    .addChunks(OutputChunk.newBuilder().setSequence(1).setStream(OutputStream.OUTPUT_STREAM_STDOUT)
                            .setText("line 1\n"))
                    .addChunks(OutputChunk.newBuilder().setSequence(2).setStream(OutputStream.OUTPUT_STREAM_STDOUT)
                            .setText("line 2\n"))
                    .addChunks(OutputChunk.newBuilder().setSequence(3).setStream(OutputStream.OUTPUT_STREAM_STDERR)
                            .setText("warning\n"));
            w.send(ConnectRequest.newBuilder().setTaskOutput(out).build());
            // Re-sent after a reconnect: stored once.
            w.send(ConnectRequest.newBuilder().setTaskOutput(out).build());
            w.send(ConnectRequest.newBuilder().setTaskArtifact(TaskArtifact.newBuilder().setTaskId(a.getTaskId())
                    .setAttempt(1).setName("Main.java").setArtifactType("code").setText("class Main {}")).build());
            w.send(completed(a.getTaskId(), 1, text("done")));

            Task done = awaitStatus(a.getTaskId(), TaskStatus.TASK_STATUS_COMPLETED);
            assertEquals("done", done.getOutput().getStringValue());
            assertEquals(1.0, done.getProgress().getFraction(), "a completed task shows full progress");
            List<TaskMessage> messages = client.tasks.listTaskMessages(ListTaskMessagesRequest.newBuilder()
                    .setTaskId(a.getTaskId()).build()).getMessagesList();
            assertEquals(List.of("line 1\nline 2\n", "warning\n"), messages.stream().map(TaskMessage::getContent)
                    .toList(), "coalesced per stream, each chunk once");
            assertEquals(List.of(TaskMessageKind.TASK_MESSAGE_KIND_STDOUT, TaskMessageKind.TASK_MESSAGE_KIND_STDERR),
                    messages.stream().map(TaskMessage::getKind).toList());
            var artifacts = client.artifacts.listArtifacts(ListArtifactsRequest.newBuilder().setProjectId(project)
                    .build()).getArtifactsList();
            assertEquals(1, artifacts.size());
            assertEquals(agent, artifacts.get(0).getSourceAgent());
            assertEquals(a.getTaskId(), artifacts.get(0).getTaskId());
            Poll.until(() -> client.agents.getAgentStatus(GetAgentStatusRequest.newBuilder().setAgentType(agent)
                    .build()).getAgent().getStatus(), s -> s == AgentStatus.AGENT_STATUS_IDLE, WAIT);
        }
    }

    /**
     * A worker does not wait for its reports to commit, and neither does its stream: reports sent
     * back to back share batches, still apply in the order sent, and all apply before the worker
     * is taken offline when it leaves right after sending them.
     */
    @Test
    void reportsSentBackToBackApplyInOrderAndBeforeTheWorkerLeaves() throws Exception {
        String agent = unique("pipelined");
        String project = project();
        String workerId = unique("w");
        int n = 24;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(createTask(project, spec(agent)).getId());
        }
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(workerId, n, agent).build());
            List<AssignTask> assigned = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                assigned.add(w.next(ConnectResponse::hasAssignTask).getAssignTask());
            }
            for (AssignTask a : assigned) {
                w.send(accepted(a));
                w.send(ConnectRequest.newBuilder().setTaskProgress(TaskProgress.newBuilder().setTaskId(a.getTaskId())
                        .setAttempt(a.getAttempt()).setProgress(Progress.newBuilder().setFraction(0.5)
                                .setMessage("halfway"))).build());
                w.send(completed(a.getTaskId(), a.getAttempt(), text("out " + a.getTaskId())));
            }
        } // the stream ends right after the last report
        for (String id : ids) {
            Task done = awaitStatus(id, TaskStatus.TASK_STATUS_COMPLETED);
            assertEquals("out " + id, done.getOutput().getStringValue());
            assertEquals("halfway", done.getProgress().getMessage(), "progress applied before the result");
        }
        Poll.until(() -> client.workers.getWorker(GetWorkerRequest.newBuilder().setWorkerId(workerId).build())
                .getWorker().getStatus(), s -> s == WorkerStatus.WORKER_STATUS_OFFLINE, WAIT);
        List<dev.agentgrid.proto.v1.Event> events = new ArrayList<>();
        long seq = 0;
        while (true) {
            var page = client.events.listEvents(dev.agentgrid.proto.v1.ListEventsRequest.newBuilder().setAfterSeq(seq)
                    .addEventTypes("task_status_change").addEventTypes("worker_status").setPageSize(1000).build());
            if (page.getEventsCount() == 0) {
                break;
            }
            events.addAll(page.getEventsList());
            seq = page.getLastSeq();
        }
        long offlineAt = events.stream().filter(e -> e.getEventType().equals("worker_status")
                && e.getData().getFieldsMap().get("worker_id").getStringValue().equals(workerId)
                && e.getData().getFieldsMap().get("status").getStringValue().equalsIgnoreCase("offline"))
                .mapToLong(dev.agentgrid.proto.v1.Event::getSeq).findFirst().orElseThrow();
        for (String id : ids) {
            List<dev.agentgrid.proto.v1.Event> ofTask = events.stream().filter(e -> e.getTaskId().equals(id)).toList();
            assertEquals(List.of("pending", "assigned", "running", "completed"), ofTask.stream()
                    .map(e -> e.getData().getFieldsMap().get("status").getStringValue()).toList(), id);
            assertTrue(ofTask.get(3).getSeq() < offlineAt, "task " + id + " completed before its worker went offline");
        }
    }

    /**
     * Live events (output, progress) keep their place among the durable ones (status changes) on
     * a subscription, also when a worker's reports share a batch.
     */
    @Test
    void aSubscriberSeesATasksOutputBeforeItsCompletion() throws Exception {
        String agent = unique("ordered");
        java.util.concurrent.BlockingQueue<dev.agentgrid.proto.v1.Event> seen =
                new java.util.concurrent.LinkedBlockingQueue<>();
        io.grpc.Context.CancellableContext watch = subscribeLive(dev.agentgrid.proto.v1.SubscribeRequest.newBuilder(),
                seen);
        try (watch; WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(unique("w"), 4, agent).build());
            for (int round = 0; round < 5; round++) {
                Task created = createTask(project(), spec(agent));
                AssignTask a = w.next(ConnectResponse::hasAssignTask).getAssignTask();
                w.send(accepted(a));
                w.send(ConnectRequest.newBuilder().setTaskProgress(TaskProgress.newBuilder().setTaskId(a.getTaskId())
                        .setAttempt(1).setProgress(Progress.newBuilder().setFraction(0.5))).build());
                for (int i = 1; i <= 3; i++) {
                    w.send(ConnectRequest.newBuilder().setTaskOutput(TaskOutput.newBuilder().setTaskId(a.getTaskId())
                            .setAttempt(1).addChunks(OutputChunk.newBuilder().setSequence(i)
                                    .setStream(OutputStream.OUTPUT_STREAM_AGENT).setText("part " + i))).build());
                }
                w.send(completed(a.getTaskId(), 1, text("done")));
                awaitStatus(created.getId(), TaskStatus.TASK_STATUS_COMPLETED);
                List<String> order = new ArrayList<>();
                Poll.until(() -> {
                    for (dev.agentgrid.proto.v1.Event e; (e = seen.poll()) != null; ) {
                        if (e.getTaskId().equals(created.getId()) && !e.getEventType().equals("agent_status_change")) {
                            order.add(e.getEventType() + (e.getEventType().equals("task_status_change")
                                    ? ":" + e.getData().getFieldsMap().get("status").getStringValue() : ""));
                        }
                    }
                    return order;
                }, o -> o.contains("task_status_change:completed"), WAIT);
                assertEquals(List.of("task_status_change:pending", "task_status_change:assigned",
                        "task_status_change:running", "task_progress", "new_message", "new_message", "new_message",
                        "task_status_change:completed"), order, "round " + round);
            }
        }
    }

    @Test
    void aRetryableFailureRunsTheNextAttemptAndTheLastFailureFailsTheTask() throws Exception {
        String agent = unique("tester");
        Task created = createTask(project(), spec(agent).setRetryPolicy(RetryPolicy.newBuilder()
                .setMaximumAttempts(2).setInitialInterval(com.google.protobuf.Duration.newBuilder().setSeconds(0))));
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(unique("w"), 1, agent).build());
            AssignTask first = w.next(ConnectResponse::hasAssignTask).getAssignTask();
            w.send(accepted(first));
            w.send(ConnectRequest.newBuilder().setTaskResult(TaskResult.newBuilder().setTaskId(created.getId())
                    .setAttempt(1).setError(TaskError.newBuilder().setMessage("flaky").setRetryable(true))).build());
            AssignTask second = w.next(ConnectResponse::hasAssignTask).getAssignTask();
            assertEquals(2, second.getAttempt());

            // A late report about attempt 1 is fenced: the worker is told to cancel it, nothing changes.
            w.send(ConnectRequest.newBuilder().setTaskProgress(TaskProgress.newBuilder().setTaskId(created.getId())
                    .setAttempt(1).setProgress(Progress.newBuilder().setFraction(0.9))).build());
            var cancel = w.next(ConnectResponse::hasCancelTask).getCancelTask();
            assertEquals(1, cancel.getAttempt());
            assertEquals(created.getId(), cancel.getTaskId());

            w.send(accepted(second));
            w.send(ConnectRequest.newBuilder().setTaskResult(TaskResult.newBuilder().setTaskId(created.getId())
                    .setAttempt(2).setError(TaskError.newBuilder().setMessage("still flaky").setRetryable(true)))
                    .build());
            Task failed = awaitStatus(created.getId(), TaskStatus.TASK_STATUS_FAILED);
            assertEquals("still flaky", failed.getError().getMessage());
            assertEquals(2, failed.getAttempt());
            assertFalse(failed.hasProgress(), "attempt 1's late progress was not applied");
        }
    }

    @Test
    void aReportAboutATaskTheWorkerNeverHeldClosesTheStream() throws Exception {
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(unique("w"), 1, unique("x")).build());
            List<Long> before = taskState();
            w.send(completed(UUID.randomUUID().toString(), 1, text("forged")));
            assertEquals(Status.Code.FAILED_PRECONDITION, w.awaitClosed().getCode());
            assertEquals(before, taskState(), "no task, message, artifact or task event changed");
        }
    }

    @Test
    void aTaskCreatedWhileAWorkerIsIdleIsAssignedInTheTransactionThatCreatedIt() throws Exception {
        String agent = unique("idle");
        String project = project();
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(unique("w"), 1, agent).build());
            Task created = createTask(project, spec(agent));
            assertEquals(TaskStatus.TASK_STATUS_PENDING, created.getStatus(), "the reply is the task as created");
            assertEquals(created.getId(), w.next(ConnectResponse::hasAssignTask).getAssignTask().getTaskId());
            List<dev.agentgrid.proto.v1.Event> changes = statusChanges(created.getId());
            assertEquals(List.of("pending", "assigned"), changes.stream()
                    .map(e -> e.getData().getFieldsMap().get("status").getStringValue()).toList());
            // One transaction: one timestamp, and no other event between the two.
            assertEquals(changes.get(0).getTimestamp(), changes.get(1).getTimestamp());
            assertEquals(changes.get(0).getSeq() + 1, changes.get(1).getSeq());

            // With the slot taken, the next task waits for it, then goes to the same worker.
            Task next = createTask(project, spec(agent));
            assertEquals(TaskStatus.TASK_STATUS_PENDING, task(next.getId()).getStatus());
            assertTrue(w.received.poll(500, TimeUnit.MILLISECONDS) == null, "no second assignment with 1 slot");
        }
    }

    @Test
    void aTaskCreatedBehindAnOlderOneTheWorkerCannotTakeIsAssignedAtOnce() throws Exception {
        String agent = unique("behind");
        String project = project();
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(unique("w"), 1, agent).build());
            // Older and first in placement order, but for a label this worker lacks: the creating
            // transaction reads it among the candidates (with its project lock) and passes over it.
            Task gpuOnly = createTask(project, spec(agent).putLabelSelector("gpu", "true"));
            Task created = createTask(project, spec(agent));
            assertEquals(created.getId(), w.next(ConnectResponse::hasAssignTask).getAssignTask().getTaskId());
            assertEquals(TaskStatus.TASK_STATUS_PENDING, task(gpuOnly.getId()).getStatus());
            List<dev.agentgrid.proto.v1.Event> changes = statusChanges(created.getId());
            assertEquals(changes.get(0).getSeq() + 1, changes.get(1).getSeq(), "assigned by the creating transaction");
            assertEquals("assigned", changes.get(1).getData().getFieldsMap().get("status").getStringValue());
        }
    }

    private List<dev.agentgrid.proto.v1.Event> statusChanges(String taskId) {
        return client.events.listEvents(dev.agentgrid.proto.v1.ListEventsRequest.newBuilder().setTaskId(taskId)
                .addEventTypes("task_status_change").setPageSize(10).build()).getEventsList();
    }

    @Test
    void aTaskForAnAgentTypeNoWorkerServesStaysPending() throws Exception {
        Task lonely = createTask(project(), spec(unique("nobody")));
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(unique("w"), 4, unique("somebody")).build());
            assertTrue(w.received.poll(1500, TimeUnit.MILLISECONDS) == null, "nothing assigned");
            assertEquals(TaskStatus.TASK_STATUS_PENDING, task(lonely.getId()).getStatus());
        }
    }

    @Test
    void slotsAreNeverExceededUnderABurstAndLabelsAreRespected() throws Exception {
        String agent = unique("burst");
        String project = project();
        Task gpuOnly = createTask(project, spec(agent).putLabelSelector("gpu", "true").setPriority(100));
        for (int i = 0; i < 6; i++) {
            createTask(project, spec(agent));
        }
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(unique("w"), 2, agent).build());
            AssignTask a1 = w.next(ConnectResponse::hasAssignTask).getAssignTask();
            AssignTask a2 = w.next(ConnectResponse::hasAssignTask).getAssignTask();
            assertTrue(w.received.poll(1500, TimeUnit.MILLISECONDS) == null, "no third assignment with 2 slots");
            assertFalse(List.of(a1.getTaskId(), a2.getTaskId()).contains(gpuOnly.getId()), "no gpu label, no gpu task");
            w.send(accepted(a1));
            w.send(completed(a1.getTaskId(), 1, text("ok")));
            AssignTask a3 = w.next(ConnectResponse::hasAssignTask).getAssignTask();
            assertFalse(a3.getTaskId().equals(gpuOnly.getId()));
            assertTrue(w.received.poll(1000, TimeUnit.MILLISECONDS) == null, "a freed slot takes exactly one task");
        }
        try (WorkerDriver gpu = new WorkerDriver(client.channel)) {
            gpu.connect(WorkerDriver.hello(unique("gpu"), 1, agent).putLabels("gpu", "true").build());
            assertEquals(gpuOnly.getId(), gpu.next(ConnectResponse::hasAssignTask).getAssignTask().getTaskId(),
                    "highest priority first, and the label matches");
        }
    }

    @Test
    void aSecondConnectionWithTheSameIdSupersedesTheFirst() throws Exception {
        String id = unique("w");
        try (WorkerDriver first = new WorkerDriver(client.channel);
                WorkerDriver second = new WorkerDriver(client.channel)) {
            first.connect(WorkerDriver.hello(id, 1, "a").build());
            second.connect(WorkerDriver.hello(id, 1, "a").build());
            assertEquals(Status.Code.ABORTED, first.awaitClosed().getCode());
            assertEquals(WorkerStatus.WORKER_STATUS_ONLINE, client.workers.getWorker(GetWorkerRequest.newBuilder()
                    .setWorkerId(id).build()).getWorker().getStatus());
        }
    }

    @Test
    void aHeartbeatWithACaptureTimeJsonCannotCarryIsInvalidAndStoresNothing() throws Exception {
        String id = unique("w");
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(id, 1, "a").build());
            w.heartbeat(MetricsSnapshot.newBuilder().setCpuUsage(0.5)
                    .setCaptureTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)).build());
            Status closed = w.awaitClosed();
            assertEquals(Status.Code.INVALID_ARGUMENT, closed.getCode());
            assertTrue(closed.getDescription().contains("heartbeat.metrics"), closed.getDescription());
            assertFalse(client.workers.getWorker(GetWorkerRequest.newBuilder().setWorkerId(id).build()).getWorker()
                    .hasMetrics(), "nothing stored");
        }
    }

    @Test
    void aHeartbeatOfASessionAnotherReplicaTookOverClosesTheStreamAndChangesNothing() throws Exception {
        String id = unique("w");
        String otherId = unique("w");
        try (WorkerDriver w = new WorkerDriver(client.channel); WorkerDriver other = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(id, 1, "a").build());
            other.connect(WorkerDriver.hello(otherId, 1, "a").build());
            // What a reconnect to another replica leaves in the shared table.
            UUID elsewhere = UUID.randomUUID();
            store.write(c -> jdbc.prepareStatement("UPDATE workers SET session_id = ? WHERE id = ?", ps -> {
                ps.setObject(1, elsewhere);
                ps.setString(2, id);
                return ps.executeUpdate();
            }));
            w.heartbeat(MetricsSnapshot.newBuilder().setCpuUsage(0.75).build());
            other.heartbeat(MetricsSnapshot.newBuilder().setCpuUsage(0.5).build());
            assertEquals(Status.Code.FAILED_PRECONDITION, w.awaitClosed().getCode());
            var stored = client.workers.getWorker(GetWorkerRequest.newBuilder().setWorkerId(id).build()).getWorker();
            assertTrue(stored.getMetrics().getCpuUsage() != 0.75, "the stale session's metrics are not stored");
            // The worker in the same batch, or the next one, is current and stays connected.
            Poll.until(() -> client.workers.getWorker(GetWorkerRequest.newBuilder().setWorkerId(otherId).build())
                    .getWorker(), x -> x.getMetrics().getCpuUsage() == 0.5, WAIT);
            assertFalse(other.closed.isDone());
        }
    }

    @Test
    void aReconnectingWorkerKeepsItsAttemptsAndIsToldToCancelOthers() throws Exception {
        String agent = unique("long");
        String id = unique("w");
        Task created = createTask(project(), spec(agent));
        AssignTask a;
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(id, 1, agent).build());
            a = w.next(ConnectResponse::hasAssignTask).getAssignTask();
            w.send(accepted(a));
            awaitStatus(created.getId(), TaskStatus.TASK_STATUS_RUNNING);
        }
        Poll.until(() -> client.workers.getWorker(GetWorkerRequest.newBuilder().setWorkerId(id).build()).getWorker()
                .getStatus(), s -> s == WorkerStatus.WORKER_STATUS_OFFLINE, WAIT);
        String unknown = UUID.randomUUID().toString();
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            ConnectResponse welcome = w.connect(WorkerDriver.hello(id, 1, agent)
                    .addRunning(RunningAttempt.newBuilder().setTaskId(a.getTaskId()).setAttempt(1))
                    .addRunning(RunningAttempt.newBuilder().setTaskId(unknown).setAttempt(3)).build());
            assertEquals(List.of(a.getTaskId()), welcome.getWelcome().getKeptList().stream()
                    .map(RunningAttempt::getTaskId).toList());
            assertEquals(unknown, w.next(ConnectResponse::hasCancelTask).getCancelTask().getTaskId());
            assertEquals(TaskStatus.TASK_STATUS_RUNNING, task(created.getId()).getStatus());
            w.send(completed(a.getTaskId(), 1, text("finished after reconnect")));
            awaitStatus(created.getId(), TaskStatus.TASK_STATUS_COMPLETED);
        }
    }

    @Test
    void anAgentsQuestionWaitsForAHumanAndTheAnswerReachesTheWorker() throws Exception {
        String agent = unique("asker");
        String project = project();
        Task created = createTask(project, spec(agent));
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(unique("w"), 1, agent).build());
            AssignTask a = w.next(ConnectResponse::hasAssignTask).getAssignTask();
            w.send(accepted(a));
            HitlAsk ask = HitlAsk.newBuilder().setTaskId(a.getTaskId()).setAttempt(1).setAskId("q1")
                    .setQuestion("Use PostgreSQL?").addOptions("yes").addOptions("no").build();
            w.send(ConnectRequest.newBuilder().setHitlAsk(ask).build());
            w.send(ConnectRequest.newBuilder().setHitlAsk(ask).build()); // asked again: still one request
            awaitStatus(created.getId(), TaskStatus.TASK_STATUS_WAITING_FOR_HITL);
            var inbox = Poll.until(() -> client.hitl.listHitlRequests(ListHitlRequestsRequest.newBuilder()
                    .setTaskId(created.getId()).build()), r -> r.getRequestsCount() == 1, WAIT);
            assertEquals(List.of("yes", "no"), inbox.getRequests(0).getOptionsList());
            Poll.until(() -> client.agents.getAgentStatus(GetAgentStatusRequest.newBuilder().setAgentType(agent)
                    .build()).getAgent().getStatus(), s -> s == AgentStatus.AGENT_STATUS_WAITING_FOR_HITL, WAIT);

            client.hitl.respondHitlRequest(RespondHitlRequestRequest.newBuilder()
                    .setRequestId(inbox.getRequests(0).getId()).setAction(HitlAction.HITL_ACTION_AMEND)
                    .setResponseContent("use SQLite").build());
            var answer = w.next(ConnectResponse::hasHitlAnswer).getHitlAnswer();
            assertEquals("q1", answer.getAskId());
            assertEquals("use SQLite", answer.getContent());
            assertEquals(HitlAction.HITL_ACTION_AMEND, answer.getAction());
            awaitStatus(created.getId(), TaskStatus.TASK_STATUS_RUNNING);
            Poll.until(() -> client.hitl.listHitlRequests(ListHitlRequestsRequest.newBuilder()
                    .setTaskId(created.getId()).build()).getRequests(0), r -> r.getDelivered(), WAIT);
            assertEquals(HitlStatus.HITL_STATUS_AMENDED, client.hitl.listHitlRequests(ListHitlRequestsRequest
                    .newBuilder().setTaskId(created.getId()).build()).getRequests(0).getStatus());
        }
    }

    @Test
    void aDependentTaskRunsAfterItsUpstreamAndReceivesItsOutputAsContext() throws Exception {
        String analyst = unique("analyst");
        String architect = unique("architect");
        var created = client.projects.createProject(CreateProjectRequest.newBuilder().setName("pipeline")
                .addTasks(TaskSpec.newBuilder().setKey("spec").setAgentType(analyst).setInstructions("spec"))
                .addTasks(TaskSpec.newBuilder().setKey("plan").setAgentType(architect).setInstructions("plan")
                        .addDependsOn("spec"))
                .build());
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(unique("w"), 2, analyst, architect).build());
            AssignTask first = w.next(ConnectResponse::hasAssignTask).getAssignTask();
            assertEquals(created.getTasks(0).getId(), first.getTaskId(), "the dependent task waits");
            assertTrue(w.received.poll(1000, TimeUnit.MILLISECONDS) == null);
            w.send(accepted(first));
            w.send(completed(first.getTaskId(), 1, Value.newBuilder().setStructValue(Struct.newBuilder()
                    .putFields("requirements", text("socks"))).build()));
            AssignTask second = w.next(ConnectResponse::hasAssignTask).getAssignTask();
            assertEquals(created.getTasks(1).getId(), second.getTaskId());
            assertEquals(1, second.getContextCount());
            var handoff = second.getContext(0);
            assertEquals(analyst, handoff.getSourceAgent());
            assertEquals(architect, handoff.getTargetAgent());
            assertEquals("task_output", handoff.getHandoffType());
            assertEquals("socks", handoff.getContent().getStructValue().getFieldsMap().get("requirements")
                    .getStringValue());
        }
    }

    @Test
    void aTaskPlacedAtItsCreationGetsItsCompletedUpstreamOutputsInTheOrderARoundGives() throws Exception {
        String upstreamAgent = unique("up");
        String agent = unique("down");
        String project = project();
        createTask(project, spec(unique("unserved"))); // keeps the project open between the tasks
        List<String> upstream = new ArrayList<>();
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(unique("w"), 1, upstreamAgent, agent).build());
            for (int i = 0; i < 4; i++) {
                String id = createTask(project, spec(upstreamAgent)).getId();
                AssignTask a = w.next(ConnectResponse::hasAssignTask).getAssignTask();
                assertEquals(id, a.getTaskId());
                w.send(accepted(a));
                w.send(completed(id, 1, Value.newBuilder().setNumberValue(i).build()));
                awaitStatus(id, TaskStatus.TASK_STATUS_COMPLETED);
                upstream.add(id);
            }
            // The worker idles, so the new task is assigned in the transaction that creates it,
            // before its dependency edges are stored: its handoffs come from the request.
            List<String> asked = List.of(upstream.get(2), upstream.get(0), upstream.get(3), upstream.get(1));
            Task created = createTask(project, spec(agent).addAllDependsOn(asked));
            AssignTask assigned = w.next(ConnectResponse::hasAssignTask).getAssignTask();
            assertEquals(created.getId(), assigned.getTaskId());
            List<String> sources = assigned.getContextList().stream().map(c -> c.getSourceTaskId()).toList();
            List<String> expected = upstream.stream().map(UUID::fromString)
                    .sorted(dev.agentgrid.controlplane.task.NewlyCreated.UPSTREAM_ORDER).map(UUID::toString).toList();
            assertEquals(expected, sources, "the stored edges' order (NewlyCreatedOrderTest: the database's)");
            for (var c : assigned.getContextList()) {
                assertEquals(upstream.indexOf(c.getSourceTaskId()), (int) c.getContent().getNumberValue());
            }
            // Stored as assigned, with its edges.
            Task stored = awaitStatus(created.getId(), TaskStatus.TASK_STATUS_ASSIGNED);
            assertEquals(4, stored.getDependsOnCount());
        }
    }

    @Test
    void anApprovalGateBehindADependencyOpensOnlyWhenTheDependencyCompleted() throws Exception {
        String agent = unique("gated");
        var created = client.projects.createProject(CreateProjectRequest.newBuilder().setName("late gate")
                .addTasks(TaskSpec.newBuilder().setKey("plan").setAgentType(agent).setInstructions("plan"))
                .addTasks(TaskSpec.newBuilder().setKey("build").setAgentType(agent).setInstructions("build")
                        .addDependsOn("plan").setRequiresApproval(true).setApprovalQuestion("Plan OK?"))
                .build());
        String build = created.getTasks(1).getId();
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(unique("w"), 2, agent).build());
            AssignTask plan = w.next(ConnectResponse::hasAssignTask).getAssignTask();
            assertEquals(0, client.hitl.listHitlRequests(ListHitlRequestsRequest.newBuilder().setTaskId(build).build())
                    .getRequestsCount(), "no question before there is a plan");
            w.send(accepted(plan));
            w.send(completed(plan.getTaskId(), 1, text("the plan")));
            awaitStatus(build, TaskStatus.TASK_STATUS_WAITING_FOR_HITL);
            var gate = client.hitl.listHitlRequests(ListHitlRequestsRequest.newBuilder().setTaskId(build).build())
                    .getRequests(0);
            assertEquals("Plan OK?", gate.getQuestion());
            assertTrue(w.received.poll(500, TimeUnit.MILLISECONDS) == null, "not dispatched before approval");
            client.hitl.respondHitlRequest(RespondHitlRequestRequest.newBuilder().setRequestId(gate.getId())
                    .setAction(HitlAction.HITL_ACTION_APPROVE).build());
            assertEquals(build, w.next(ConnectResponse::hasAssignTask).getAssignTask().getTaskId());
        }
    }

    @Test
    void aUsersChatMessageReachesTheAgentAndTheConversationReadsBackInOrder() throws Exception {
        String agent = unique("chatty");
        Task created = createTask(project(), spec(agent));
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(unique("w"), 1, agent).build());
            AssignTask a = w.next(ConnectResponse::hasAssignTask).getAssignTask();
            w.send(accepted(a));
            awaitStatus(created.getId(), TaskStatus.TASK_STATUS_RUNNING);
            var sent = client.tasks.sendTaskMessage(dev.agentgrid.proto.v1.SendTaskMessageRequest.newBuilder()
                    .setTaskId(created.getId()).setContent("please add tests").build()).getMessage();
            assertEquals(TaskMessageKind.TASK_MESSAGE_KIND_USER, sent.getKind());
            var delivered = w.next(ConnectResponse::hasUserMessage).getUserMessage();
            assertEquals("please add tests", delivered.getContent());
            assertEquals(sent.getId(), delivered.getMessageId());
            w.send(ConnectRequest.newBuilder().setTaskOutput(TaskOutput.newBuilder().setTaskId(created.getId())
                    .setAttempt(1).addChunks(OutputChunk.newBuilder().setSequence(1)
                            .setStream(OutputStream.OUTPUT_STREAM_AGENT).setText("Sure, "))
                    .addChunks(OutputChunk.newBuilder().setSequence(2).setStream(OutputStream.OUTPUT_STREAM_AGENT)
                            .setText("adding tests."))).build());
            var conversation = Poll.until(() -> client.tasks.listTaskMessages(ListTaskMessagesRequest.newBuilder()
                    .setTaskId(created.getId()).build()).getMessagesList(), l -> l.size() == 2, WAIT);
            assertEquals(List.of("please add tests", "Sure, adding tests."),
                    conversation.stream().map(TaskMessage::getContent).toList());
            assertEquals(List.of(TaskMessageKind.TASK_MESSAGE_KIND_USER, TaskMessageKind.TASK_MESSAGE_KIND_AGENT),
                    conversation.stream().map(TaskMessage::getKind).toList());
        }
    }

    @Test
    void cancellingARunningTaskTellsItsWorkerAndDrainStopsNewWork() throws Exception {
        String agent = unique("drainee");
        String id = unique("w");
        String project = project();
        Task running = createTask(project, spec(agent));
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(id, 2, agent).build());
            AssignTask a = w.next(ConnectResponse::hasAssignTask).getAssignTask();
            w.send(accepted(a));
            awaitStatus(running.getId(), TaskStatus.TASK_STATUS_RUNNING);
            client.tasks.cancelTask(CancelTaskRequest.newBuilder().setTaskId(running.getId()).setReason("stop").build());
            var cancel = w.next(ConnectResponse::hasCancelTask).getCancelTask();
            assertEquals(running.getId(), cancel.getTaskId());
            assertEquals("stop", cancel.getReason());

            var drained = client.workers.drainWorker(DrainWorkerRequest.newBuilder().setWorkerId(id).build());
            assertEquals(WorkerStatus.WORKER_STATUS_DRAINING, drained.getWorker().getStatus());
            w.next(ConnectResponse::hasDrain);
            // (The project completed when its only task was cancelled; new work goes to another one.)
            Task later = createTask(project(), spec(agent));
            assertTrue(w.received.poll(1500, TimeUnit.MILLISECONDS) == null, "a draining worker gets no new work");
            assertEquals(TaskStatus.TASK_STATUS_PENDING, task(later.getId()).getStatus());
        }
    }

    @Test
    void aWorkerThatAnnouncesDrainingGetsNoNewWork() throws Exception {
        String agent = unique("leaving");
        String id = unique("w");
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(id, 2, agent).build());
            w.send(ConnectRequest.newBuilder().setDraining(Draining.newBuilder().setReason("SIGTERM")).build());
            Poll.until(() -> client.workers.getWorker(GetWorkerRequest.newBuilder().setWorkerId(id).build())
                    .getWorker().getStatus(), s -> s == WorkerStatus.WORKER_STATUS_DRAINING, WAIT);
            Task t = createTask(project(), spec(agent));
            assertTrue(w.received.poll(1500, TimeUnit.MILLISECONDS) == null);
            assertEquals(TaskStatus.TASK_STATUS_PENDING, task(t.getId()).getStatus());
        }
    }
}
