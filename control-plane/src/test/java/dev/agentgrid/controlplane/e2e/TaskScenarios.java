package dev.agentgrid.controlplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.agentgrid.controlplane.testing.EventCollector;
import dev.agentgrid.controlplane.testing.Poll;
import dev.agentgrid.proto.v1.Artifact;
import dev.agentgrid.proto.v1.ArchiveInfo;
import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.CreateProjectResponse;
import dev.agentgrid.proto.v1.DownloadArchiveRequest;
import dev.agentgrid.proto.v1.DownloadArchiveResponse;
import dev.agentgrid.proto.v1.Event;
import dev.agentgrid.proto.v1.EventServiceGrpc;
import dev.agentgrid.proto.v1.GetArtifactRequest;
import dev.agentgrid.proto.v1.GetProjectRequest;
import dev.agentgrid.proto.v1.HitlAction;
import dev.agentgrid.proto.v1.HitlKind;
import dev.agentgrid.proto.v1.HitlRequest;
import dev.agentgrid.proto.v1.HitlStatus;
import dev.agentgrid.proto.v1.ListArtifactsRequest;
import dev.agentgrid.proto.v1.ListEventsRequest;
import dev.agentgrid.proto.v1.ListHitlRequestsRequest;
import dev.agentgrid.proto.v1.ProjectStatus;
import dev.agentgrid.proto.v1.RespondHitlRequestRequest;
import dev.agentgrid.proto.v1.RetryPolicy;
import dev.agentgrid.proto.v1.SubscribeRequest;
import dev.agentgrid.proto.v1.Task;
import dev.agentgrid.proto.v1.TaskMessage;
import dev.agentgrid.proto.v1.TaskMessageKind;
import dev.agentgrid.proto.v1.TaskSpec;
import dev.agentgrid.proto.v1.TaskStatus;
import io.grpc.Context;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * What a user sees of tasks run by a real worker and real agent processes: output, progress,
 * artifacts, results, failures, questions to humans and a pipeline that hands results on. Run on
 * H2 and on PostgreSQL.
 */
abstract class TaskScenarios extends EndToEndTestBase {

    /** Emits plain output, agent messages, stderr, progress, a file artifact and a result, in that order. */
    private static final String REPORTING_AGENT = """
            #!/bin/sh
            set -eu
            IFS= read -r task
            echo "reading the task"
            printf '{"agentgrid":"progress","percent":25,"stage":"reading","message":"read the task"}\\n'
            printf '{"agentgrid":"message","text":"Thinking it over. "}\\n'
            echo "a note on stderr" >&2
            echo "writing the report"
            printf '# Report\\n\\nAll %s widgets work.\\n' 12 > report.md
            printf '{"agentgrid":"progress","percent":75,"stage":"writing","message":"wrote report.md"}\\n'
            printf '{"agentgrid":"artifact","name":"report.md","type":"report","media_type":"text/markdown","path":"report.md"}\\n'
            echo "done"
            printf '{"agentgrid":"result","output":{"answer":42,"report":"report.md"}}\\n'
            """;

    @Test
    void aCommandTaskStreamsOutputProgressAndAnArtifactAndCompletesWithItsResultInOrder() throws Exception {
        String type = unique("reporter");
        startOnline(worker("w").script(type, script("reporter.sh", REPORTING_AGENT)));

        // Live progress is telemetry (not in the log): watch the project the way a dashboard would.
        // The replayed project_created event shows the subscription is in place before the task exists.
        String projectId = client.projects.createProject(CreateProjectRequest.newBuilder().setName(unique("report"))
                .build()).getProject().getId();
        ConcurrentLinkedQueue<Event> live = new ConcurrentLinkedQueue<>();
        Context.CancellableContext watch = Context.current().withCancellation();
        try {
            watch.run(() -> EventServiceGrpc.newStub(client.channel).subscribe(SubscribeRequest.newBuilder()
                    .setAfterSeq(0).setProjectId(projectId).setIncludeLive(true).addEventTypes("workflow_event")
                    .addEventTypes("task_progress").build(), EventCollector.into(live)));
            Poll.until(() -> live.stream().anyMatch(e -> e.getEventType().equals("workflow_event")), x -> x, WAIT);
            Task created = createTask(projectId, TaskSpec.newBuilder().setAgentType(type)
                    .setInstructions("write the report"));
            Task done = awaitStatus(created.getId(), TaskStatus.TASK_STATUS_COMPLETED);

            assertEquals(1, done.getAttempt());
            assertEquals(Value.newBuilder().setStructValue(Struct.newBuilder()
                    .putFields("answer", Value.newBuilder().setNumberValue(42).build())
                    .putFields("report", Value.newBuilder().setStringValue("report.md").build())).build(),
                    done.getOutput());
            assertEquals(1.0, done.getProgress().getFraction());
            assertEquals("wrote report.md", done.getProgress().getMessage(), "the last progress message is kept");
            assertEquals(List.of("pending@1", "assigned@1", "running@1", "completed@1"),
                    statusChanges(created.getId()));

            // Output: what stdout and the agent's messages said, in order; stderr as its own stream.
            List<TaskMessage> msgs = messages(created.getId());
            assertTrue(msgs.stream().allMatch(m -> m.getAttempt() == 1), msgs.toString());
            assertEquals(List.of("STDOUT:reading the task\n", "AGENT:Thinking it over. ",
                    "STDOUT:writing the report\ndone\n"), runsWithout(msgs, TaskMessageKind.TASK_MESSAGE_KIND_STDERR));
            assertEquals("a note on stderr\n", text(msgs, TaskMessageKind.TASK_MESSAGE_KIND_STDERR));

            // The artifact, with the bytes the agent wrote.
            List<Artifact> artifacts = client.artifacts.listArtifacts(ListArtifactsRequest.newBuilder()
                    .setProjectId(done.getProjectId()).build()).getArtifactsList();
            assertEquals(1, artifacts.size(), artifacts.toString());
            Artifact listed = artifacts.get(0);
            assertEquals("report.md", listed.getName());
            assertEquals("report", listed.getArtifactType());
            assertEquals("text/markdown", listed.getMediaType());
            assertEquals(type, listed.getSourceAgent());
            assertEquals(created.getId(), listed.getTaskId());
            Artifact full = client.artifacts.getArtifact(GetArtifactRequest.newBuilder()
                    .setArtifactId(listed.getId()).build()).getArtifact();
            assertEquals("# Report\n\nAll 12 widgets work.\n", contentOf(full));

            List<String> progress = Poll.until(() -> progressOf(live, created.getId()), p -> p.size() >= 2, WAIT);
            assertEquals(List.of("0.25 reading: read the task", "0.75 writing: wrote report.md"), progress.subList(0, 2));
        } finally {
            watch.cancel(null);
        }
    }

    @Test
    void aFailingScriptFailsTheTaskWithItsStderrInTheError() throws Exception {
        String type = unique("failing");
        startOnline(worker("w").script(type, script("failing.sh", """
                #!/bin/sh
                IFS= read -r task
                echo "checking the widget"
                echo "fatal: the widget is broken" >&2
                exit 3
                """)));
        Task created = createTask(TaskSpec.newBuilder().setAgentType(type).setInstructions("check the widget")
                .setRetryPolicy(RetryPolicy.newBuilder().setMaximumAttempts(1)));

        Task failed = awaitStatus(created.getId(), TaskStatus.TASK_STATUS_FAILED);
        assertEquals(1, failed.getAttempt());
        assertTrue(failed.getError().getMessage().startsWith("exit code 3: "), failed.getError().getMessage());
        assertTrue(failed.getError().getMessage().contains("fatal: the widget is broken"),
                failed.getError().getMessage());
        assertTrue(failed.getStatusReason().contains("fatal: the widget is broken"), failed.getStatusReason());
        assertEquals(List.of("pending@1", "assigned@1", "running@1", "failed@1"), statusChanges(created.getId()));
        List<TaskMessage> msgs = messages(created.getId());
        assertEquals("checking the widget\n", text(msgs, TaskMessageKind.TASK_MESSAGE_KIND_STDOUT));
        assertEquals("fatal: the widget is broken\n", text(msgs, TaskMessageKind.TASK_MESSAGE_KIND_STDERR));
    }

    @Test
    void anAgentsQuestionIsAnsweredOverGrpcAndTheAnswerReachesTheAgentOnStdin() throws Exception {
        String type = unique("asker");
        startOnline(worker("w").script(type, script("asker.sh", """
                #!/bin/sh
                IFS= read -r task
                printf '{"agentgrid":"hitl","id":"colour","question":"Which colour shall the widget be?","options":["red","blue"],"payload":{"widget":"w-1"}}\\n'
                while IFS= read -r line; do
                  case "$line" in
                    *'"agentgrid":"hitl_answer"'*'"id":"colour"'*)
                      action="${line#*\\"action\\":\\"}"; action="${action%%\\"*}"
                      content="${line#*\\"content\\":\\"}"; content="${content%%\\"*}"
                      echo "the human said $action $content"
                      printf '{"agentgrid":"result","output":{"action":"%s","colour":"%s"}}\\n' "$action" "$content"
                      exit 0
                      ;;
                  esac
                done
                echo "stdin closed before an answer came" >&2
                exit 1
                """)));
        Task created = createTask(TaskSpec.newBuilder().setAgentType(type).setInstructions("paint the widget"));

        awaitStatus(created.getId(), TaskStatus.TASK_STATUS_WAITING_FOR_HITL);
        HitlRequest question = pendingQuestion(created.getId());
        assertEquals(HitlKind.HITL_KIND_QUESTION, question.getKind());
        assertEquals("Which colour shall the widget be?", question.getQuestion());
        assertEquals(List.of("red", "blue"), question.getOptionsList());
        assertEquals("w-1", question.getPayload().getFieldsMap().get("widget").getStringValue());
        assertEquals(1, question.getAttempt());

        client.hitl.respondHitlRequest(RespondHitlRequestRequest.newBuilder().setRequestId(question.getId())
                .setAction(HitlAction.HITL_ACTION_AMEND).setResponseContent("teal").setResponder("alice").build());

        Task done = awaitStatus(created.getId(), TaskStatus.TASK_STATUS_COMPLETED);
        assertEquals("amend", done.getOutput().getStructValue().getFieldsMap().get("action").getStringValue());
        assertEquals("teal", done.getOutput().getStructValue().getFieldsMap().get("colour").getStringValue());
        assertEquals("the human said amend teal\n", text(messages(created.getId()),
                TaskMessageKind.TASK_MESSAGE_KIND_STDOUT));
        assertEquals(List.of("pending@1", "assigned@1", "running@1", "waiting_for_hitl@1", "running@1",
                "completed@1"), statusChanges(created.getId()));
        HitlRequest answered = client.hitl.getHitlRequest(dev.agentgrid.proto.v1.GetHitlRequestRequest.newBuilder()
                .setRequestId(question.getId()).build()).getRequest();
        assertEquals(HitlStatus.HITL_STATUS_AMENDED, answered.getStatus());
        assertEquals("alice", answered.getResponder());
        assertTrue(answered.getDelivered(), "the answer reached the agent");
    }

    /**
     * One script for the three agents of a pipeline: it writes notes as an artifact and returns a
     * result holding its name, a token and the whole task it received (so its context handoffs).
     */
    private static final String PIPELINE_AGENT = """
            #!/bin/sh
            set -eu
            IFS= read -r task
            stage="${AGENTGRID_AGENT_TYPE%%-*}"
            printf 'Notes of stage %s.\\n' "$stage" > "notes-$stage.md"
            printf '{"agentgrid":"artifact","name":"notes-%s.md","type":"notes","media_type":"text/markdown","path":"notes-%s.md"}\\n' "$stage" "$stage"
            printf '{"agentgrid":"artifact","name":"facts.json","type":"facts","json":{"stage":"%s","token":"token-%s"}}\\n' "$stage" "$stage"
            printf '{"agentgrid":"result","output":{"stage":"%s","token":"token-%s","received":%s}}\\n' "$stage" "$stage" "$task"
            """;

    @Test
    void aThreeTaskPipelineHandsOutputsOnCompletesAndArchivesEveryAgentsArtifacts() throws Exception {
        String suffix = unique("p").substring(2);
        String a = "alpha-" + suffix;
        String b = "beta-" + suffix;
        String c = "gamma-" + suffix;
        Path agent = script("pipeline.sh", PIPELINE_AGENT);
        startOnline(worker("w").slots(2).script(a, agent).script(b, agent).script(c, agent));

        CreateProjectResponse created = client.projects.createProject(CreateProjectRequest.newBuilder()
                .setName(unique("pipeline")).setProductIdea("A pipeline that hands results on")
                .addTasks(TaskSpec.newBuilder().setKey("a").setAgentType(a).setInstructions("start"))
                .addTasks(TaskSpec.newBuilder().setKey("b").setAgentType(b).setInstructions("continue")
                        .addDependsOn("a"))
                .addTasks(TaskSpec.newBuilder().setKey("c").setAgentType(c).setInstructions("finish")
                        .addDependsOn("b"))
                .build());
        String projectId = created.getProject().getId();
        Task ta = created.getTasks(0);
        Task tb = created.getTasks(1);
        Task tc = created.getTasks(2);

        Poll.until(() -> client.projects.getProject(GetProjectRequest.newBuilder().setProjectId(projectId).build())
                .getProject().getStatus(), s -> s == ProjectStatus.PROJECT_STATUS_COMPLETED, WAIT);
        Task doneA = task(ta.getId());
        Task doneB = task(tb.getId());
        Task doneC = task(tc.getId());
        for (Task t : List.of(doneA, doneB, doneC)) {
            assertEquals(TaskStatus.TASK_STATUS_COMPLETED, t.getStatus(), describe(t));
        }
        // Each stage ran only after the one before it had completed.
        assertTrue(doneA.getFinishTime().getSeconds() * 1_000_000_000L + doneA.getFinishTime().getNanos()
                <= doneB.getStartTime().getSeconds() * 1_000_000_000L + doneB.getStartTime().getNanos());
        assertTrue(doneB.getFinishTime().getSeconds() * 1_000_000_000L + doneB.getFinishTime().getNanos()
                <= doneC.getStartTime().getSeconds() * 1_000_000_000L + doneC.getStartTime().getNanos());

        // a received nothing; b received a's result and a's artifacts; c received b's (which holds a's).
        assertEquals(0, received(doneA).getFieldsOrThrow("context").getListValue().getValuesCount());
        Map<String, Value> bGot = handoffs(received(doneB));
        assertEquals(Map.of("task_output", a, "notes", a, "facts", a), sources(received(doneB)));
        assertEquals("token-alpha", bGot.get("task_output").getStructValue().getFieldsOrThrow("token").getStringValue());
        assertEquals("Notes of stage alpha.\n", artifactContent(bGot.get("notes")));
        assertEquals("token-alpha", bGot.get("facts").getStructValue().getFieldsOrThrow("content").getStructValue()
                .getFieldsOrThrow("token").getStringValue());
        Map<String, Value> cGot = handoffs(received(doneC));
        assertEquals(Map.of("task_output", b, "notes", b, "facts", b), sources(received(doneC)));
        Struct bOutputSeenByC = cGot.get("task_output").getStructValue();
        assertEquals("token-beta", bOutputSeenByC.getFieldsOrThrow("token").getStringValue());
        assertEquals("token-alpha", handoffs(bOutputSeenByC.getFieldsOrThrow("received").getStructValue())
                .get("task_output").getStructValue().getFieldsOrThrow("token").getStringValue(),
                "what a handed to b travels on to c inside b's result");
        assertEquals("Notes of stage beta.\n", artifactContent(cGot.get("notes")));

        List<Event> workflow = client.events.listEvents(ListEventsRequest.newBuilder().setProjectId(projectId)
                .addEventTypes("workflow_event").setPageSize(100).build()).getEventsList();
        assertTrue(workflow.stream().anyMatch(e -> e.getData().getFieldsMap().get("event").getStringValue()
                .equals("project_completed")), workflow.toString());

        // The archive is generated on completion; wait for its event, then download it.
        Poll.until(() -> client.events.listEvents(ListEventsRequest.newBuilder().setProjectId(projectId)
                .addEventTypes("artifact_created").setPageSize(100).build()).getEventsList().stream()
                .anyMatch(e -> e.getData().getFieldsMap().containsKey("download_available")), found -> found, WAIT);
        Map<String, byte[]> zip = downloadArchive(projectId);
        String root = "project-" + projectId + "/";
        assertEquals(List.of(root + "README.md", root + "project-summary.json",
                root + a + "/notes-alpha.md", root + a + "/facts.json",
                root + b + "/notes-beta.md", root + b + "/facts.json",
                root + c + "/notes-gamma.md", root + c + "/facts.json"), List.copyOf(zip.keySet()));
        assertEquals("Notes of stage alpha.\n", new String(zip.get(root + a + "/notes-alpha.md"), StandardCharsets.UTF_8));
        assertEquals("Notes of stage gamma.\n", new String(zip.get(root + c + "/notes-gamma.md"), StandardCharsets.UTF_8));
        Struct facts = parse(new String(zip.get(root + b + "/facts.json"), StandardCharsets.UTF_8));
        assertEquals("token-beta", facts.getFieldsOrThrow("token").getStringValue());
        String readme = new String(zip.get(root + "README.md"), StandardCharsets.UTF_8);
        assertTrue(readme.contains(created.getProject().getName()), readme);
        assertTrue(readme.contains("`" + a + "/notes-alpha.md`"), readme);
        Struct summary = parse(new String(zip.get(root + "project-summary.json"), StandardCharsets.UTF_8));
        assertEquals(projectId, summary.getFieldsOrThrow("project_id").getStringValue());
        List<Value> summaryTasks = summary.getFieldsOrThrow("tasks").getListValue().getValuesList();
        assertEquals(3, summaryTasks.size());
        assertEquals("token-gamma", summaryTasks.stream().map(Value::getStructValue)
                .filter(t -> t.getFieldsOrThrow("agent_type").getStringValue().equals(c)).findFirst().orElseThrow()
                .getFieldsOrThrow("output").getStructValue().getFieldsOrThrow("token").getStringValue());
        assertEquals(6, summary.getFieldsOrThrow("artifacts").getListValue().getValuesCount());
    }

    // ---- helpers --------------------------------------------------------------------------------

    private HitlRequest pendingQuestion(String taskId) {
        return Poll.until(() -> client.hitl.listHitlRequests(ListHitlRequestsRequest.newBuilder().setTaskId(taskId)
                .addStatuses(HitlStatus.HITL_STATUS_PENDING).build()).getRequestsList(), l -> l.size() == 1, WAIT)
                .get(0);
    }

    /** Consecutive messages of the same kind joined, other than {@code skip}, as "KIND:text". */
    private static List<String> runsWithout(List<TaskMessage> msgs, TaskMessageKind skip) {
        List<String> runs = new ArrayList<>();
        TaskMessageKind last = null;
        for (TaskMessage m : msgs) {
            if (m.getKind() == skip) {
                continue;
            }
            String kind = m.getKind().name().substring("TASK_MESSAGE_KIND_".length());
            if (m.getKind() == last) {
                runs.set(runs.size() - 1, runs.get(runs.size() - 1) + m.getContent());
            } else {
                runs.add(kind + ":" + m.getContent());
            }
            last = m.getKind();
        }
        return runs;
    }

    private static String text(List<TaskMessage> msgs, TaskMessageKind kind) {
        StringBuilder out = new StringBuilder();
        msgs.stream().filter(m -> m.getKind() == kind).forEach(m -> out.append(m.getContent()));
        return out.toString();
    }

    private static String contentOf(Artifact a) {
        return switch (a.getContentCase()) {
            case TEXT -> a.getText();
            case BINARY -> a.getBinary().toStringUtf8();
            case JSON -> a.getJson().toString();
            case CONTENT_NOT_SET -> throw new AssertionError("artifact without content: " + a);
        };
    }

    private static List<String> progressOf(ConcurrentLinkedQueue<Event> live, String taskId) {
        List<String> out = new ArrayList<>();
        for (Event e : live) {
            Map<String, Value> d = e.getData().getFieldsMap();
            if (e.getEventType().equals("task_progress") && taskId.equals(e.getTaskId())) {
                out.add(d.get("fraction").getNumberValue() + " " + d.get("stage").getStringValue() + ": "
                        + d.get("message").getStringValue());
            }
        }
        return out;
    }

    /** The task JSON the agent received on stdin, as it echoed it into its result. */
    private static Struct received(Task t) {
        return t.getOutput().getStructValue().getFieldsOrThrow("received").getStructValue();
    }

    /** The context handoffs of a received task by handoff type (each type appears once here). */
    private static Map<String, Value> handoffs(Struct receivedTask) {
        Map<String, Value> out = new LinkedHashMap<>();
        for (Value h : receivedTask.getFieldsOrThrow("context").getListValue().getValuesList()) {
            Map<String, Value> f = h.getStructValue().getFieldsMap();
            out.put(f.get("handoff_type").getStringValue(), f.get("content"));
        }
        return out;
    }

    /** The source agent of each handoff type. */
    private static Map<String, String> sources(Struct receivedTask) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Value h : receivedTask.getFieldsOrThrow("context").getListValue().getValuesList()) {
            Map<String, Value> f = h.getStructValue().getFieldsMap();
            out.put(f.get("handoff_type").getStringValue(), f.get("source_agent").getStringValue());
        }
        return out;
    }

    /** An artifact handed on inline: its content as text (binary content arrives base64-encoded). */
    private static String artifactContent(Value handoff) {
        Map<String, Value> f = handoff.getStructValue().getFieldsMap();
        assertTrue(f.get("inlined").getBoolValue(), handoff.toString());
        String content = f.get("content").getStringValue();
        return switch (f.get("encoding").getStringValue()) {
            case "base64" -> new String(java.util.Base64.getDecoder().decode(content), StandardCharsets.UTF_8);
            case "text" -> content;
            default -> throw new AssertionError("unexpected encoding in " + handoff);
        };
    }

    /** Downloads the project's ZIP over DownloadArchive: an info message, then chunks. */
    private Map<String, byte[]> downloadArchive(String projectId) throws IOException {
        Iterator<DownloadArchiveResponse> stream = client.artifacts.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
                .downloadArchive(DownloadArchiveRequest.newBuilder().setProjectId(projectId).build());
        assertTrue(stream.hasNext(), "the download stream is empty");
        DownloadArchiveResponse first = stream.next();
        assertTrue(first.hasInfo(), "the first message describes the archive: " + first);
        ArchiveInfo info = first.getInfo();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (stream.hasNext()) {
            DownloadArchiveResponse part = stream.next();
            assertTrue(part.hasChunk(), "after the info only chunks follow: " + part);
            bytes.write(part.getChunk().toByteArray());
        }
        byte[] zip = bytes.toByteArray();
        assertEquals(info.getSizeBytes(), zip.length);
        assertEquals(projectId, info.getProjectId());
        assertEquals(info.getSha256(), java.util.HexFormat.of().formatHex(sha256(zip)));
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        assertEquals(info.getFileCount(), entries.size());
        return entries;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Struct parse(String json) throws IOException {
        Struct.Builder b = Struct.newBuilder();
        JsonFormat.parser().merge(json, b);
        return b.build();
    }
}
