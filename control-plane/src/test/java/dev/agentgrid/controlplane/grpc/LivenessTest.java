package dev.agentgrid.controlplane.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.controlplane.testing.ControlPlaneTestBase;
import dev.agentgrid.controlplane.testing.MutableClock;
import dev.agentgrid.controlplane.testing.Poll;
import dev.agentgrid.controlplane.testing.WorkerDriver;
import dev.agentgrid.controlplane.worker.LivenessMonitor;
import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectResponse;
import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.CreateTaskRequest;
import dev.agentgrid.proto.v1.GetTaskRequest;
import dev.agentgrid.proto.v1.GetWorkerRequest;
import dev.agentgrid.proto.v1.HitlAction;
import dev.agentgrid.proto.v1.HitlAsk;
import dev.agentgrid.proto.v1.HitlStatus;
import dev.agentgrid.proto.v1.HitlTimeout;
import dev.agentgrid.proto.v1.ListEventsRequest;
import dev.agentgrid.proto.v1.ListHitlRequestsRequest;
import dev.agentgrid.proto.v1.MetricsSnapshot;
import dev.agentgrid.proto.v1.RetryPolicy;
import dev.agentgrid.proto.v1.Task;
import dev.agentgrid.proto.v1.TaskAccepted;
import dev.agentgrid.proto.v1.TaskError;
import dev.agentgrid.proto.v1.TaskResult;
import dev.agentgrid.proto.v1.TaskSpec;
import dev.agentgrid.proto.v1.TaskStatus;
import dev.agentgrid.proto.v1.WorkerStatus;
import io.grpc.Status;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Leases, timeouts, backoff and HITL deadlines on a fake clock: time moves only when the test
 * moves it, and the monitor's pass runs when the test calls it. Nothing here sleeps to let time
 * pass.
 */
abstract class LivenessTest extends ControlPlaneTestBase {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    MutableClock clock;
    @Inject
    LivenessMonitor monitor;

    private static String unique(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Task create(TaskSpec.Builder spec) {
        String project = client.projects.createProject(CreateProjectRequest.newBuilder().setName("liveness").build())
                .getProject().getId();
        return client.tasks.createTask(CreateTaskRequest.newBuilder().setProjectId(project).setTask(spec).build())
                .getTask();
    }

    private Task task(String id) {
        return client.tasks.getTask(GetTaskRequest.newBuilder().setTaskId(id).build()).getTask();
    }

    private AssignTask takeAndAccept(WorkerDriver w) throws InterruptedException {
        AssignTask a = w.next(ConnectResponse::hasAssignTask).getAssignTask();
        w.send(ConnectRequest.newBuilder().setTaskAccepted(TaskAccepted.newBuilder().setTaskId(a.getTaskId())
                .setAttempt(a.getAttempt())).build());
        Poll.until(() -> task(a.getTaskId()).getStatus(), s -> s == TaskStatus.TASK_STATUS_RUNNING, WAIT);
        return a;
    }

    /** Past the restart grace that follows the plane's start. */
    private void pastRestartGrace() {
        clock.advance(Duration.ofSeconds(60));
        monitor.check();
    }

    @Test
    void aWorkerSilentPastItsLeaseGoesOfflineAndItsTaskRunsAgainAsTheNextAttempt() throws Exception {
        pastRestartGrace();
        String agent = unique("lease");
        String id = unique("w");
        Task t = create(TaskSpec.newBuilder().setAgentType(agent).setInstructions("x"));
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(id, 1, agent).build());
            takeAndAccept(w);
            // Heartbeats keep it alive across several lease lengths.
            for (int i = 0; i < 5; i++) {
                clock.advance(Duration.ofSeconds(10));
                w.heartbeat(MetricsSnapshot.getDefaultInstance());
                Poll.until(() -> client.workers.getWorker(GetWorkerRequest.newBuilder().setWorkerId(id).build())
                        .getWorker().getLastHeartbeatTime().getSeconds(), s -> s == clock.instant().getEpochSecond(),
                        WAIT);
                monitor.check();
                assertEquals(TaskStatus.TASK_STATUS_RUNNING, task(t.getId()).getStatus());
            }
            clock.advance(Duration.ofSeconds(16));
            monitor.check();
            assertEquals(TaskStatus.TASK_STATUS_RUNNING, task(t.getId()).getStatus(), "16 s < 17 s lease");
            clock.advance(Duration.ofSeconds(2));
            monitor.check();
            Task retried = task(t.getId());
            assertEquals(TaskStatus.TASK_STATUS_PENDING, retried.getStatus());
            assertEquals(2, retried.getAttempt());
            assertTrue(retried.getStatusReason().contains("lost"), retried.getStatusReason());
            assertEquals(WorkerStatus.WORKER_STATUS_OFFLINE, client.workers.getWorker(GetWorkerRequest.newBuilder()
                    .setWorkerId(id).build()).getWorker().getStatus());
            assertEquals(Status.Code.UNAVAILABLE, w.awaitClosed().getCode(), "the half-open stream is closed");
            var events = client.events.listEvents(ListEventsRequest.newBuilder().setTaskId(t.getId()).setPageSize(100)
                    .build()).getEventsList();
            var last = events.get(events.size() - 1);
            assertEquals("pending", last.getData().getFieldsMap().get("status").getStringValue());
            assertTrue(last.getData().getFieldsMap().get("reason").getStringValue().contains("lease expired"));
        }
    }

    @Test
    void aWorkerBusySendingReportsStaysAliveThoughItsHeartbeatsWaitBehindThem() throws Exception {
        pastRestartGrace();
        String agent = unique("busy");
        String id = unique("w");
        Task t = create(TaskSpec.newBuilder().setAgentType(agent).setInstructions("x"));
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(id, 1, agent).build());
            AssignTask a = takeAndAccept(w);
            // No heartbeat at all, only progress reports: each renews the lease at most once per
            // heartbeat interval (5 s), so 10 s steps keep the worker and its attempt alive.
            for (int i = 1; i <= 4; i++) {
                clock.advance(Duration.ofSeconds(10));
                double fraction = i / 10.0;
                w.send(ConnectRequest.newBuilder().setTaskProgress(dev.agentgrid.proto.v1.TaskProgress.newBuilder()
                        .setTaskId(a.getTaskId()).setAttempt(a.getAttempt())
                        .setProgress(dev.agentgrid.proto.v1.Progress.newBuilder().setFraction(fraction))).build());
                Poll.until(() -> task(t.getId()).getProgress().getFraction(), f -> f == fraction, WAIT);
                // The renewal is written beside the report, not waited for by the stream.
                Poll.until(() -> client.workers.getWorker(GetWorkerRequest.newBuilder().setWorkerId(id).build())
                        .getWorker().getLastHeartbeatTime().getSeconds(), s -> s == clock.instant().getEpochSecond(),
                        WAIT);
                monitor.check();
                assertEquals(TaskStatus.TASK_STATUS_RUNNING, task(t.getId()).getStatus(), "after " + i * 10 + " s");
            }
            assertEquals(WorkerStatus.WORKER_STATUS_ONLINE, client.workers.getWorker(GetWorkerRequest.newBuilder()
                    .setWorkerId(id).build()).getWorker().getStatus());
            // Silence for a whole lease still loses it.
            clock.advance(Duration.ofSeconds(18));
            monitor.check();
            assertEquals(TaskStatus.TASK_STATUS_PENDING, task(t.getId()).getStatus());
        }
    }

    @Test
    void nothingIsDeclaredLostDuringTheGraceAfterThePlaneStarts() throws Exception {
        pastRestartGrace();
        String agent = unique("grace");
        Task held = create(TaskSpec.newBuilder().setAgentType(agent).setInstructions("x"));
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(unique("w"), 1, agent).build());
            takeAndAccept(w);
        }
        // Assigned at T with a 17 s lease. The plane restarts at T+10: its workers get a grace
        // (one lease) to come back, until T+27, even though the lease itself ends at T+17.
        clock.advance(Duration.ofSeconds(10));
        monitor.startGrace();
        clock.advance(Duration.ofSeconds(8));
        monitor.check();
        assertTrue(task(held.getId()).getLeaseExpireTime().getSeconds() < clock.instant().getEpochSecond(),
                "the lease ran out");
        assertEquals(TaskStatus.TASK_STATUS_RUNNING, task(held.getId()).getStatus(), "still within the grace");
        clock.advance(Duration.ofSeconds(10));
        monitor.check();
        assertEquals(TaskStatus.TASK_STATUS_PENDING, task(held.getId()).getStatus(), "grace over: lost");
    }

    @Test
    void anAttemptPastItsTimeoutFailsAsRetryableAndItsWorkerIsToldToStop() throws Exception {
        pastRestartGrace();
        String agent = unique("slow");
        Task t = create(TaskSpec.newBuilder().setAgentType(agent).setInstructions("x")
                .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(30)));
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(unique("w"), 1, agent).build());
            AssignTask a = takeAndAccept(w);
            clock.advance(Duration.ofSeconds(30));
            w.heartbeat(MetricsSnapshot.getDefaultInstance());
            Poll.until(() -> task(t.getId()).getLeaseExpireTime().getSeconds(),
                    s -> s > clock.instant().getEpochSecond(), WAIT);
            monitor.check();
            assertEquals(TaskStatus.TASK_STATUS_RUNNING, task(t.getId()).getStatus(), "within the slack");
            clock.advance(Duration.ofSeconds(6));
            w.heartbeat(MetricsSnapshot.getDefaultInstance());
            Poll.until(() -> task(t.getId()).getLeaseExpireTime().getSeconds(),
                    s -> s > clock.instant().getEpochSecond(), WAIT);
            monitor.check();
            Task timedOut = task(t.getId());
            assertEquals(TaskStatus.TASK_STATUS_PENDING, timedOut.getStatus());
            assertEquals(2, timedOut.getAttempt());
            assertTrue(timedOut.getError().getRetryable());
            assertTrue(timedOut.getError().getMessage().contains("timed out"));
            var cancel = w.next(ConnectResponse::hasCancelTask).getCancelTask();
            assertEquals(a.getAttempt(), cancel.getAttempt());
        }
    }

    @Test
    void aFailedAttemptWaitsOutItsBackoffBeforeTheNextAttemptIsPlaced() throws Exception {
        pastRestartGrace();
        String agent = unique("backoff");
        Task t = create(TaskSpec.newBuilder().setAgentType(agent).setInstructions("x")
                .setRetryPolicy(RetryPolicy.newBuilder().setMaximumAttempts(3)
                        .setInitialInterval(com.google.protobuf.Duration.newBuilder().setSeconds(10))));
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(unique("w"), 1, agent).build());
            AssignTask a = takeAndAccept(w);
            w.send(ConnectRequest.newBuilder().setTaskResult(TaskResult.newBuilder().setTaskId(a.getTaskId())
                    .setAttempt(1).setError(TaskError.newBuilder().setMessage("flaky").setRetryable(true))).build());
            Task pending = Poll.until(() -> task(t.getId()), x -> x.getStatus() == TaskStatus.TASK_STATUS_PENDING, WAIT);
            assertEquals(clock.instant().getEpochSecond() + 10, pending.getNotBefore().getSeconds());
            assertTrue(w.received.poll(1500, TimeUnit.MILLISECONDS) == null, "not placed during the backoff");
            clock.advance(Duration.ofSeconds(10));
            AssignTask second = w.next(ConnectResponse::hasAssignTask).getAssignTask();
            assertEquals(2, second.getAttempt());
        }
    }

    @Test
    void anUnansweredQuestionTakesItsDefaultActionAtItsDeadline() throws Exception {
        pastRestartGrace();
        String agent = unique("asker");
        Task t = create(TaskSpec.newBuilder().setAgentType(agent).setInstructions("x"));
        try (WorkerDriver w = new WorkerDriver(client.channel)) {
            w.connect(WorkerDriver.hello(unique("w"), 1, agent).build());
            AssignTask a = takeAndAccept(w);
            w.send(ConnectRequest.newBuilder().setHitlAsk(HitlAsk.newBuilder().setTaskId(a.getTaskId()).setAttempt(1)
                    .setAskId("q").setQuestion("Proceed?").setTimeout(HitlTimeout.newBuilder()
                            .setAfter(com.google.protobuf.Duration.newBuilder().setSeconds(60))
                            .setDefaultAction(HitlAction.HITL_ACTION_APPROVE))).build());
            Poll.until(() -> task(t.getId()).getStatus(), s -> s == TaskStatus.TASK_STATUS_WAITING_FOR_HITL, WAIT);
            clock.advance(Duration.ofSeconds(10));
            w.heartbeat(MetricsSnapshot.getDefaultInstance());
            Poll.until(() -> task(t.getId()).getLeaseExpireTime().getSeconds(),
                    s -> s > clock.instant().getEpochSecond(), WAIT);
            monitor.check();
            assertEquals(TaskStatus.TASK_STATUS_WAITING_FOR_HITL, task(t.getId()).getStatus());
            for (int i = 0; i < 5; i++) {
                clock.advance(Duration.ofSeconds(10));
                w.heartbeat(MetricsSnapshot.getDefaultInstance());
                Poll.until(() -> task(t.getId()).getLeaseExpireTime().getSeconds(),
                        s -> s > clock.instant().getEpochSecond(), WAIT);
            }
            monitor.check();
            var answer = w.next(ConnectResponse::hasHitlAnswer).getHitlAnswer();
            assertEquals(HitlAction.HITL_ACTION_APPROVE, answer.getAction());
            assertEquals(TaskStatus.TASK_STATUS_RUNNING, task(t.getId()).getStatus());
            assertEquals(HitlStatus.HITL_STATUS_TIMED_OUT, client.hitl.listHitlRequests(ListHitlRequestsRequest
                    .newBuilder().setTaskId(t.getId()).build()).getRequests(0).getStatus());
        }
    }
}
