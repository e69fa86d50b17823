package dev.agentgrid.bridge.rest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.bridge.testing.BridgeTestBase;
import dev.agentgrid.bridge.testing.Http;
import dev.agentgrid.bridge.testing.Poll;
import dev.agentgrid.bridge.testing.ScriptedWorker;
import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.ConnectResponse;
import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.GetTaskRequest;
import dev.agentgrid.proto.v1.HitlStatus;
import dev.agentgrid.proto.v1.ListHitlRequestsRequest;
import dev.agentgrid.proto.v1.OutputStream;
import dev.agentgrid.proto.v1.TaskSpec;
import dev.agentgrid.proto.v1.Task;
import dev.agentgrid.proto.v1.TaskStatus;
import io.micronaut.json.tree.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint of the seeds' REST contract against the real plane: the documented shape on
 * success (snake_case, lower-case statuses), and a problem document for bad input.
 */
class RestApiTest extends BridgeTestBase {
    private ScriptedWorker worker;
    private String project;
    private String doneTask;
    private String runningTask;
    private String pendingTask;
    private String gateRequest;

    @BeforeAll
    void fixtures() throws Exception {
        worker = new ScriptedWorker(grpc().channel, "rest");
        var created = grpc().projects.createProject(CreateProjectRequest.newBuilder().setName("rest-fixtures")
                .addTasks(TaskSpec.newBuilder().setKey("done").setAgentType(worker.agentType).setInstructions("finish"))
                .addTasks(TaskSpec.newBuilder().setKey("running").setAgentType(worker.agentType).setInstructions("run"))
                .addTasks(TaskSpec.newBuilder().setKey("gate").setAgentType("nobody-gate").setInstructions("wait")
                        .setRequiresApproval(true).setApprovalQuestion("Ship it?"))
                .addTasks(TaskSpec.newBuilder().setKey("pending").setAgentType("nobody-pending").setInstructions("idle"))
                .build());
        project = created.getProject().getId();
        doneTask = created.getTasks(0).getId();
        runningTask = created.getTasks(1).getId();
        String gateTask = created.getTasks(2).getId();
        pendingTask = created.getTasks(3).getId();

        AssignTask first = worker.acceptNext();
        AssignTask second = worker.acceptNext();
        AssignTask done = first.getTaskId().equals(doneTask) ? first : second;
        worker.output(done, OutputStream.OUTPUT_STREAM_AGENT, "Here is the spec.", true);
        worker.artifact(done, "spec.md", "spec", "# Spec\nA thing.");
        worker.complete(done, "finished");
        Poll.until(() -> grpc().tasks.getTask(GetTaskRequest.newBuilder().setTaskId(doneTask).build()).getTask()
                .getStatus(), s -> s == TaskStatus.TASK_STATUS_COMPLETED, WAIT);
        Poll.until(() -> grpc().tasks.getTask(GetTaskRequest.newBuilder().setTaskId(runningTask).build()).getTask()
                .getStatus(), s -> s == TaskStatus.TASK_STATUS_RUNNING, WAIT);
        gateRequest = Poll.until(() -> grpc().hitl.listHitlRequests(ListHitlRequestsRequest.newBuilder()
                .setTaskId(gateTask).addStatuses(HitlStatus.HITL_STATUS_PENDING).build()).getRequestsList(),
                l -> !l.isEmpty(), WAIT).get(0).getId();
    }

    @AfterAll
    void stopWorker() {
        worker.close();
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.values().spliterator(), false);
    }

    private static Set<String> keys(JsonNode node) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (Map.Entry<String, JsonNode> e : node.entries()) {
            out.add(e.getKey());
        }
        return out;
    }

    private static void assertShape(Http.Answer a, int status, String... fields) {
        assertEquals(status, a.status(), a.toString());
        assertTrue(a.contentType().startsWith("application/json"), a.contentType());
        Set<String> present = keys(a.json());
        for (String f : fields) {
            assertTrue(present.contains(f), "field " + f + " in " + a);
        }
        assertFalse(present.stream().anyMatch(k -> !k.equals(k.toLowerCase())), "snake_case fields: " + present);
    }

    Stream<Arguments> reads() {
        return Stream.of(
                Arguments.of("/api/v1/projects", List.of("projects", "next_page_token")),
                Arguments.of("/api/v1/projects/" + project, List.of("project_id", "status", "tasks", "artifacts")),
                Arguments.of("/api/v1/projects/" + project + "/completion", List.of("project_id", "completion_percentage",
                        "total_tasks", "completed_tasks", "artifacts_available")),
                Arguments.of("/api/v1/agents/status", List.of("agents")),
                Arguments.of("/api/v1/agents/status/" + worker.agentType, List.of("agent_type", "status", "current_task_id",
                        "last_activity")),
                Arguments.of("/api/v1/agents/status-history/" + worker.agentType, List.of("history", "next_page_token")),
                Arguments.of("/api/v1/artifacts/" + project + "/summary", List.of("artifacts")),
                Arguments.of("/api/v1/workflows/templates", List.of("templates")),
                Arguments.of("/api/v1/workflows/templates/default", List.of("id", "name", "content", "variables",
                        "sections")),
                Arguments.of("/api/v1/hitl/" + gateRequest, List.of("request_id", "question", "status")),
                Arguments.of("/api/v1/hitl/project/" + project + "/requests", List.of("requests", "pending_count")),
                Arguments.of("/api/v1/hitl?status=pending", List.of("requests", "pending_count")),
                Arguments.of("/api/v1/tasks?project_id=" + project, List.of("tasks", "next_page_token")),
                Arguments.of("/api/v1/tasks?project_id=" + project + "&status=completed,running&page_size=10",
                        List.of("tasks")),
                Arguments.of("/api/v1/tasks/" + doneTask, List.of("id", "project_id", "agent_type", "status", "output",
                        "created_at", "updated_at")),
                Arguments.of("/api/v1/tasks/" + doneTask + "/messages", List.of("messages", "next_page_token")),
                Arguments.of("/api/v1/workers", List.of("workers")),
                Arguments.of("/api/v1/workers/" + worker.id, List.of("id", "status", "metrics", "inventory", "agent_types")),
                Arguments.of("/api/v1/workers/" + worker.id + "/metrics", List.of("worker_id", "snapshots")),
                Arguments.of("/healthz", List.of("api_status", "control_plane_status", "db_status")),
                Arguments.of("/api/v1/healthz", List.of("api_status", "control_plane_status", "db_status")));
    }

    @ParameterizedTest(name = "GET {0}")
    @MethodSource("reads")
    void everyReadAnswersWithItsDocumentedShape(String path, List<String> fields) {
        assertShape(http.get(path), 200, fields.toArray(String[]::new));
    }

    @Test
    void readsUseTheSeedsValues() {
        JsonNode p = http.get("/api/v1/projects/" + project).json();
        assertEquals("active", p.get("status").getStringValue());
        assertEquals(4, p.get("tasks").size());
        assertEquals("spec.md", p.get("artifacts").get(0).get("name").getStringValue());
        JsonNode done = http.get("/api/v1/tasks/" + doneTask).json();
        assertEquals("completed", done.get("status").getStringValue());
        assertEquals("finished", done.get("output").getStringValue());
        assertEquals("running", http.get("/api/v1/tasks/" + runningTask).text("status"));
        JsonNode agent = http.get("/api/v1/agents/status/" + worker.agentType).json();
        assertEquals("working", agent.get("status").getStringValue());
        assertEquals(runningTask, agent.get("current_task_id").getStringValue());
        JsonNode summary = http.get("/api/v1/artifacts/" + project + "/summary").json().get("artifacts").get(0);
        assertEquals(Set.of("spec.md", "spec"), Set.of(summary.get("name").getStringValue(),
                summary.get("type").getStringValue()));
        assertEquals(15, summary.get("size").getNumberValue().intValue());
        JsonNode requests = http.get("/api/v1/hitl/project/" + project + "/requests").json();
        assertEquals(1, requests.get("pending_count").getNumberValue().intValue());
        assertEquals("Ship it?", requests.get("requests").get(0).get("question").getStringValue());
        JsonNode messages = http.get("/api/v1/tasks/" + doneTask + "/messages").json().get("messages");
        assertEquals("agent", messages.get(0).get("kind").getStringValue());
        assertEquals("Here is the spec.", messages.get(0).get("content").getStringValue());
        JsonNode w = http.get("/api/v1/workers/" + worker.id).json();
        assertEquals("online", w.get("status").getStringValue());
        assertEquals(0.25, w.get("metrics").get("cpu_usage").getNumberValue().doubleValue());
        JsonNode templates = http.get("/api/v1/workflows/templates").json().get("templates");
        assertTrue(keys(templates.get(0)).containsAll(Set.of("id", "name", "description", "version")));
    }

    @Test
    void filesUnderPublicOnTheClasspathAreServed() {
        // The dashboard lives in public/; this file is on the test classpath only.
        Http.Answer a = http.get("/static-check.txt");
        assertEquals(200, a.status());
        assertEquals("static resources are served\n", new String(a.bytes(), java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(a.headers().allValues("access-control-allow-origin").isEmpty(), "no CORS headers, ever");
    }

    @Test
    void aProjectFromAProductIdeaUsesTheDefaultTemplateAndStartsItsFirstTask() {
        Http.Answer a = http.post("/api/v1/projects", "{\"product_idea\":\"A chess club site\"}");
        assertShape(a, 201, "project_id", "status", "tasks");
        assertEquals("active", a.text("status"));
        assertEquals("default", a.text("template_id"));
        assertEquals("/api/v1/projects/" + a.text("project_id"), a.headers().firstValue("location").orElse(""));
        JsonNode first = a.json().get("tasks").get(0);
        assertEquals("analyst", first.get("agent_type").getStringValue());
        assertEquals("pending", first.get("status").getStringValue());
    }

    @Test
    void checkAndForceCompletion() {
        Http.Answer check = http.post("/api/v1/projects/" + project + "/check-completion", null);
        assertShape(check, 200, "is_complete", "completion_indicators");
        assertFalse(check.json().get("is_complete").getBooleanValue());

        String other = http.post("/api/v1/projects", "{\"product_idea\":\"Force me\"}").text("project_id");
        Http.Answer forced = http.post("/api/v1/projects/" + other + "/force-complete", null);
        assertShape(forced, 200, "status", "artifacts_generated");
        assertEquals("completed", forced.text("status"));
        Http.Answer again = http.post("/api/v1/projects/" + other + "/force-complete", null);
        assertEquals(409, again.status(), again.toString());
    }

    @Test
    void aTaskCreatedOverRestCanBeCancelledRetriedAndDeleted() {
        String own = http.post("/api/v1/projects", "{\"name\":\"rest-tasks\"}").text("project_id");
        newTask(own, "nobody-keeper", false);
        Http.Answer created = http.post("/api/v1/tasks", "{\"project_id\":\"" + own
                + "\",\"agent_type\":\"nobody-rest\",\"instructions\":\"wait\",\"priority\":5,\"input\":{\"k\":[1,2]},"
                + "\"label_selector\":{\"gpu\":\"true\"},\"max_attempts\":2,\"timeout_seconds\":60}");
        assertShape(created, 201, "id", "project_id", "agent_type", "instructions", "status", "created_at");
        String id = created.text("id");
        assertEquals("pending", created.text("status"));
        assertEquals(5, created.json().get("priority").getNumberValue().intValue());
        JsonNode k = created.json().get("input").get("k");
        assertEquals(2, k.size());
        assertEquals(2, k.get(1).getNumberValue().intValue());

        Http.Answer cancelled = http.post("/api/v1/tasks/" + id + "/cancel", "{\"reason\":\"not now\"}");
        assertEquals("cancelled", cancelled.text("status"), cancelled.toString());
        Http.Answer retried = http.post("/api/v1/tasks/" + id + "/retry", null);
        assertEquals("pending", retried.text("status"), retried.toString());
        assertEquals(2, retried.json().get("attempt").getNumberValue().intValue());
        Http.Answer deleted = http.delete("/api/v1/tasks/" + id, null);
        assertEquals(200, deleted.status(), deleted.toString());
        assertEquals("cancelled", deleted.text("status"));
    }

    @Test
    void aChatMessageOverRestReachesTheRunningAgentAndIsListed() throws Exception {
        Http.Answer sent = http.post("/api/v1/tasks/" + runningTask + "/messages", "{\"content\":\"status?\"}");
        assertShape(sent, 201, "id", "task_id", "kind", "content", "created_at");
        assertEquals("user", sent.text("kind"));
        assertEquals("status?", worker.next(ConnectResponse::hasUserMessage).getUserMessage().getContent());
        JsonNode messages = http.get("/api/v1/tasks/" + runningTask + "/messages?page_size=50").json().get("messages");
        assertTrue(stream(messages).anyMatch(m -> "status?".equals(m.get("content").getStringValue())));
    }

    @Test
    void aHitlRequestIsAnsweredOnceOverRest() {
        String own = newProject("rest-hitl");
        Task gated = newTask(own, "nobody-gated", true);
        String request = Poll.until(() -> grpc().hitl.listHitlRequests(ListHitlRequestsRequest.newBuilder()
                .setTaskId(gated.getId()).build()).getRequestsList(), l -> !l.isEmpty(), WAIT).get(0).getId();
        Http.Answer answered = http.post("/api/v1/hitl/" + request + "/respond",
                "{\"action\":\"amend\",\"response_content\":\"Ship it on Friday\"}");
        assertShape(answered, 200, "request_id", "new_status");
        assertEquals("amended", answered.text("new_status"));
        assertEquals("amended", http.get("/api/v1/hitl/" + request).text("status"));
        assertEquals("Ship it on Friday", grpc().tasks.getTask(GetTaskRequest.newBuilder().setTaskId(gated.getId())
                .build()).getTask().getInstructions(), "amend replaces the gated task's instructions");
        Http.Answer twice = http.post("/api/v1/hitl/" + request + "/respond", "{\"action\":\"reject\"}");
        assertEquals(409, twice.status(), twice.toString());
        assertEquals("FAILED_PRECONDITION", twice.text("code"));
    }

    @Test
    void anAgentStatusCanBeReset() {
        Http.Answer reset = http.post("/api/v1/agents/status/" + worker.agentType + "/reset", null);
        assertShape(reset, 200, "message", "status");
    }

    @Test
    void artifactsArePackedDownloadedAndCleanedUp() {
        Http.Answer generated = http.post("/api/v1/artifacts/" + project + "/generate", null);
        assertShape(generated, 200, "artifacts_generated", "zip_created", "download_available");
        Http.Answer zip = http.get("/api/v1/artifacts/" + project + "/download");
        assertEquals(200, zip.status());
        assertEquals("application/zip", zip.contentType());
        assertTrue(zip.headers().firstValue("content-disposition").orElse("").startsWith("attachment; filename="));
        assertArrayEquals(new byte[] {'P', 'K'}, java.util.Arrays.copyOf(zip.bytes(), 2));
        assertEquals(generated.json().get("size_bytes").getNumberValue().longValue(), zip.bytes().length);

        Http.Answer cleanup = http.delete("/api/v1/artifacts/cleanup-old", "{\"max_age_hours\":24}");
        assertShape(cleanup, 200, "cleaned_files", "freed_space_mb");
        String other = http.post("/api/v1/projects", "{\"product_idea\":\"Artifacts to delete\"}").text("project_id");
        grpc().artifacts.createArtifact(dev.agentgrid.proto.v1.CreateArtifactRequest.newBuilder().setProjectId(other)
                .setName("notes.txt").setText("bye").build());
        Http.Answer deleted = http.delete("/api/v1/artifacts/" + other + "/artifacts", null);
        assertShape(deleted, 200, "cleaned_files", "status");
        assertTrue(deleted.json().get("cleaned_files").getNumberValue().intValue() >= 1, deleted.toString());
    }

    @Test
    void aWorkerIsDrainedOverRest() throws Exception {
        try (ScriptedWorker other = new ScriptedWorker(grpc().channel, "drain")) {
            Http.Answer drained = http.post("/api/v1/workers/" + other.id + "/drain", "{\"reason\":\"maintenance\"}");
            assertShape(drained, 200, "id", "status");
            assertEquals("draining", drained.text("status"));
            other.next(ConnectResponse::hasDrain);
        }
    }

    Stream<Arguments> refusals() {
        String unknown = UUID.randomUUID().toString();
        return Stream.of(
                Arguments.of("POST", "/api/v1/projects", "{}", Map.of(), 400, "INVALID_ARGUMENT", "product_idea"),
                Arguments.of("POST", "/api/v1/projects", "not json", Map.of(), 400, "INVALID_ARGUMENT", "body"),
                Arguments.of("POST", "/api/v1/projects", "[1]", Map.of(), 400, "INVALID_ARGUMENT", "body"),
                Arguments.of("POST", "/api/v1/projects", "{\"product_idea\":5}", Map.of(), 400, "INVALID_ARGUMENT",
                        "product_idea"),
                Arguments.of("POST", "/api/v1/projects", "{\"product_idea\":\"x\"}", Map.of("Content-Type", "text/plain"),
                        415, "INVALID_ARGUMENT", null),
                Arguments.of("POST", "/api/v1/projects", "{\"product_idea\":\"x\"}", Map.of("Origin", "http://evil.example"),
                        403, "PERMISSION_DENIED", null),
                Arguments.of("GET", "/api/v1/projects/not-a-uuid", null, Map.of(), 400, "INVALID_ARGUMENT", "project_id"),
                Arguments.of("GET", "/api/v1/projects/" + unknown, null, Map.of(), 404, "NOT_FOUND", null),
                Arguments.of("GET", "/api/v1/projects?status=bogus", null, Map.of(), 400, "INVALID_ARGUMENT", "status"),
                Arguments.of("GET", "/api/v1/tasks?page_size=0", null, Map.of(), 400, "INVALID_ARGUMENT", "page_size"),
                Arguments.of("GET", "/api/v1/tasks?page_size=abc", null, Map.of(), 400, "INVALID_ARGUMENT", "page_size"),
                Arguments.of("POST", "/api/v1/tasks", "{\"project_id\":\"" + project + "\"}", Map.of(), 400,
                        "INVALID_ARGUMENT", "agent_type"),
                Arguments.of("POST", "/api/v1/tasks", "{\"project_id\":\"" + project
                        + "\",\"agent_type\":\"no spaces allowed\",\"instructions\":\"x\"}", Map.of(), 400,
                        "INVALID_ARGUMENT", null),
                Arguments.of("POST", "/api/v1/tasks", "{\"project_id\":\"" + unknown
                        + "\",\"agent_type\":\"a\",\"instructions\":\"x\"}", Map.of(), 404, "NOT_FOUND", null),
                Arguments.of("DELETE", "/api/v1/tasks/" + doneTask, null, Map.of(), 409, "FAILED_PRECONDITION", null),
                Arguments.of("POST", "/api/v1/tasks/" + doneTask + "/retry", null, Map.of(), 409, "FAILED_PRECONDITION",
                        null),
                Arguments.of("POST", "/api/v1/tasks/" + doneTask + "/messages", "{\"content\":\"hi\"}", Map.of(), 409,
                        "FAILED_PRECONDITION", null),
                Arguments.of("POST", "/api/v1/tasks/" + runningTask + "/messages", "{}", Map.of(), 400,
                        "INVALID_ARGUMENT", "content"),
                Arguments.of("POST", "/api/v1/hitl/" + unknown + "/respond", "{\"action\":\"maybe\"}", Map.of(), 400,
                        "INVALID_ARGUMENT", "action"),
                Arguments.of("POST", "/api/v1/hitl/" + unknown + "/respond", "{\"action\":\"approve\"}", Map.of(), 404,
                        "NOT_FOUND", null),
                Arguments.of("GET", "/api/v1/hitl/not-a-uuid", null, Map.of(), 400, "INVALID_ARGUMENT", "request_id"),
                Arguments.of("GET", "/api/v1/workers/no-such-worker", null, Map.of(), 404, "NOT_FOUND", null),
                Arguments.of("GET", "/api/v1/workers/" + worker.id + "/metrics?since=yesterday", null, Map.of(), 400,
                        "INVALID_ARGUMENT", "since"),
                Arguments.of("POST", "/api/v1/workers/no-such-worker/drain", null, Map.of(), 404, "NOT_FOUND", null),
                Arguments.of("DELETE", "/api/v1/artifacts/cleanup-old", "{\"max_age_hours\":0}", Map.of(), 400,
                        "INVALID_ARGUMENT", null),
                Arguments.of("DELETE", "/api/v1/artifacts/cleanup-old", "{\"max_age_hours\":\"a day\"}", Map.of(), 400,
                        "INVALID_ARGUMENT", "max_age_hours"),
                Arguments.of("GET", "/api/v1/agents/status-history/x?page_size=5000", null, Map.of(), 400,
                        "INVALID_ARGUMENT", "page_size"),
                Arguments.of("GET", "/api/v1/workflows/templates/no-such-template", null, Map.of(), 404, "NOT_FOUND", null),
                Arguments.of("GET", "/api/v1/artifacts/" + unknown + "/download", null, Map.of(), 404, "NOT_FOUND", null),
                Arguments.of("PUT", "/api/v1/tasks", "{}", Map.of(), 405, "UNIMPLEMENTED", null),
                Arguments.of("GET", "/api/v1/no-such-thing", null, Map.of(), 404, "NOT_FOUND", null));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {4}")
    @MethodSource("refusals")
    void badInputGetsAProblemDocument(String method, String path, String body, Map<String, String> headers, int status,
            String code, String field) {
        Http.Answer a = http.send(method, path, body, headers);
        assertEquals(status, a.status(), a.toString());
        assertTrue(a.contentType().startsWith("application/problem+json"), a.contentType() + " " + a);
        JsonNode problem = a.json();
        assertEquals(status, problem.get("status").getNumberValue().intValue());
        assertEquals(code, problem.get("code").getStringValue(), a.toString());
        assertNotNull(problem.get("type").getStringValue());
        assertNotNull(problem.get("title").getStringValue());
        assertNotNull(problem.get("detail").getStringValue());
        if (field != null) {
            assertTrue(stream(problem.get("violations"))
                    .anyMatch(v -> field.equals(v.get("field").getStringValue())), a.toString());
        }
        String text = a.toString();
        assertFalse(text.contains("Exception") || text.contains("\tat ") || text.contains("dev.agentgrid."),
                "no internals: " + text);
    }
}
