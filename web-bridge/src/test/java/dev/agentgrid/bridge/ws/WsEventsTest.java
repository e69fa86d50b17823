package dev.agentgrid.bridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.bridge.testing.BridgeTestBase;
import dev.agentgrid.bridge.testing.Received;
import dev.agentgrid.bridge.testing.ScriptedWorker;
import dev.agentgrid.bridge.testing.WsClient;
import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.ConnectResponse;
import dev.agentgrid.proto.v1.OutputStream;
import dev.agentgrid.proto.v1.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What a dashboard sees on the socket while real tasks run on the real plane (driven by a
 * scripted worker): events in order, rooms, HITL answers and chat.
 */
class WsEventsTest extends BridgeTestBase {

    /** Frames accepted by {@code include}, in arrival order, until {@code done} holds for them. */
    private static List<Received> collect(WsClient c, Predicate<Received> include, Predicate<List<Received>> done)
            throws InterruptedException {
        List<Received> out = new ArrayList<>();
        while (!done.test(out)) {
            out.add(c.next(include));
        }
        return out;
    }

    private static int indexOf(List<Received> frames, Predicate<Received> which) {
        for (int i = 0; i < frames.size(); i++) {
            if (which.test(frames.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static Predicate<Received> status(String status) {
        return r -> "task_status_change".equals(r.type()) && status.equals(r.dataText("status"));
    }

    @Test
    void aClientSeesATasksWholeLifeInOrderWithItsAgentStatus() throws Exception {
        try (WsClient client = open("");
                ScriptedWorker worker = new ScriptedWorker(grpc().channel, "life")) {
            String project = newProject("life");
            Task task = newTask(project, worker.agentType, false);
            AssignTask a = worker.acceptNext();
            Predicate<Received> mine = r -> task.getId().equals(r.taskId())
                    || "agent_status_change".equals(r.type()) && worker.agentType.equals(r.dataText("agent_type"));
            // The agent status is recomputed after the commit (coalesced per interval): a task
            // shorter than that may never show WORKING, so this one keeps running until it did.
            List<Received> frames = new java.util.ArrayList<>(collect(client, mine, got -> indexOf(got,
                    r -> "agent_status_change".equals(r.type()) && "working".equals(r.dataText("status"))) >= 0));
            worker.progress(a, 0.5, "halfway");
            worker.output(a, OutputStream.OUTPUT_STREAM_STDOUT, "compiling\n", false);
            worker.output(a, OutputStream.OUTPUT_STREAM_AGENT, "Hello, ", false);
            worker.output(a, OutputStream.OUTPUT_STREAM_AGENT, "world", true);
            worker.complete(a, "done");

            frames.addAll(collect(client, mine, got -> indexOf(got, status("completed")) >= 0
                    && indexOf(got.subList(indexOf(got, status("completed")), got.size()),
                            r -> "agent_status_change".equals(r.type()) && "idle".equals(r.dataText("status"))) >= 0));

            List<String> statuses = frames.stream().filter(r -> "task_status_change".equals(r.type()))
                    .map(r -> r.dataText("status")).collect(Collectors.toList());
            assertEquals(List.of("pending", "assigned", "running", "completed"), statuses, "frames: " + frames);
            int running = indexOf(frames, status("running"));
            int completed = indexOf(frames, status("completed"));
            int progress = indexOf(frames, r -> "task_progress".equals(r.type()));
            int stdout = indexOf(frames, r -> "new_message".equals(r.type()) && "stdout".equals(r.dataText("stream")));
            int start = indexOf(frames, r -> "chat:start".equals(r.type()));
            int done = indexOf(frames, r -> "chat:done".equals(r.type()));
            assertTrue(running < progress && progress < stdout && stdout < start && start < done && done < completed,
                    "running, progress, output, chat, completed in order: " + frames);
            assertEquals("50", frames.get(progress).dataText("progress"));
            assertEquals("halfway", frames.get(progress).dataText("stage"));
            List<String> deltas = frames.stream().filter(r -> "chat:chunk".equals(r.type()))
                    .map(r -> r.dataText("delta")).toList();
            assertEquals(List.of("Hello, ", "world"), deltas);
            assertTrue(indexOf(frames, r -> "agent_status_change".equals(r.type())
                    && "working".equals(r.dataText("status"))) >= 0, "the agent type was working: " + frames);

            List<Long> seqs = frames.stream().filter(Received::durable).map(Received::seq).toList();
            for (int i = 1; i < seqs.size(); i++) {
                assertTrue(seqs.get(i) > seqs.get(i - 1), "durable seqs increase: " + seqs);
            }
            Received first = frames.get(0);
            assertEquals(project, first.projectId());
            assertNotNull(first.json().get("timestamp"));
            assertTrue(frames.stream().filter(r -> !r.durable()).allMatch(r -> r.json().get("seq").isNull()),
                    "live-only frames have seq null");
        }
    }

    @Test
    void theFirstFrameSaysWhereTheClientStandsAndTheSocketsLimits() throws Exception {
        String project = newProject("connected");
        try (WsClient c = WsClient.connect(ws("project_id=" + project), Map.of())) {
            Received connected = c.next(r -> true);
            assertEquals("connected", connected.type());
            assertEquals("[\"project:" + project + "\"]", connected.dataText("rooms"));
            long lastSeq = Long.parseLong(connected.dataText("last_seq"));
            assertTrue(lastSeq >= 1, connected.text());
            assertEquals("20", connected.dataText("ping_interval_seconds"));
            assertEquals("60", connected.dataText("idle_timeout_seconds"));
            assertEquals("65536", connected.dataText("max_frame_bytes"));
            Task t = newTask(project, "nobody-connected", false);
            // The project's own event may reach the bridge only after the socket connected; then it
            // follows too. Every durable frame up to the task's is past the resume point.
            Received first;
            do {
                first = c.next(Received::durable);
                assertTrue(first.seq() > lastSeq, "last_seq is a resume point: everything after it follows");
            } while (first.taskId() == null);
            assertEquals(t.getId(), first.taskId());
        }
    }

    @Test
    void roomsReceiveOnlyTheirEventsAndSubscribeFramesChangeThem() throws Exception {
        String p1 = newProject("room-a");
        String p2 = newProject("room-b");
        String p3 = newProject("room-c");
        try (WsClient c = open("project_id=" + p1)) {
            Task t1 = newTask(p1, "nobody-" + p1.substring(0, 8), false);
            newTask(p2, "nobody-" + p2.substring(0, 8), false);
            List<Received> skipped = new ArrayList<>();
            Received own = c.next(r -> t1.getId().equals(r.taskId()), skipped);
            assertEquals(p1, own.projectId());

            c.send("{\"type\":\"subscribe\",\"room\":\"project:" + p3 + "\",\"id\":1}");
            Received ack = c.next("ack");
            assertEquals("1", ack.id());
            assertTrue(ack.dataText("rooms").contains("project:" + p3), ack.text());
            c.send("{\"type\":\"unsubscribe\",\"room\":\"project:" + p1 + "\",\"id\":2}");
            assertEquals("2", c.next("ack").id());

            // Made after the acks: the socket's rooms have changed before the hub sees these.
            Task later1 = newTask(p1, "nobody-" + p1.substring(0, 8), false);
            newTask(p2, "nobody-" + p2.substring(0, 8), false);
            Task later3 = newTask(p3, "nobody-" + p3.substring(0, 8), false);
            Received next = c.next(r -> later3.getId().equals(r.taskId()), skipped);
            assertEquals(p3, next.projectId());
            // Events arrive in commit order: had p1's or p2's later task reached us, it would be skipped here.
            assertFalse(skipped.stream().anyMatch(r -> p2.equals(r.projectId())), "never project b: " + skipped);
            assertFalse(skipped.stream().anyMatch(r -> later1.getId().equals(r.taskId())), "not a after leaving it");
        }
    }

    @Test
    void aTaskRoomReceivesThatTaskOnly() throws Exception {
        String project = newProject("task-room");
        Task watched = newTask(project, "nobody-watched", false);
        try (WsClient c = open("task_id=" + watched.getId())) {
            newTask(project, "nobody-other", false);
            grpc().tasks.cancelTask(dev.agentgrid.proto.v1.CancelTaskRequest.newBuilder().setTaskId(watched.getId())
                    .build());
            List<Received> skipped = new ArrayList<>();
            Received cancelled = c.next(status("cancelled"), skipped);
            assertEquals(watched.getId(), cancelled.taskId());
            assertTrue(skipped.stream().allMatch(r -> watched.getId().equals(r.taskId())), "only the task: " + skipped);
        }
    }

    @Test
    void hitlRespondOverTheSocketAnswersTheRequestExactlyOnce() throws Exception {
        String project = newProject("hitl");
        try (WsClient c = open("project_id=" + project)) {
            Task gated = newTask(project, "nobody-gated", true);
            Received ask = c.next(r -> "hitl_request".equals(r.type()) && gated.getId().equals(r.taskId()));
            String requestId = ask.dataText("request_id");
            assertNotNull(ask.dataText("question"));

            c.send("{\"type\":\"hitl:respond\",\"id\":\"h1\",\"request_id\":\"" + requestId
                    + "\",\"action\":\"approve\",\"response_content\":\"go\"}");
            List<Received> before = new ArrayList<>();
            Received ack = c.next(r -> "h1".equals(r.id()), before);
            assertEquals("ack", ack.type(), ack.text());
            assertEquals("approved", ack.dataText("new_status"));
            // The event and the ack race: the event is published when the answer commits.
            Received answered = before.stream().filter(r -> "hitl_response".equals(r.type())).findFirst()
                    .orElseGet(() -> {
                        try {
                            return c.next("hitl_response");
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    });
            assertEquals(requestId, answered.dataText("request_id"));
            assertEquals("approve", answered.dataText("action"));

            c.send("{\"type\":\"hitl:respond\",\"id\":\"h2\",\"request_id\":\"" + requestId + "\",\"action\":\"reject\"}");
            Received again = c.next(r -> "h2".equals(r.id()));
            assertEquals("error", again.type());
            assertEquals("FAILED_PRECONDITION", again.dataText("code"));
            c.send("{\"type\":\"ping\",\"id\":\"still-open\"}");
            assertEquals("ack", c.next(r -> "still-open".equals(r.id())).type());
        }
    }

    @Test
    void chatSendReachesTheWorkerAndTheReplyStreamsBackAsChatFrames() throws Exception {
        try (ScriptedWorker worker = new ScriptedWorker(grpc().channel, "chat")) {
            String project = newProject("chat");
            Task task = newTask(project, worker.agentType, false);
            AssignTask a = worker.acceptNext();
            // A socket in another project's room: chat:send joins the task's room for the reply.
            try (WsClient c = open("project_id=" + newProject("elsewhere"))) {
                waitRunning(task.getId());
                c.send("{\"type\":\"chat:send\",\"id\":\"m1\",\"task_id\":\"" + task.getId()
                        + "\",\"content\":\"please add tests\"}");
                Received ack = c.next(r -> "m1".equals(r.id()));
                assertEquals("ack", ack.type(), ack.text());
                assertNotNull(ack.dataText("message_id"));

                ConnectResponse user = worker.next(ConnectResponse::hasUserMessage);
                assertEquals("please add tests", user.getUserMessage().getContent());
                worker.output(a, OutputStream.OUTPUT_STREAM_AGENT, "Sure", false);
                worker.output(a, OutputStream.OUTPUT_STREAM_AGENT, ", adding tests.", true);

                Predicate<Received> chat = r -> r.type().startsWith("chat:") && task.getId().equals(r.taskId());
                List<Received> frames = collect(c, chat, got -> !got.isEmpty()
                        && "chat:done".equals(got.get(got.size() - 1).type()));
                assertEquals(List.of("chat:start", "chat:chunk", "chat:chunk", "chat:done"),
                        frames.stream().map(Received::type).toList());
                assertEquals("Sure", frames.get(1).dataText("delta"));
                assertEquals(", adding tests.", frames.get(2).dataText("delta"));
                worker.complete(a, "ok");
            }
        }
    }

    @Test
    void chatSendToAFinishedTaskGetsAnErrorAndAChatError() throws Exception {
        String project = newProject("chat-done");
        Task task = newTask(project, "nobody-chat", false);
        grpc().tasks.cancelTask(dev.agentgrid.proto.v1.CancelTaskRequest.newBuilder().setTaskId(task.getId()).build());
        try (WsClient c = open("")) {
            c.send("{\"type\":\"chat:send\",\"id\":\"late\",\"task_id\":\"" + task.getId() + "\",\"content\":\"hi\"}");
            Received error = c.next(r -> "late".equals(r.id()) && "error".equals(r.type()));
            assertEquals("FAILED_PRECONDITION", error.dataText("code"));
            Received chatError = c.next(r -> "late".equals(r.id()) && "chat:error".equals(r.type()));
            assertEquals(task.getId(), chatError.dataText("task_id"));
        }
    }

    @Test
    void aTaskThatFailsWhileAReplyIsOpenEndsItWithChatError() throws Exception {
        try (ScriptedWorker worker = new ScriptedWorker(grpc().channel, "chat-fail");
                WsClient c = open("")) {
            Task task = newTask(newProject("chat-fail"), worker.agentType, false);
            AssignTask a = worker.acceptNext();
            worker.output(a, OutputStream.OUTPUT_STREAM_AGENT, "Let me", false);
            worker.fail(a, "model crashed");
            Predicate<Received> chat = r -> r.type().startsWith("chat:") && task.getId().equals(r.taskId());
            List<Received> frames = collect(c, chat, got -> !got.isEmpty()
                    && "chat:error".equals(got.get(got.size() - 1).type()));
            assertEquals(List.of("chat:start", "chat:chunk", "chat:error"), frames.stream().map(Received::type).toList());
            assertTrue(frames.get(2).dataText("message").contains("failed"), frames.get(2).text());
        }
    }

    @Test
    void chatCancelCancelsTheRunningTask() throws Exception {
        try (ScriptedWorker worker = new ScriptedWorker(grpc().channel, "cancel");
                WsClient c = open("")) {
            Task task = newTask(newProject("cancel"), worker.agentType, false);
            worker.acceptNext();
            waitRunning(task.getId());
            c.send("{\"type\":\"chat:cancel\",\"id\":\"stop\",\"task_id\":\"" + task.getId() + "\"}");
            Received ack = c.next(r -> "stop".equals(r.id()));
            assertEquals("ack", ack.type(), ack.text());
            assertEquals("cancelled", ack.dataText("status"));
            assertEquals(task.getId(), worker.next(ConnectResponse::hasCancelTask).getCancelTask().getTaskId());
        }
    }

    private void waitRunning(String taskId) {
        dev.agentgrid.bridge.testing.Poll.until(() -> grpc().tasks.getTask(dev.agentgrid.proto.v1.GetTaskRequest
                .newBuilder().setTaskId(taskId).build()).getTask().getStatus(),
                s -> s == dev.agentgrid.proto.v1.TaskStatus.TASK_STATUS_RUNNING, WAIT);
    }

    @Test
    void refusedUpgradesAreHttpProblems() {
        WsClient.Refusal foreign = WsClient.refused(ws(""), Map.of("Origin", "http://evil.example"));
        assertEquals(403, foreign.status());
        WsClient.Refusal badProject = WsClient.refused(ws("project_id=not-a-uuid"), Map.of());
        assertEquals(400, badProject.status());
        WsClient.Refusal badAfter = WsClient.refused(ws("after=-3"), Map.of());
        assertEquals(400, badAfter.status());
        WsClient.Refusal twoRooms = WsClient.refused(ws("project_id=" + java.util.UUID.randomUUID() + "&worker_id=w"),
                Map.of());
        assertEquals(400, twoRooms.status());
    }

    @Test
    void allowedOriginsAndClientsWithoutAnOriginConnect() throws Exception {
        try (WsClient browser = open("", Map.of("Origin", "http://localhost:8080"));
                WsClient other = open("", Map.of("Origin", "http://127.0.0.1:8080"));
                WsClient sdk = open("")) {
            for (WsClient c : List.of(browser, other, sdk)) {
                c.send("{\"type\":\"ping\",\"id\":\"p\"}");
                assertEquals("ack", c.next(r -> "p".equals(r.id())).type());
            }
        }
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> malformedFrames() {
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("not json at all", null, "INVALID_ARGUMENT", null),
                org.junit.jupiter.params.provider.Arguments.of("[1, 2]", null, "INVALID_ARGUMENT", null),
                org.junit.jupiter.params.provider.Arguments.of("{\"id\":\"a\"}", "a", "INVALID_ARGUMENT", "type"),
                org.junit.jupiter.params.provider.Arguments.of("{\"type\":\"bogus\",\"id\":\"b\"}", "b", "INVALID_ARGUMENT", "type"),
                org.junit.jupiter.params.provider.Arguments.of("{\"type\":\"subscribe\",\"id\":7}", "7", "INVALID_ARGUMENT", "room"),
                org.junit.jupiter.params.provider.Arguments.of("{\"type\":\"subscribe\",\"id\":\"c\",\"room\":\"project:nope\"}", "c",
                        "INVALID_ARGUMENT", "room"),
                org.junit.jupiter.params.provider.Arguments.of("{\"type\":\"hitl:respond\",\"id\":\"d\",\"request_id\":\"x\",\"action\":\"maybe\"}",
                        "d", "INVALID_ARGUMENT", "action"),
                org.junit.jupiter.params.provider.Arguments.of("{\"type\":\"hitl:respond\",\"id\":\"e\",\"request_id\":\"x\",\"action\":\"approve\"}",
                        "e", "INVALID_ARGUMENT", "request_id"),
                org.junit.jupiter.params.provider.Arguments.of("{\"type\":\"hitl:respond\",\"id\":\"f\",\"request_id\":\""
                        + java.util.UUID.randomUUID() + "\",\"action\":\"approve\"}", "f", "NOT_FOUND", null),
                org.junit.jupiter.params.provider.Arguments.of("{\"type\":\"chat:send\",\"id\":\"g\",\"task_id\":\"t\"}", "g",
                        "INVALID_ARGUMENT", "content"),
                org.junit.jupiter.params.provider.Arguments.of("{\"type\":\"chat:cancel\",\"id\":\"h\",\"task_id\":\""
                        + java.util.UUID.randomUUID() + "\"}", "h", "NOT_FOUND", null),
                org.junit.jupiter.params.provider.Arguments.of("{\"type\":\"ping\",\"id\":{\"nested\":1}}", null, "INVALID_ARGUMENT", "id"));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("malformedFrames")
    void aBadClientFrameGetsAnErrorFrameAndTheSocketStaysOpen(String frame, String id, String code, String field)
            throws Exception {
        try (WsClient c = open("")) {
            c.send(frame);
            Received error = c.next("error");
            assertEquals(id, error.id(), error.text());
            assertEquals(code, error.dataText("code"), error.text());
            assertNotNull(error.dataText("message"));
            if (field != null) {
                assertTrue(error.dataText("violations").contains("\"field\":\"" + field + "\""), error.text());
            }
            c.send("{\"type\":\"ping\",\"id\":\"after\"}");
            assertEquals("ack", c.next(r -> "after".equals(r.id())).type());
            assertFalse(c.closed.isDone());
        }
    }

    @Test
    void aBinaryMessageGetsAnErrorFrame() throws Exception {
        try (WsClient c = open("")) {
            c.sendBinary(new byte[] {1, 2, 3});
            Received error = c.next("error");
            assertTrue(error.dataText("message").contains("binary"), error.text());
            c.send("{\"type\":\"ping\",\"id\":\"after\"}");
            assertEquals("ack", c.next(r -> "after".equals(r.id())).type());
        }
    }

    @Test
    void aFragmentedMessageIsJoined() throws Exception {
        try (WsClient c = open("")) {
            c.sendFragments("{\"type\":", "\"ping\",", "\"id\":\"frag\"}");
            assertEquals("ack", c.next(r -> "frag".equals(r.id())).type());
        }
    }

    @Test
    void aMessageOverTheSizeLimitClosesTheSocketWith1009() throws Exception {
        try (WsClient c = open("")) {
            c.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(70 * 1024) + "\"}");
            WsClient.Closed closed = c.awaitClosed();
            assertEquals(1009, closed.code(), closed.toString());
            assertTrue(closed.reason().contains("too big"), closed.reason());
        }
        try (WsClient c = open("")) {
            // Fragments count together.
            c.sendFragments("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(40 * 1024), "x".repeat(40 * 1024) + "\"}");
            assertEquals(1009, c.awaitClosed().code());
        }
    }
}
