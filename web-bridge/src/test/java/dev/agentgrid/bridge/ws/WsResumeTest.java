package dev.agentgrid.bridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.bridge.testing.BridgeTestBase;
import dev.agentgrid.bridge.testing.Poll;
import dev.agentgrid.bridge.testing.ScriptedWorker;
import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.GetTaskRequest;
import dev.agentgrid.proto.v1.OutputStream;
import dev.agentgrid.proto.v1.TaskStatus;
import dev.agentgrid.bridge.testing.Received;
import dev.agentgrid.bridge.testing.WsClient;
import dev.agentgrid.proto.v1.CancelTaskRequest;
import dev.agentgrid.proto.v1.Event;
import dev.agentgrid.proto.v1.ListEventsRequest;
import dev.agentgrid.proto.v1.ListEventsResponse;
import dev.agentgrid.proto.v1.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reconnecting clients get exactly the durable events they missed, in order and once, then live
 * ones: from the bridge's ring when it reaches back far enough (16 events here), from the
 * plane's log when it does not, and a resync when the log cannot serve them.
 */
class WsResumeTest extends BridgeTestBase {
    @Override
    protected Map<String, String> bridgeProperties() {
        return Map.of("agentgrid.bridge.ring-size", "16");
    }

    /** The plane's own record of the durable events after {@code after} (project-filtered if given). */
    private List<Long> truth(long after, String projectId) {
        List<Long> seqs = new ArrayList<>();
        long cursor = after;
        while (true) {
            ListEventsRequest.Builder b = ListEventsRequest.newBuilder().setAfterSeq(cursor).setPageSize(1000);
            if (projectId != null) {
                b.setProjectId(projectId);
            }
            ListEventsResponse r = grpc().events.listEvents(b.build());
            for (Event e : r.getEventsList()) {
                seqs.add(e.getSeq());
            }
            if (r.getEventsCount() < 1000) {
                return seqs;
            }
            cursor = r.getLastSeq();
        }
    }

    /** Durable frames up to and including {@code lastSeq}, failing on anything out of order. */
    private static List<Long> durableUpTo(WsClient c, long lastSeq) throws InterruptedException {
        List<Long> seqs = new ArrayList<>();
        while (seqs.isEmpty() || seqs.get(seqs.size() - 1) < lastSeq) {
            Received r = c.next(Received::durable);
            seqs.add(r.seq());
        }
        return seqs;
    }

    private long historyPages() {
        return http.get("/healthz").json().get("event_stream").get("history_pages_read").getNumberValue().longValue();
    }

    /** A project that stays active: it keeps one pending task nobody runs. */
    private String activeProject(String name) {
        String project = newProject(name);
        newTask(project, "nobody-keeper", false);
        return project;
    }

    /** Makes {@code count} durable events in the project: task creations and cancellations. */
    private void churn(String project, int tasks) {
        for (int i = 0; i < tasks; i++) {
            Task t = newTask(project, "nobody-churn", false);
            grpc().tasks.cancelTask(CancelTaskRequest.newBuilder().setTaskId(t.getId()).build());
        }
    }

    private long lastDurable(WsClient c, String taskId) throws InterruptedException {
        return c.next(r -> r.durable() && taskId.equals(r.taskId()) && "cancelled".equals(r.dataText("status"))).seq();
    }

    @Test
    void aClientResumingWithAfterGetsExactlyTheEventsItMissedFromTheRingThenLiveOnes() throws Exception {
        String project = activeProject("resume");
        long seen;
        try (WsClient first = open("project_id=" + project)) {
            Task t = newTask(project, "nobody-resume", false);
            grpc().tasks.cancelTask(CancelTaskRequest.newBuilder().setTaskId(t.getId()).build());
            seen = lastDurable(first, t.getId());
        }
        churn(project, 2);
        newTask(activeProject("other"), "nobody-other", false);
        List<Long> missed = truth(seen, project);
        assertTrue(missed.size() >= 4, "events were missed: " + missed);
        long pagesBefore = historyPages();

        try (WsClient again = open("project_id=" + project + "&after=" + seen)) {
            assertEquals(missed, durableUpTo(again, missed.get(missed.size() - 1)), "exactly the missed ones, in order");
            assertEquals(pagesBefore, historyPages(), "served from the ring");
            Task live = newTask(project, "nobody-live", false);
            Received next = again.next(Received::durable);
            assertEquals(live.getId(), next.taskId(), "then live, with no duplicate in between");
            assertTrue(next.seq() > missed.get(missed.size() - 1));
        }
    }

    @Test
    void aClientThatDisconnectsMidRunGetsTheRestOfTheTasksLifeOnResume() throws Exception {
        try (ScriptedWorker worker = new ScriptedWorker(grpc().channel, "mid-run")) {
            String project = activeProject("mid-run");
            Task task = newTask(project, worker.agentType, false);
            long seen;
            AssignTask a;
            try (WsClient first = open("project_id=" + project)) {
                a = worker.acceptNext();
                seen = first.next(r -> task.getId().equals(r.taskId()) && "running".equals(r.dataText("status"))).seq();
            }
            worker.progress(a, 0.9, "almost");
            worker.output(a, OutputStream.OUTPUT_STREAM_STDOUT, "done soon\n", false);
            worker.complete(a, "ok");
            Poll.until(() -> grpc().tasks.getTask(GetTaskRequest.newBuilder().setTaskId(task.getId()).build())
                    .getTask().getStatus(), s -> s == TaskStatus.TASK_STATUS_COMPLETED, WAIT);
            List<Long> missed = truth(seen, project);
            try (WsClient again = open("project_id=" + project, Map.of("Last-Event-ID", Long.toString(seen)))) {
                List<Received> durable = new ArrayList<>();
                while (durable.isEmpty() || durable.get(durable.size() - 1).seq() < missed.get(missed.size() - 1)) {
                    durable.add(again.next(Received::durable));
                }
                assertEquals(missed, durable.stream().map(Received::seq).toList());
                assertTrue(durable.stream().anyMatch(r -> task.getId().equals(r.taskId())
                        && "completed".equals(r.dataText("status"))), "the task's completion was replayed");
            }
        }
    }

    @Test
    void aClientResumingWithTheLastEventIdHeaderGetsTheSame() throws Exception {
        String project = activeProject("last-event-id");
        long seen;
        try (WsClient first = open("project_id=" + project)) {
            Task t = newTask(project, "nobody-header", false);
            grpc().tasks.cancelTask(CancelTaskRequest.newBuilder().setTaskId(t.getId()).build());
            seen = lastDurable(first, t.getId());
        }
        churn(project, 1);
        List<Long> missed = truth(seen, project);
        try (WsClient again = open("project_id=" + project, Map.of("Last-Event-ID", Long.toString(seen)))) {
            assertEquals(missed, durableUpTo(again, missed.get(missed.size() - 1)));
        }
    }

    @Test
    void aResumeOlderThanTheRingIsServedFromThePlanesLog() throws Exception {
        String project = activeProject("old");
        long seen;
        try (WsClient first = open("project_id=" + project)) {
            Task t = newTask(project, "nobody-old", false);
            grpc().tasks.cancelTask(CancelTaskRequest.newBuilder().setTaskId(t.getId()).build());
            seen = lastDurable(first, t.getId());
        }
        // Well over the ring's 16 events, in this project and in another one.
        String other = activeProject("noise");
        churn(project, 8);
        churn(other, 8);
        List<Long> missed = truth(seen, project);
        long pagesBefore = historyPages();
        try (WsClient again = open("project_id=" + project + "&after=" + seen)) {
            assertEquals(missed, durableUpTo(again, missed.get(missed.size() - 1)));
            assertTrue(historyPages() > pagesBefore, "the plane's log was read");
            Task live = newTask(project, "nobody-after", false);
            assertEquals(live.getId(), again.next(Received::durable).taskId());
        }
        // A global client gets every project's events the same way.
        List<Long> everything = truth(seen, null);
        try (WsClient global = open("after=" + seen)) {
            assertEquals(everything, durableUpTo(global, everything.get(everything.size() - 1)));
        }
    }

    @Test
    void aSeqTheLogDoesNotHaveGetsAResyncThenLiveEvents() throws Exception {
        String project = activeProject("resync");
        try (WsClient c = open("project_id=" + project + "&after=999999999")) {
            Received resync = c.next("resync");
            assertNotNull(resync.dataText("reason"));
            assertNotNull(resync.dataText("latest_seq"));
            Task live = newTask(project, "nobody-resync", false);
            assertEquals(live.getId(), c.next(Received::durable).taskId());
        }
    }

    @Test
    void afterZeroReplaysAProjectsWholeHistory() throws Exception {
        String project = activeProject("from-zero");
        churn(project, 2);
        List<Long> all = truth(0, project);
        try (WsClient c = open("project_id=" + project + "&after=0")) {
            assertEquals(all, durableUpTo(c, all.get(all.size() - 1)));
        }
    }
}
