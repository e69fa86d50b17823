package dev.agentgrid.controlplane.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import com.google.rpc.BadRequest;
import dev.agentgrid.controlplane.testing.ControlPlaneTestBase;
import dev.agentgrid.controlplane.testing.GrpcClient;
import dev.agentgrid.proto.v1.AgentStatusServiceGrpc.AgentStatusServiceBlockingStub;
import dev.agentgrid.proto.v1.ArtifactServiceGrpc.ArtifactServiceBlockingStub;
import dev.agentgrid.proto.v1.CancelProjectRequest;
import dev.agentgrid.proto.v1.CancelTaskRequest;
import dev.agentgrid.proto.v1.CheckCompletionRequest;
import dev.agentgrid.proto.v1.CreateArtifactRequest;
import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.CreateProjectResponse;
import dev.agentgrid.proto.v1.CreateTaskRequest;
import dev.agentgrid.proto.v1.CreateTasksRequest;
import dev.agentgrid.proto.v1.EventServiceGrpc.EventServiceBlockingStub;
import dev.agentgrid.proto.v1.ForceCompleteRequest;
import dev.agentgrid.proto.v1.GetAgentStatusHistoryRequest;
import dev.agentgrid.proto.v1.GetAgentStatusRequest;
import dev.agentgrid.proto.v1.GetArtifactRequest;
import dev.agentgrid.proto.v1.GetHitlRequestRequest;
import dev.agentgrid.proto.v1.GetProjectRequest;
import dev.agentgrid.proto.v1.GetTaskRequest;
import dev.agentgrid.proto.v1.GetWorkerMetricsHistoryRequest;
import dev.agentgrid.proto.v1.GetWorkerRequest;
import dev.agentgrid.proto.v1.HitlAction;
import dev.agentgrid.proto.v1.HitlServiceGrpc.HitlServiceBlockingStub;
import dev.agentgrid.proto.v1.HitlStatus;
import dev.agentgrid.proto.v1.ListArtifactsRequest;
import dev.agentgrid.proto.v1.ListEventsRequest;
import dev.agentgrid.proto.v1.ListHitlRequestsRequest;
import dev.agentgrid.proto.v1.ListProjectsRequest;
import dev.agentgrid.proto.v1.ListTaskMessagesRequest;
import dev.agentgrid.proto.v1.ListTasksRequest;
import dev.agentgrid.proto.v1.ListWorkersRequest;
import dev.agentgrid.proto.v1.ProjectServiceGrpc.ProjectServiceBlockingStub;
import dev.agentgrid.proto.v1.ProjectStatus;
import dev.agentgrid.proto.v1.ResetAgentStatusRequest;
import dev.agentgrid.proto.v1.RespondHitlRequestRequest;
import dev.agentgrid.proto.v1.RetryPolicy;
import dev.agentgrid.proto.v1.RetryTaskRequest;
import dev.agentgrid.proto.v1.SubscribeRequest;
import dev.agentgrid.proto.v1.Task;
import dev.agentgrid.proto.v1.TaskServiceGrpc.TaskServiceBlockingStub;
import dev.agentgrid.proto.v1.TaskSpec;
import dev.agentgrid.proto.v1.TaskStatus;
import dev.agentgrid.proto.v1.WorkerAdminServiceGrpc.WorkerAdminServiceBlockingStub;
import dev.agentgrid.proto.v1.WorkerStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every admin RPC refuses bad input with the code the contract implies, names the offending fields
 * in a {@code google.rpc.BadRequest} for INVALID_ARGUMENT, shows no stack trace, and changes
 * nothing: not a row, not an event. Runs against a real control plane over real gRPC; the
 * subclasses choose the database.
 *
 * <p>The limits below are written out from the contract's comments (agentgrid/v1/*.proto), not
 * read from the implementation, so that a drifting limit fails here.
 */
abstract class BadInputTest extends ControlPlaneTestBase {
    /** A call that misbehaves fails at this deadline instead of hanging the build. */
    private static final long DEADLINE_SECONDS = 30;

    private static final String UNKNOWN_ID = "3f0c5d2e-8b1a-4c4e-9f7d-2a6b1c0e9d41";
    private static final String MALFORMED_ID = "not-a-uuid";
    private static final String UNKNOWN_AGENT = "no-such-agent";
    private static final String UNKNOWN_WORKER = "no-such-worker";
    private static final String GARBAGE_TOKEN = "not a page token!";
    /** PostgreSQL text cannot hold U+0000, so every stored or queried string must refuse it. */
    private static final String NUL = "\0";
    /** Decodes like one of ours, but its id is not a UUID. */
    private static final String FORGED_ID_TOKEN = token("1|1700000000|0|not-a-uuid");
    /** Decodes like one of ours, but its time (year 300,000) lies beyond any stored row. */
    private static final String FORGED_TIME_TOKEN = token("1|9404000000000|0|" + UNKNOWN_ID);

    private Fixtures fixtures;

    /** Rows the cases refer to, all made through the public API. */
    record Fixtures(
            String activeProject,
            String cancelledProject,
            String pendingTask,
            String cancelledTask,
            String cancelledProjectTask,
            String answeredHitl,
            String usedRequestId) {
    }

    /** The stubs a case may call, each bound to a deadline. */
    record Stubs(
            ProjectServiceBlockingStub projects,
            TaskServiceBlockingStub tasks,
            HitlServiceBlockingStub hitl,
            AgentStatusServiceBlockingStub agents,
            WorkerAdminServiceBlockingStub workers,
            ArtifactServiceBlockingStub artifacts,
            EventServiceBlockingStub events,
            dev.agentgrid.proto.v1.WorkflowServiceGrpc.WorkflowServiceBlockingStub workflows) {

        static Stubs of(GrpcClient c) {
            return new Stubs(
                    c.projects.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS),
                    c.tasks.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS),
                    c.hitl.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS),
                    c.agents.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS),
                    c.workers.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS),
                    c.artifacts.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS),
                    c.events.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS),
                    c.workflows.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS));
        }
    }

    /** One request a case sends; its result, if any, is ignored. */
    @FunctionalInterface
    interface Call {
        Object send(Stubs stubs, Fixtures fixtures);
    }

    /**
     * One bad request and how it must be refused.
     *
     * @param fields for INVALID_ARGUMENT, every field path the BadRequest must name (and no other)
     */
    record Case(String name, Call call, Status.Code code, List<String> fields) {
        @Override
        public String toString() {
            return name + " → " + code + (fields.isEmpty() ? "" : " " + fields);
        }
    }

    @BeforeAll
    void createFixtures() {
        Stubs s = Stubs.of(client);
        CreateProjectResponse active = s.projects().createProject(CreateProjectRequest.newBuilder()
                .setName("bad-input fixtures")
                .addTasks(validSpec().setKey("plain"))
                .addTasks(validSpec().setKey("gated").setRequiresApproval(true))
                .build());
        Task pending = active.getTasks(0);
        Task gated = active.getTasks(1);
        assertEquals(TaskStatus.TASK_STATUS_PENDING, pending.getStatus());
        assertEquals(TaskStatus.TASK_STATUS_WAITING_FOR_HITL, gated.getStatus());

        // Rejecting the gate both answers the HITL request and cancels its task.
        String gate = s.hitl().listHitlRequests(ListHitlRequestsRequest.newBuilder().setTaskId(gated.getId()).build())
                .getRequests(0).getId();
        s.hitl().respondHitlRequest(RespondHitlRequestRequest.newBuilder()
                .setRequestId(gate).setAction(HitlAction.HITL_ACTION_REJECT).build());
        assertEquals(TaskStatus.TASK_STATUS_CANCELLED,
                s.tasks().getTask(GetTaskRequest.newBuilder().setTaskId(gated.getId()).build()).getTask().getStatus());

        String requestId = "bad-input-fixture";
        s.tasks().createTask(CreateTaskRequest.newBuilder()
                .setProjectId(active.getProject().getId()).setTask(validSpec()).setRequestId(requestId).build());

        CreateProjectResponse doomed = s.projects().createProject(CreateProjectRequest.newBuilder()
                .setName("cancelled fixture").addTasks(validSpec()).build());
        s.projects().cancelProject(CancelProjectRequest.newBuilder()
                .setProjectId(doomed.getProject().getId()).build());

        fixtures = new Fixtures(active.getProject().getId(), doomed.getProject().getId(), pending.getId(),
                gated.getId(), doomed.getTasks(0).getId(), gate, requestId);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.agentgrid.controlplane.grpc.BadInputTest#cases")
    void badRequestIsRefusedWithItsCodeAndChangesNothing(Case c) {
        // Each message names the case: build reports show only the invocation's index.
        String label = c + ": ";
        List<Object> before = fingerprint();

        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> c.call().send(Stubs.of(client), fixtures), label + "the request was accepted");

        Status status = e.getStatus();
        assertNotEquals(Status.Code.INTERNAL, status.getCode(), () -> label + status);
        assertNotEquals(Status.Code.UNKNOWN, status.getCode(), () -> label + status);
        assertEquals(c.code(), status.getCode(), () -> label + status);
        String description = status.getDescription();
        assertNotNull(description, label + "no description");
        assertFalse(description.contains("\tat "), () -> label + "stack trace in description: " + description);
        assertFalse(description.contains("Exception"), () -> label + "exception in description: " + description);
        if (c.code() == Status.Code.INVALID_ARGUMENT) {
            assertEquals(c.fields(), violatedFields(e), () -> label + description);
        }
        assertEquals(before, fingerprint(), label + "the refused request changed the store");
    }

    @Test
    void everyCaseHasItsOwnName() {
        List<String> names = cases().map(Case::name).toList();
        assertEquals(names.size(), names.stream().distinct().count(), "duplicate case names make reports ambiguous");
    }

    /** The field paths of the BadRequest details, sorted; each must say what is wrong. */
    private static List<String> violatedFields(StatusRuntimeException e) {
        com.google.rpc.Status details = StatusProto.fromThrowable(e);
        assertNotNull(details, "INVALID_ARGUMENT without google.rpc.Status details");
        List<String> fields = new ArrayList<>();
        for (Any any : details.getDetailsList()) {
            if (any.is(BadRequest.class)) {
                for (BadRequest.FieldViolation v : unpack(any).getFieldViolationsList()) {
                    assertFalse(v.getDescription().isBlank(), () -> "violation of " + v.getField() + " says nothing");
                    fields.add(v.getField());
                }
            }
        }
        return fields.stream().sorted().toList();
    }

    private static BadRequest unpack(Any any) {
        try {
            return any.unpack(BadRequest.class);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("BadRequest detail does not parse", e);
        }
    }

    static Stream<Case> cases() {
        return Stream.of(projectCases(), taskCases(), hitlCases(), agentStatusCases(), workerCases(),
                artifactCases(), eventCases(), workflowCases(), workerAdminCases(), chatCases(), archiveCases()).flatMap(List::stream);
    }

    // ---------------------------------------------------------------- WorkflowService

    static List<Case> workflowCases() {
        return List.of(
                invalid("GetWorkflowTemplate without template_id",
                        (s, f) -> s.workflows().getWorkflowTemplate(
                                dev.agentgrid.proto.v1.GetWorkflowTemplateRequest.getDefaultInstance()), "template_id"),
                notFound("GetWorkflowTemplate of an unknown template",
                        (s, f) -> s.workflows().getWorkflowTemplate(dev.agentgrid.proto.v1.GetWorkflowTemplateRequest
                                .newBuilder().setTemplateId("no-such-template").build())),
                invalid("RenderWorkflowTemplate of an unknown template",
                        (s, f) -> s.workflows().renderWorkflowTemplate(dev.agentgrid.proto.v1
                                .RenderWorkflowTemplateRequest.newBuilder().setTemplateId("no-such-template").build()),
                        "template_id"),
                invalid("RenderWorkflowTemplate without its required variable",
                        (s, f) -> s.workflows().renderWorkflowTemplate(dev.agentgrid.proto.v1
                                .RenderWorkflowTemplateRequest.newBuilder().setTemplateId("default").build()),
                        "variables[product_idea]"),
                invalid("RenderWorkflowTemplate with a variable the template does not have",
                        (s, f) -> s.workflows().renderWorkflowTemplate(dev.agentgrid.proto.v1
                                .RenderWorkflowTemplateRequest.newBuilder().setTemplateId("default")
                                .putVariables("product_idea", "x").putVariables("colour", "red").build()),
                        "variables[colour]"),
                invalid("CreateProject from the default template without a product idea",
                        (s, f) -> s.projects().createProject(named().setTemplateId("default").build()),
                        "variables[product_idea]"));
    }

    // ---------------------------------------------------------------- TaskService.SendTaskMessage

    static List<Case> chatCases() {
        return List.of(
                invalid("SendTaskMessage without task_id or content",
                        (s, f) -> s.tasks().sendTaskMessage(
                                dev.agentgrid.proto.v1.SendTaskMessageRequest.getDefaultInstance()),
                        "task_id", "content"),
                notFound("SendTaskMessage to an unknown task",
                        (s, f) -> s.tasks().sendTaskMessage(dev.agentgrid.proto.v1.SendTaskMessageRequest.newBuilder()
                                .setTaskId(UNKNOWN_ID).setContent("hi").build())),
                failedPrecondition("SendTaskMessage to a task that is not running",
                        (s, f) -> s.tasks().sendTaskMessage(dev.agentgrid.proto.v1.SendTaskMessageRequest.newBuilder()
                                .setTaskId(f.pendingTask()).setContent("hi").build())),
                invalid("SendTaskMessage with 65,537 characters",
                        (s, f) -> s.tasks().sendTaskMessage(dev.agentgrid.proto.v1.SendTaskMessageRequest.newBuilder()
                                .setTaskId(f.pendingTask()).setContent(text(65_537)).build()), "content"));
    }

    // ---------------------------------------------------------------- ArtifactService archives

    static List<Case> archiveCases() {
        return List.of(
                invalid("GenerateArchive without project_id",
                        (s, f) -> s.artifacts().generateArchive(
                                dev.agentgrid.proto.v1.GenerateArchiveRequest.getDefaultInstance()), "project_id"),
                notFound("GenerateArchive of an unknown project",
                        (s, f) -> s.artifacts().generateArchive(dev.agentgrid.proto.v1.GenerateArchiveRequest
                                .newBuilder().setProjectId(UNKNOWN_ID).build())),
                invalid("DownloadArchive with a malformed project_id",
                        (s, f) -> s.artifacts().downloadArchive(dev.agentgrid.proto.v1.DownloadArchiveRequest
                                .newBuilder().setProjectId(MALFORMED_ID).build()).hasNext(), "project_id"),
                notFound("DownloadArchive of an unknown project",
                        (s, f) -> s.artifacts().downloadArchive(dev.agentgrid.proto.v1.DownloadArchiveRequest
                                .newBuilder().setProjectId(UNKNOWN_ID).build()).hasNext()),
                notFound("DeleteArtifacts of an unknown project",
                        (s, f) -> s.artifacts().deleteArtifacts(dev.agentgrid.proto.v1.DeleteArtifactsRequest
                                .newBuilder().setProjectId(UNKNOWN_ID).build())),
                invalid("CleanupArtifacts with max_age 30 minutes",
                        (s, f) -> s.artifacts().cleanupArtifacts(dev.agentgrid.proto.v1.CleanupArtifactsRequest
                                .newBuilder().setMaxAge(com.google.protobuf.Duration.newBuilder().setSeconds(1800))
                                .build()), "max_age"),
                invalid("CleanupArtifacts with a negative max_age",
                        (s, f) -> s.artifacts().cleanupArtifacts(dev.agentgrid.proto.v1.CleanupArtifactsRequest
                                .newBuilder().setMaxAge(com.google.protobuf.Duration.newBuilder().setSeconds(-5))
                                .build()), "max_age"));
    }

    // ---------------------------------------------------------------- WorkerAdminService.DrainWorker

    static List<Case> workerAdminCases() {
        return List.of(
                invalid("DrainWorker without worker_id",
                        (s, f) -> s.workers().drainWorker(dev.agentgrid.proto.v1.DrainWorkerRequest.getDefaultInstance()),
                        "worker_id"),
                notFound("DrainWorker of an unknown worker",
                        (s, f) -> s.workers().drainWorker(dev.agentgrid.proto.v1.DrainWorkerRequest.newBuilder()
                                .setWorkerId("no-such-worker").build())));
    }

    // ---------------------------------------------------------------- ProjectService

    static List<Case> projectCases() {
        List<Case> cases = new ArrayList<>();
        cases.addAll(List.of(
                invalid("CreateProject without a name or product idea",
                        (s, f) -> s.projects().createProject(project().build()), "name"),
                invalid("CreateProject with a blank name",
                        (s, f) -> s.projects().createProject(project().setName("   ").build()), "name"),
                invalid("CreateProject with a 201-character name",
                        (s, f) -> s.projects().createProject(project().setName(text(201)).build()), "name"),
                invalid("CreateProject with a 4,097-character description",
                        (s, f) -> s.projects().createProject(named().setDescription(text(4_097)).build()),
                        "description"),
                invalid("CreateProject with a 65,537-character product idea",
                        (s, f) -> s.projects().createProject(named().setProductIdea(text(65_537)).build()),
                        "product_idea"),
                invalid("CreateProject with a 129-character template id",
                        (s, f) -> s.projects().createProject(named().setTemplateId(text(129)).build()),
                        "template_id"),
                invalid("CreateProject with an unknown template",
                        (s, f) -> s.projects().createProject(named().setTemplateId("no-such-template").build()),
                        "template_id"),
                invalid("CreateProject with both tasks and a template",
                        (s, f) -> s.projects().createProject(named().setTemplateId("default")
                                .addTasks(validSpec()).build()), "template_id"),
                invalid("CreateProject with 65 variables",
                        (s, f) -> s.projects().createProject(named().putAllVariables(entries(65, "v", "x")).build()),
                        "variables"),
                invalid("CreateProject with a variable named 'bad key'",
                        (s, f) -> s.projects().createProject(named().putVariables("bad key", "x").build()),
                        "variables[bad key]"),
                invalid("CreateProject with a 65,537-character variable value",
                        (s, f) -> s.projects().createProject(named().putVariables("topic", text(65_537)).build()),
                        "variables[topic]"),
                invalid("CreateProject with a 129-character request id",
                        (s, f) -> s.projects().createProject(named().addTasks(validSpec())
                                .setRequestId(text(129)).build()), "request_id"),
                invalid("CreateProject with a NUL character in its name",
                        (s, f) -> s.projects().createProject(project().setName("a" + NUL + "b").build()), "name"),
                invalid("CreateProject with a NUL character in its description",
                        (s, f) -> s.projects().createProject(named().setDescription(NUL).build()), "description"),
                invalid("CreateProject with a NUL character in its product idea",
                        (s, f) -> s.projects().createProject(named().setProductIdea(NUL).build()), "product_idea"),
                invalid("CreateProject with a NUL character in its request id",
                        (s, f) -> s.projects().createProject(named().setRequestId("r" + NUL).build()), "request_id"),
                invalid("CreateProject with 1,001 tasks",
                        (s, f) -> s.projects().createProject(named()
                                .addAllTasks(IntStream.range(0, 1_001).mapToObj(i -> validSpec().build()).toList())
                                .build()), "tasks"),
                invalid("CreateProject with a task key 'bad key'",
                        (s, f) -> s.projects().createProject(named().addTasks(validSpec().setKey("bad key")).build()),
                        "tasks[0].key"),
                invalid("CreateProject with a dependency on an unknown key",
                        (s, f) -> s.projects().createProject(named().addTasks(validSpec().addDependsOn("nope"))
                                .build()), "tasks[0].depends_on[0]"),
                invalid("CreateProject with a dependency on an unknown task id",
                        (s, f) -> s.projects().createProject(named().addTasks(validSpec().addDependsOn(UNKNOWN_ID))
                                .build()), "tasks[0].depends_on[0]"),
                invalid("CreateProject with a dependency on a task of another project",
                        (s, f) -> s.projects().createProject(named()
                                .addTasks(validSpec().addDependsOn(f.pendingTask())).build()),
                        "tasks[0].depends_on[0]"),
                invalid("CreateProject with a task depending on its own key",
                        (s, f) -> s.projects().createProject(named()
                                .addTasks(validSpec().setKey("a").addDependsOn("a")).build()),
                        "tasks[0].depends_on[0]"),
                invalid("CreateProject with a dependency cycle between two keys",
                        (s, f) -> s.projects().createProject(named()
                                .addTasks(validSpec().setKey("a").addDependsOn("b"))
                                .addTasks(validSpec().setKey("b").addDependsOn("a")).build()),
                        "tasks[0].depends_on", "tasks[1].depends_on"),
                invalid("CreateProject with a dependency cycle through three keys",
                        (s, f) -> s.projects().createProject(named()
                                .addTasks(validSpec().setKey("a").addDependsOn("c"))
                                .addTasks(validSpec().setKey("b").addDependsOn("a"))
                                .addTasks(validSpec().setKey("c").addDependsOn("b"))
                                .addTasks(validSpec().setKey("free")).build()),
                        "tasks[0].depends_on", "tasks[1].depends_on", "tasks[2].depends_on"),
                invalid("CreateProject with two tasks sharing a key",
                        (s, f) -> s.projects().createProject(named()
                                .addTasks(validSpec().setKey("a")).addTasks(validSpec().setKey("a")).build()),
                        "tasks[1].key"),
                invalid("CreateProject with several problems reports each of them",
                        (s, f) -> s.projects().createProject(project().setDescription(text(4_097))
                                .addTasks(validSpec().setPriority(1_001)).build()),
                        "description", "name", "tasks[0].priority")));
        for (SpecCase spec : specCases(true)) {
            cases.add(invalid("CreateProject with a task " + spec.name(),
                    (s, f) -> s.projects().createProject(named().addTasks(spec.apply(validSpec())).build()),
                    "tasks[0]." + spec.field()));
        }
        cases.addAll(List.of(
                invalid("GetProject without project_id",
                        (s, f) -> s.projects().getProject(GetProjectRequest.getDefaultInstance()), "project_id"),
                invalid("GetProject with a malformed project_id",
                        (s, f) -> s.projects().getProject(getProject(MALFORMED_ID)), "project_id"),
                notFound("GetProject of an unknown project",
                        (s, f) -> s.projects().getProject(getProject(UNKNOWN_ID))),

                invalid("ListProjects filtering on PROJECT_STATUS_UNSPECIFIED",
                        (s, f) -> s.projects().listProjects(ListProjectsRequest.newBuilder()
                                .addStatuses(ProjectStatus.PROJECT_STATUS_ACTIVE)
                                .addStatuses(ProjectStatus.PROJECT_STATUS_UNSPECIFIED).build()), "statuses[1]"),
                invalid("ListProjects filtering on an unknown status number",
                        (s, f) -> s.projects().listProjects(ListProjectsRequest.newBuilder()
                                .addStatusesValue(99).build()), "statuses[0]"),
                invalid("ListProjects with page_size -1",
                        (s, f) -> s.projects().listProjects(ListProjectsRequest.newBuilder().setPageSize(-1).build()),
                        "page_size"),
                invalid("ListProjects with page_size 1001",
                        (s, f) -> s.projects().listProjects(ListProjectsRequest.newBuilder().setPageSize(1_001)
                                .build()), "page_size"),
                invalid("ListProjects with a garbage page_token",
                        (s, f) -> s.projects().listProjects(ListProjectsRequest.newBuilder()
                                .setPageToken(GARBAGE_TOKEN).build()), "page_token"),
                invalid("ListProjects with a forged page_token whose id is not a UUID",
                        (s, f) -> s.projects().listProjects(ListProjectsRequest.newBuilder()
                                .setPageToken(FORGED_ID_TOKEN).build()), "page_token"),
                invalid("ListProjects with a forged page_token in the year 300,000",
                        (s, f) -> s.projects().listProjects(ListProjectsRequest.newBuilder()
                                .setPageToken(FORGED_TIME_TOKEN).build()), "page_token"),

                invalid("CancelProject without project_id",
                        (s, f) -> s.projects().cancelProject(CancelProjectRequest.getDefaultInstance()), "project_id"),
                invalid("CancelProject with a malformed project_id",
                        (s, f) -> s.projects().cancelProject(cancelProject(MALFORMED_ID).build()), "project_id"),
                invalid("CancelProject with a 1,025-character reason",
                        (s, f) -> s.projects().cancelProject(cancelProject(f.activeProject())
                                .setReason(text(1_025)).build()), "reason"),
                invalid("CancelProject with a NUL character in its reason",
                        (s, f) -> s.projects().cancelProject(cancelProject(f.activeProject())
                                .setReason(NUL).build()), "reason"),
                notFound("CancelProject of an unknown project",
                        (s, f) -> s.projects().cancelProject(cancelProject(UNKNOWN_ID).build())),
                failedPrecondition("CancelProject of a cancelled project",
                        (s, f) -> s.projects().cancelProject(cancelProject(f.cancelledProject()).build())),

                invalid("CheckCompletion without project_id",
                        (s, f) -> s.projects().checkCompletion(CheckCompletionRequest.getDefaultInstance()),
                        "project_id"),
                invalid("CheckCompletion with a malformed project_id",
                        (s, f) -> s.projects().checkCompletion(CheckCompletionRequest.newBuilder()
                                .setProjectId(MALFORMED_ID).build()), "project_id"),
                notFound("CheckCompletion of an unknown project",
                        (s, f) -> s.projects().checkCompletion(CheckCompletionRequest.newBuilder()
                                .setProjectId(UNKNOWN_ID).build())),

                invalid("ForceComplete without project_id",
                        (s, f) -> s.projects().forceComplete(ForceCompleteRequest.getDefaultInstance()), "project_id"),
                invalid("ForceComplete with a malformed project_id",
                        (s, f) -> s.projects().forceComplete(forceComplete(MALFORMED_ID)), "project_id"),
                notFound("ForceComplete of an unknown project",
                        (s, f) -> s.projects().forceComplete(forceComplete(UNKNOWN_ID))),
                failedPrecondition("ForceComplete of a cancelled project",
                        (s, f) -> s.projects().forceComplete(forceComplete(f.cancelledProject())))));
        return cases;
    }

    // ---------------------------------------------------------------- TaskService

    static List<Case> taskCases() {
        List<Case> cases = new ArrayList<>();
        cases.addAll(List.of(
                invalid("CreateTask without project_id",
                        (s, f) -> s.tasks().createTask(CreateTaskRequest.newBuilder().setTask(validSpec()).build()),
                        "project_id"),
                invalid("CreateTask with a malformed project_id",
                        (s, f) -> s.tasks().createTask(createTask(MALFORMED_ID).build()), "project_id"),
                notFound("CreateTask in an unknown project",
                        (s, f) -> s.tasks().createTask(createTask(UNKNOWN_ID).build())),
                invalid("CreateTask without a task",
                        (s, f) -> s.tasks().createTask(CreateTaskRequest.newBuilder()
                                .setProjectId(f.activeProject()).build()), "task"),
                invalid("CreateTask with a 129-character request id",
                        (s, f) -> s.tasks().createTask(createTask(f.activeProject()).setRequestId(text(129)).build()),
                        "request_id"),
                refused("CreateTask reusing the request id of a task of another project", Status.Code.ALREADY_EXISTS,
                        (s, f) -> s.tasks().createTask(createTask(f.cancelledProject())
                                .setRequestId(f.usedRequestId()).build())),
                failedPrecondition("CreateTask in a cancelled project",
                        (s, f) -> s.tasks().createTask(createTask(f.cancelledProject()).build())),
                invalid("CreateTask depending on an unknown task id",
                        (s, f) -> s.tasks().createTask(CreateTaskRequest.newBuilder().setProjectId(f.activeProject())
                                .setTask(validSpec().addDependsOn(UNKNOWN_ID)).build()), "task.depends_on[0]"),
                invalid("CreateTask depending on something that is not a task id",
                        (s, f) -> s.tasks().createTask(CreateTaskRequest.newBuilder().setProjectId(f.activeProject())
                                .setTask(validSpec().addDependsOn("plain")).build()), "task.depends_on[0]"),
                invalid("CreateTask depending on a task of another project",
                        (s, f) -> s.tasks().createTask(CreateTaskRequest.newBuilder().setProjectId(f.activeProject())
                                .setTask(validSpec().addDependsOn(f.cancelledProjectTask())).build()),
                        "task.depends_on[0]"),
                failedPrecondition("CreateTask depending on a cancelled task",
                        (s, f) -> s.tasks().createTask(CreateTaskRequest.newBuilder().setProjectId(f.activeProject())
                                .setTask(validSpec().addDependsOn(f.cancelledTask())).build()))));
        cases.addAll(List.of(
                invalid("CreateTasks without project_id",
                        (s, f) -> s.tasks().createTasks(CreateTasksRequest.newBuilder().addTasks(validSpec()).build()),
                        "project_id"),
                invalid("CreateTasks without tasks",
                        (s, f) -> s.tasks().createTasks(CreateTasksRequest.newBuilder()
                                .setProjectId(f.activeProject()).build()), "tasks"),
                invalid("CreateTasks with 1,001 tasks",
                        (s, f) -> s.tasks().createTasks(createTasks(f.activeProject(), 1_001).build()), "tasks"),
                notFound("CreateTasks in an unknown project",
                        (s, f) -> s.tasks().createTasks(createTasks(UNKNOWN_ID, 2).build())),
                failedPrecondition("CreateTasks in a cancelled project",
                        (s, f) -> s.tasks().createTasks(createTasks(f.cancelledProject(), 2).build())),
                invalid("CreateTasks with a 121-character request id",
                        (s, f) -> s.tasks().createTasks(createTasks(f.activeProject(), 2).setRequestId(text(121))
                                .build()), "request_id"),
                invalid("CreateTasks with one bad spec among good ones (none is stored)",
                        (s, f) -> s.tasks().createTasks(createTasks(f.activeProject(), 3)
                                .setTasks(1, validSpec().setAgentType("")).build()), "tasks[1].agent_type"),
                invalid("CreateTasks with two specs of the same key",
                        (s, f) -> s.tasks().createTasks(CreateTasksRequest.newBuilder().setProjectId(f.activeProject())
                                .addTasks(validSpec().setKey("a")).addTasks(validSpec().setKey("a")).build()),
                        "tasks[1].key"),
                invalid("CreateTasks with a dependency cycle",
                        (s, f) -> s.tasks().createTasks(CreateTasksRequest.newBuilder().setProjectId(f.activeProject())
                                .addTasks(validSpec().setKey("a").addDependsOn("b"))
                                .addTasks(validSpec().setKey("b").addDependsOn("a")).build()),
                        "tasks[0].depends_on", "tasks[1].depends_on"),
                invalid("CreateTasks depending on an unknown key",
                        (s, f) -> s.tasks().createTasks(CreateTasksRequest.newBuilder().setProjectId(f.activeProject())
                                .addTasks(validSpec().addDependsOn("nope")).build()), "tasks[0].depends_on[0]")));
        for (SpecCase spec : specCases(false)) {
            cases.add(invalid("CreateTask with a task " + spec.name(),
                    (s, f) -> s.tasks().createTask(CreateTaskRequest.newBuilder().setProjectId(f.activeProject())
                            .setTask(spec.apply(validSpec())).build()),
                    "task." + spec.field()));
        }
        cases.addAll(List.of(
                invalid("GetTask without task_id",
                        (s, f) -> s.tasks().getTask(GetTaskRequest.getDefaultInstance()), "task_id"),
                invalid("GetTask with a malformed task_id",
                        (s, f) -> s.tasks().getTask(getTask(MALFORMED_ID)), "task_id"),
                invalid("GetTask with the short UUID form '1-1-1-1-1'",
                        (s, f) -> s.tasks().getTask(getTask("1-1-1-1-1")), "task_id"),
                notFound("GetTask of an unknown task",
                        (s, f) -> s.tasks().getTask(getTask(UNKNOWN_ID))),

                invalid("ListTasks with a malformed project_id",
                        (s, f) -> s.tasks().listTasks(ListTasksRequest.newBuilder().setProjectId(MALFORMED_ID).build()),
                        "project_id"),
                invalid("ListTasks filtering on TASK_STATUS_UNSPECIFIED",
                        (s, f) -> s.tasks().listTasks(ListTasksRequest.newBuilder()
                                .addStatuses(TaskStatus.TASK_STATUS_UNSPECIFIED).build()), "statuses[0]"),
                invalid("ListTasks filtering on agent type 'has space'",
                        (s, f) -> s.tasks().listTasks(ListTasksRequest.newBuilder().setAgentType("has space").build()),
                        "agent_type"),
                invalid("ListTasks with page_size -1",
                        (s, f) -> s.tasks().listTasks(ListTasksRequest.newBuilder().setPageSize(-1).build()),
                        "page_size"),
                invalid("ListTasks with page_size 1001",
                        (s, f) -> s.tasks().listTasks(ListTasksRequest.newBuilder().setPageSize(1_001).build()),
                        "page_size"),
                invalid("ListTasks with a garbage page_token",
                        (s, f) -> s.tasks().listTasks(ListTasksRequest.newBuilder().setPageToken(GARBAGE_TOKEN)
                                .build()), "page_token"),
                invalid("ListTasks with a forged page_token whose id is not a UUID",
                        (s, f) -> s.tasks().listTasks(ListTasksRequest.newBuilder().setPageToken(FORGED_ID_TOKEN)
                                .build()), "page_token"),

                invalid("CancelTask without task_id",
                        (s, f) -> s.tasks().cancelTask(CancelTaskRequest.getDefaultInstance()), "task_id"),
                invalid("CancelTask with a malformed task_id",
                        (s, f) -> s.tasks().cancelTask(cancelTask(MALFORMED_ID).build()), "task_id"),
                invalid("CancelTask with a 1,025-character reason",
                        (s, f) -> s.tasks().cancelTask(cancelTask(f.pendingTask()).setReason(text(1_025)).build()),
                        "reason"),
                invalid("CancelTask with a NUL character in its reason",
                        (s, f) -> s.tasks().cancelTask(cancelTask(f.pendingTask()).setReason(NUL).build()),
                        "reason"),
                notFound("CancelTask of an unknown task",
                        (s, f) -> s.tasks().cancelTask(cancelTask(UNKNOWN_ID).build())),
                failedPrecondition("CancelTask of a finished (cancelled) task",
                        (s, f) -> s.tasks().cancelTask(cancelTask(f.cancelledTask()).build())),

                invalid("RetryTask without task_id",
                        (s, f) -> s.tasks().retryTask(RetryTaskRequest.getDefaultInstance()), "task_id"),
                invalid("RetryTask with a malformed task_id",
                        (s, f) -> s.tasks().retryTask(retryTask(MALFORMED_ID)), "task_id"),
                notFound("RetryTask of an unknown task",
                        (s, f) -> s.tasks().retryTask(retryTask(UNKNOWN_ID))),
                failedPrecondition("RetryTask of a PENDING task",
                        (s, f) -> s.tasks().retryTask(retryTask(f.pendingTask()))),
                failedPrecondition("RetryTask of a cancelled task in a cancelled project",
                        (s, f) -> s.tasks().retryTask(retryTask(f.cancelledProjectTask()))),

                invalid("ListTaskMessages without task_id",
                        (s, f) -> s.tasks().listTaskMessages(ListTaskMessagesRequest.getDefaultInstance()), "task_id"),
                invalid("ListTaskMessages with a malformed task_id",
                        (s, f) -> s.tasks().listTaskMessages(taskMessages(MALFORMED_ID).build()), "task_id"),
                notFound("ListTaskMessages of an unknown task",
                        (s, f) -> s.tasks().listTaskMessages(taskMessages(UNKNOWN_ID).build())),
                invalid("ListTaskMessages with page_size -1",
                        (s, f) -> s.tasks().listTaskMessages(taskMessages(f.pendingTask()).setPageSize(-1).build()),
                        "page_size"),
                invalid("ListTaskMessages with page_size 1001",
                        (s, f) -> s.tasks().listTaskMessages(taskMessages(f.pendingTask()).setPageSize(1_001).build()),
                        "page_size"),
                invalid("ListTaskMessages with a garbage page_token",
                        (s, f) -> s.tasks().listTaskMessages(taskMessages(f.pendingTask())
                                .setPageToken(GARBAGE_TOKEN).build()), "page_token")));
        return cases;
    }

    /** One way a TaskSpec can be wrong, and the field (relative to the spec) that says so. */
    record SpecCase(String name, UnaryOperator<TaskSpec.Builder> spoil, String field) {
        TaskSpec apply(TaskSpec.Builder valid) {
            return spoil.apply(valid).build();
        }
    }

    /** Bad task specs, shared by CreateProject and CreateTask. */
    static List<SpecCase> specCases(boolean keysAllowed) {
        List<SpecCase> cases = new ArrayList<>(List.of(
                new SpecCase("without agent_type", b -> b.setAgentType(""), "agent_type"),
                new SpecCase("with agent_type 'has space'", b -> b.setAgentType("has space"), "agent_type"),
                new SpecCase("with a 65-character agent_type", b -> b.setAgentType(text(65)), "agent_type"),
                new SpecCase("with agent_type '-leading'", b -> b.setAgentType("-leading"), "agent_type"),
                new SpecCase("without instructions", b -> b.setInstructions(""), "instructions"),
                new SpecCase("with blank instructions", b -> b.setInstructions(" \n\t "), "instructions"),
                new SpecCase("with 65,537 characters of instructions", b -> b.setInstructions(text(65_537)),
                        "instructions"),
                new SpecCase("with a NUL character in its instructions", b -> b.setInstructions("do" + NUL),
                        "instructions"),
                new SpecCase("with an input of more than 1 MiB of JSON", b -> b.setInput(Inputs.OVERSIZED), "input"),
                new SpecCase("with a NaN in its input", b -> b.setInput(Struct.newBuilder()
                        .putFields("x", Value.newBuilder().setNumberValue(Double.NaN).build())), "input"),
                new SpecCase("with priority 1001", b -> b.setPriority(1_001), "priority"),
                new SpecCase("with priority -1001", b -> b.setPriority(-1_001), "priority"),
                new SpecCase("with 33 labels in its selector", b -> b.putAllLabelSelector(entries(33, "k", "v")),
                        "label_selector"),
                new SpecCase("with label key 'bad key'", b -> b.putLabelSelector("bad key", "v"),
                        "label_selector[bad key]"),
                new SpecCase("with label key '-gpu'", b -> b.putLabelSelector("-gpu", "v"), "label_selector[-gpu]"),
                new SpecCase("with a 256-character label value", b -> b.putLabelSelector("gpu", text(256)),
                        "label_selector[gpu]"),
                new SpecCase("with retry backoff_coefficient 0.5",
                        b -> b.setRetryPolicy(RetryPolicy.newBuilder().setBackoffCoefficient(0.5)),
                        "retry_policy.backoff_coefficient"),
                new SpecCase("with retry backoff_coefficient 11",
                        b -> b.setRetryPolicy(RetryPolicy.newBuilder().setBackoffCoefficient(11)),
                        "retry_policy.backoff_coefficient"),
                new SpecCase("with retry maximum_attempts 101",
                        b -> b.setRetryPolicy(RetryPolicy.newBuilder().setMaximumAttempts(101)),
                        "retry_policy.maximum_attempts"),
                new SpecCase("with retry maximum_attempts -1",
                        b -> b.setRetryPolicy(RetryPolicy.newBuilder().setMaximumAttempts(-1)),
                        "retry_policy.maximum_attempts"),
                new SpecCase("with a negative retry initial_interval",
                        b -> b.setRetryPolicy(RetryPolicy.newBuilder().setInitialInterval(seconds(-1))),
                        "retry_policy.initial_interval"),
                new SpecCase("with a 2 h retry initial_interval",
                        b -> b.setRetryPolicy(RetryPolicy.newBuilder().setInitialInterval(seconds(7_200))),
                        "retry_policy.initial_interval"),
                new SpecCase("with a 25 h retry maximum_interval",
                        b -> b.setRetryPolicy(RetryPolicy.newBuilder().setMaximumInterval(seconds(90_000))),
                        "retry_policy.maximum_interval"),
                new SpecCase("with a retry maximum_interval below its initial_interval",
                        b -> b.setRetryPolicy(RetryPolicy.newBuilder().setInitialInterval(seconds(10))
                                .setMaximumInterval(seconds(5))), "retry_policy.maximum_interval"),
                new SpecCase("with a retry initial_interval outside the protobuf Duration range",
                        b -> b.setRetryPolicy(RetryPolicy.newBuilder().setInitialInterval(
                                Duration.newBuilder().setSeconds(Long.MIN_VALUE).setNanos(-1))),
                        "retry_policy.initial_interval"),
                new SpecCase("with timeout 0.5 s",
                        b -> b.setTimeout(Duration.newBuilder().setNanos(500_000_000)), "timeout"),
                new SpecCase("with timeout 8 days", b -> b.setTimeout(seconds(8 * 86_400)), "timeout"),
                new SpecCase("with a timeout outside the protobuf Duration range",
                        b -> b.setTimeout(Duration.newBuilder().setSeconds(Long.MAX_VALUE).setNanos(999_999_999)),
                        "timeout"),
                new SpecCase("with 101 dependencies",
                        b -> b.addAllDependsOn(IntStream.range(0, 101).mapToObj(i -> "dep-" + i).toList()),
                        "depends_on"),
                new SpecCase("with an empty dependency", b -> b.addDependsOn(""), "depends_on[0]"),
                new SpecCase("with a 4,097-character approval question",
                        b -> b.setRequiresApproval(true).setApprovalQuestion(text(4_097)), "approval_question"),
                new SpecCase("with a NUL character in its approval question",
                        b -> b.setRequiresApproval(true).setApprovalQuestion("ok?" + NUL), "approval_question")));
        if (keysAllowed) {
            cases.add(new SpecCase("with a 65-character key", b -> b.setKey(text(65)), "key"));
        }
        return cases;
    }

    // ---------------------------------------------------------------- HitlService

    static List<Case> hitlCases() {
        return List.of(
                invalid("GetHitlRequest without request_id",
                        (s, f) -> s.hitl().getHitlRequest(GetHitlRequestRequest.getDefaultInstance()), "request_id"),
                invalid("GetHitlRequest with a malformed request_id",
                        (s, f) -> s.hitl().getHitlRequest(getHitl(MALFORMED_ID)), "request_id"),
                notFound("GetHitlRequest of an unknown request",
                        (s, f) -> s.hitl().getHitlRequest(getHitl(UNKNOWN_ID))),

                invalid("ListHitlRequests with a malformed project_id",
                        (s, f) -> s.hitl().listHitlRequests(ListHitlRequestsRequest.newBuilder()
                                .setProjectId(MALFORMED_ID).build()), "project_id"),
                invalid("ListHitlRequests with a malformed task_id",
                        (s, f) -> s.hitl().listHitlRequests(ListHitlRequestsRequest.newBuilder()
                                .setTaskId(MALFORMED_ID).build()), "task_id"),
                invalid("ListHitlRequests filtering on HITL_STATUS_UNSPECIFIED",
                        (s, f) -> s.hitl().listHitlRequests(ListHitlRequestsRequest.newBuilder()
                                .addStatuses(HitlStatus.HITL_STATUS_UNSPECIFIED).build()), "statuses[0]"),
                invalid("ListHitlRequests with page_size -1",
                        (s, f) -> s.hitl().listHitlRequests(ListHitlRequestsRequest.newBuilder().setPageSize(-1)
                                .build()), "page_size"),
                invalid("ListHitlRequests with page_size 1001",
                        (s, f) -> s.hitl().listHitlRequests(ListHitlRequestsRequest.newBuilder().setPageSize(1_001)
                                .build()), "page_size"),
                invalid("ListHitlRequests with a garbage page_token",
                        (s, f) -> s.hitl().listHitlRequests(ListHitlRequestsRequest.newBuilder()
                                .setPageToken(GARBAGE_TOKEN).build()), "page_token"),

                invalid("RespondHitlRequest without request_id",
                        (s, f) -> s.hitl().respondHitlRequest(respond("", HitlAction.HITL_ACTION_APPROVE).build()),
                        "request_id"),
                invalid("RespondHitlRequest with a malformed request_id",
                        (s, f) -> s.hitl().respondHitlRequest(respond(MALFORMED_ID, HitlAction.HITL_ACTION_APPROVE)
                                .build()), "request_id"),
                invalid("RespondHitlRequest with action HITL_ACTION_UNSPECIFIED",
                        (s, f) -> s.hitl().respondHitlRequest(respond(f.answeredHitl(),
                                HitlAction.HITL_ACTION_UNSPECIFIED).build()), "action"),
                invalid("RespondHitlRequest with an unknown action number",
                        (s, f) -> s.hitl().respondHitlRequest(RespondHitlRequestRequest.newBuilder()
                                .setRequestId(f.answeredHitl()).setActionValue(42).build()), "action"),
                invalid("RespondHitlRequest with neither request_id nor action",
                        (s, f) -> s.hitl().respondHitlRequest(RespondHitlRequestRequest.getDefaultInstance()),
                        "action", "request_id"),
                invalid("RespondHitlRequest AMEND without response_content",
                        (s, f) -> s.hitl().respondHitlRequest(respond(f.answeredHitl(), HitlAction.HITL_ACTION_AMEND)
                                .build()), "response_content"),
                invalid("RespondHitlRequest AMEND with blank response_content",
                        (s, f) -> s.hitl().respondHitlRequest(respond(f.answeredHitl(), HitlAction.HITL_ACTION_AMEND)
                                .setResponseContent("  \n ").build()), "response_content"),
                invalid("RespondHitlRequest with 65,537 characters of response_content",
                        (s, f) -> s.hitl().respondHitlRequest(respond(f.answeredHitl(), HitlAction.HITL_ACTION_APPROVE)
                                .setResponseContent(text(65_537)).build()), "response_content"),
                invalid("RespondHitlRequest with a 201-character responder",
                        (s, f) -> s.hitl().respondHitlRequest(respond(f.answeredHitl(), HitlAction.HITL_ACTION_APPROVE)
                                .setResponder(text(201)).build()), "responder"),
                invalid("RespondHitlRequest with a NUL character in its response_content",
                        (s, f) -> s.hitl().respondHitlRequest(respond(f.answeredHitl(), HitlAction.HITL_ACTION_AMEND)
                                .setResponseContent("new" + NUL).build()), "response_content"),
                invalid("RespondHitlRequest with a NUL character in its responder",
                        (s, f) -> s.hitl().respondHitlRequest(respond(f.answeredHitl(), HitlAction.HITL_ACTION_APPROVE)
                                .setResponder("ann" + NUL).build()), "responder"),
                notFound("RespondHitlRequest to an unknown request",
                        (s, f) -> s.hitl().respondHitlRequest(respond(UNKNOWN_ID, HitlAction.HITL_ACTION_APPROVE)
                                .build())),
                failedPrecondition("RespondHitlRequest a second time to an answered request",
                        (s, f) -> s.hitl().respondHitlRequest(respond(f.answeredHitl(), HitlAction.HITL_ACTION_APPROVE)
                                .build())));
    }

    // ---------------------------------------------------------------- AgentStatusService

    /** An agent type that is not a valid name, and how to say so in a case name. */
    record BadAgentType(String what, String value) {
    }

    static List<Case> agentStatusCases() {
        List<BadAgentType> badTypes = List.of(
                new BadAgentType("an empty agent_type", ""),
                new BadAgentType("agent_type 'has space'", "has space"),
                new BadAgentType("a 65-character agent_type", text(65)),
                new BadAgentType("agent_type '-leading'", "-leading"));
        List<Case> cases = new ArrayList<>();
        for (BadAgentType bad : badTypes) {
            String what = bad.what();
            String type = bad.value();
            cases.add(invalid("GetAgentStatus with " + what,
                    (s, f) -> s.agents().getAgentStatus(GetAgentStatusRequest.newBuilder().setAgentType(type).build()),
                    "agent_type"));
            cases.add(invalid("GetAgentStatusHistory with " + what,
                    (s, f) -> s.agents().getAgentStatusHistory(history(type).build()), "agent_type"));
            cases.add(invalid("ResetAgentStatus with " + what,
                    (s, f) -> s.agents().resetAgentStatus(ResetAgentStatusRequest.newBuilder().setAgentType(type)
                            .build()), "agent_type"));
        }
        cases.addAll(List.of(
                notFound("GetAgentStatus of an unknown agent type",
                        (s, f) -> s.agents().getAgentStatus(GetAgentStatusRequest.newBuilder()
                                .setAgentType(UNKNOWN_AGENT).build())),
                notFound("GetAgentStatusHistory of an unknown agent type",
                        (s, f) -> s.agents().getAgentStatusHistory(history(UNKNOWN_AGENT).build())),
                invalid("GetAgentStatusHistory with page_size -1",
                        (s, f) -> s.agents().getAgentStatusHistory(history("coder").setPageSize(-1).build()),
                        "page_size"),
                invalid("GetAgentStatusHistory with page_size 1001",
                        (s, f) -> s.agents().getAgentStatusHistory(history("coder").setPageSize(1_001).build()),
                        "page_size"),
                invalid("GetAgentStatusHistory with a garbage page_token",
                        (s, f) -> s.agents().getAgentStatusHistory(history("coder").setPageToken(GARBAGE_TOKEN)
                                .build()), "page_token"),
                invalid("GetAgentStatusHistory with a forged page_token whose id is not a UUID",
                        (s, f) -> s.agents().getAgentStatusHistory(history("coder").setPageToken(FORGED_ID_TOKEN)
                                .build()), "page_token"),
                notFound("ResetAgentStatus of an unknown agent type",
                        (s, f) -> s.agents().resetAgentStatus(ResetAgentStatusRequest.newBuilder()
                                .setAgentType(UNKNOWN_AGENT).build()))));
        return cases;
    }

    // ---------------------------------------------------------------- WorkerAdminService

    static List<Case> workerCases() {
        return List.of(
                invalid("ListWorkers filtering on WORKER_STATUS_UNSPECIFIED",
                        (s, f) -> s.workers().listWorkers(ListWorkersRequest.newBuilder()
                                .addStatuses(WorkerStatus.WORKER_STATUS_UNSPECIFIED).build()), "statuses[0]"),
                invalid("ListWorkers filtering on agent type 'has space'",
                        (s, f) -> s.workers().listWorkers(ListWorkersRequest.newBuilder().setAgentType("has space")
                                .build()), "agent_type"),
                invalid("ListWorkers with 33 labels in its selector",
                        (s, f) -> s.workers().listWorkers(ListWorkersRequest.newBuilder()
                                .putAllLabelSelector(entries(33, "k", "v")).build()), "label_selector"),
                invalid("ListWorkers with label key 'bad key'",
                        (s, f) -> s.workers().listWorkers(ListWorkersRequest.newBuilder()
                                .putLabelSelector("bad key", "v").build()), "label_selector[bad key]"),
                invalid("ListWorkers with a 256-character label value",
                        (s, f) -> s.workers().listWorkers(ListWorkersRequest.newBuilder()
                                .putLabelSelector("gpu", text(256)).build()), "label_selector[gpu]"),
                invalid("ListWorkers with page_size -1",
                        (s, f) -> s.workers().listWorkers(ListWorkersRequest.newBuilder().setPageSize(-1).build()),
                        "page_size"),
                invalid("ListWorkers with page_size 1001",
                        (s, f) -> s.workers().listWorkers(ListWorkersRequest.newBuilder().setPageSize(1_001).build()),
                        "page_size"),
                invalid("ListWorkers with a garbage page_token",
                        (s, f) -> s.workers().listWorkers(ListWorkersRequest.newBuilder().setPageToken(GARBAGE_TOKEN)
                                .build()), "page_token"),
                invalid("ListWorkers with a forged page_token in the year 300,000",
                        (s, f) -> s.workers().listWorkers(ListWorkersRequest.newBuilder()
                                .setPageToken(FORGED_TIME_TOKEN).build()), "page_token"),

                invalid("GetWorker without worker_id",
                        (s, f) -> s.workers().getWorker(GetWorkerRequest.getDefaultInstance()), "worker_id"),
                invalid("GetWorker with a 129-character worker_id",
                        (s, f) -> s.workers().getWorker(GetWorkerRequest.newBuilder().setWorkerId(text(129)).build()),
                        "worker_id"),
                notFound("GetWorker of an unknown worker",
                        (s, f) -> s.workers().getWorker(GetWorkerRequest.newBuilder().setWorkerId(UNKNOWN_WORKER)
                                .build())),
                invalid("GetWorker with a NUL character in worker_id",
                        (s, f) -> s.workers().getWorker(GetWorkerRequest.newBuilder().setWorkerId("w" + NUL).build()),
                        "worker_id"),

                invalid("GetWorkerMetricsHistory without worker_id",
                        (s, f) -> s.workers().getWorkerMetricsHistory(GetWorkerMetricsHistoryRequest
                                .getDefaultInstance()), "worker_id"),
                invalid("GetWorkerMetricsHistory with a 129-character worker_id",
                        (s, f) -> s.workers().getWorkerMetricsHistory(metrics(text(129)).build()), "worker_id"),
                notFound("GetWorkerMetricsHistory of an unknown worker",
                        (s, f) -> s.workers().getWorkerMetricsHistory(metrics(UNKNOWN_WORKER).build())),
                invalid("GetWorkerMetricsHistory with a NUL character in worker_id",
                        (s, f) -> s.workers().getWorkerMetricsHistory(metrics("w" + NUL).build()), "worker_id"),
                invalid("GetWorkerMetricsHistory with page_size -1",
                        (s, f) -> s.workers().getWorkerMetricsHistory(metrics(UNKNOWN_WORKER).setPageSize(-1).build()),
                        "page_size"),
                invalid("GetWorkerMetricsHistory with page_size 1001",
                        (s, f) -> s.workers().getWorkerMetricsHistory(metrics(UNKNOWN_WORKER).setPageSize(1_001)
                                .build()), "page_size"),
                invalid("GetWorkerMetricsHistory with a garbage page_token",
                        (s, f) -> s.workers().getWorkerMetricsHistory(metrics(UNKNOWN_WORKER)
                                .setPageToken(GARBAGE_TOKEN).build()), "page_token"),
                invalid("GetWorkerMetricsHistory since a time outside the protobuf Timestamp range",
                        (s, f) -> s.workers().getWorkerMetricsHistory(metrics(UNKNOWN_WORKER)
                                .setSince(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)).build()), "since"));
    }

    // ---------------------------------------------------------------- ArtifactService

    static List<Case> artifactCases() {
        return List.of(
                invalid("CreateArtifact without project_id",
                        (s, f) -> s.artifacts().createArtifact(artifact("").build()), "project_id"),
                invalid("CreateArtifact with a malformed project_id",
                        (s, f) -> s.artifacts().createArtifact(artifact(MALFORMED_ID).build()), "project_id"),
                notFound("CreateArtifact in an unknown project",
                        (s, f) -> s.artifacts().createArtifact(artifact(UNKNOWN_ID).build())),
                invalid("CreateArtifact with a malformed task_id",
                        (s, f) -> s.artifacts().createArtifact(artifact(f.activeProject()).setTaskId(MALFORMED_ID)
                                .build()), "task_id"),
                invalid("CreateArtifact with a task of another project",
                        (s, f) -> s.artifacts().createArtifact(artifact(f.activeProject())
                                .setTaskId(f.cancelledProjectTask()).build()), "task_id"),
                invalid("CreateArtifact without content",
                        (s, f) -> s.artifacts().createArtifact(artifact(f.activeProject()).clearContent().build()),
                        "content"),
                invalid("CreateArtifact without a name",
                        (s, f) -> s.artifacts().createArtifact(artifact(f.activeProject()).setName("").build()),
                        "name"),
                invalid("CreateArtifact named 'docs/spec.md' (path separator)",
                        (s, f) -> s.artifacts().createArtifact(artifact(f.activeProject()).setName("docs/spec.md")
                                .build()), "name"),
                invalid("CreateArtifact named 'docs\\spec.md' (path separator)",
                        (s, f) -> s.artifacts().createArtifact(artifact(f.activeProject()).setName("docs\\spec.md")
                                .build()), "name"),
                invalid("CreateArtifact named '..'",
                        (s, f) -> s.artifacts().createArtifact(artifact(f.activeProject()).setName("..").build()),
                        "name"),
                invalid("CreateArtifact with a newline in its name",
                        (s, f) -> s.artifacts().createArtifact(artifact(f.activeProject()).setName("a\nb.md").build()),
                        "name"),
                invalid("CreateArtifact with a 256-character name",
                        (s, f) -> s.artifacts().createArtifact(artifact(f.activeProject()).setName(text(256)).build()),
                        "name"),
                invalid("CreateArtifact with a NUL character in its name",
                        (s, f) -> s.artifacts().createArtifact(artifact(f.activeProject()).setName("a" + NUL + "b.md")
                                .build()), "name"),
                invalid("CreateArtifact with a 256-character name with a '/' reports the name once",
                        (s, f) -> s.artifacts().createArtifact(artifact(f.activeProject()).setName("a/" + text(254))
                                .build()), "name"),
                invalid("CreateArtifact with artifact_type 'has space'",
                        (s, f) -> s.artifacts().createArtifact(artifact(f.activeProject())
                                .setArtifactType("has space").build()), "artifact_type"),
                invalid("CreateArtifact with a 256-character media_type",
                        (s, f) -> s.artifacts().createArtifact(artifact(f.activeProject()).setMediaType(text(256))
                                .build()), "media_type"),
                invalid("CreateArtifact with a NUL character in its media_type",
                        (s, f) -> s.artifacts().createArtifact(artifact(f.activeProject()).setMediaType("text/" + NUL)
                                .build()), "media_type"),
                invalid("CreateArtifact with a NUL character in its text content",
                        (s, f) -> s.artifacts().createArtifact(artifact(f.activeProject()).setText("a" + NUL + "b")
                                .build()), "text"),
                invalid("CreateArtifact with NaN as its JSON content",
                        (s, f) -> s.artifacts().createArtifact(artifact(f.activeProject())
                                .setJson(Value.newBuilder().setNumberValue(Double.NaN)).build()), "json"),
                invalid("CreateArtifact with 16 MiB + 1 byte of content",
                        (s, f) -> s.artifacts().createArtifact(artifact(f.activeProject())
                                .setBinary(ByteString.copyFrom(new byte[(16 << 20) + 1])).build()), "content"),
                // Past the server's 20 MiB message limit the transport refuses before the endpoint.
                refused("CreateArtifact message over the 20 MiB transport limit",
                        Status.Code.RESOURCE_EXHAUSTED,
                        (s, f) -> s.artifacts().createArtifact(artifact(f.activeProject())
                                .setBinary(ByteString.copyFrom(new byte[(20 << 20) + 1])).build())),

                invalid("ListArtifacts without project_id",
                        (s, f) -> s.artifacts().listArtifacts(ListArtifactsRequest.getDefaultInstance()), "project_id"),
                invalid("ListArtifacts with a malformed project_id",
                        (s, f) -> s.artifacts().listArtifacts(listArtifacts(MALFORMED_ID).build()), "project_id"),
                notFound("ListArtifacts of an unknown project",
                        (s, f) -> s.artifacts().listArtifacts(listArtifacts(UNKNOWN_ID).build())),
                invalid("ListArtifacts with page_size -1",
                        (s, f) -> s.artifacts().listArtifacts(listArtifacts(f.activeProject()).setPageSize(-1).build()),
                        "page_size"),
                invalid("ListArtifacts with page_size 1001",
                        (s, f) -> s.artifacts().listArtifacts(listArtifacts(f.activeProject()).setPageSize(1_001)
                                .build()), "page_size"),
                invalid("ListArtifacts with a garbage page_token",
                        (s, f) -> s.artifacts().listArtifacts(listArtifacts(f.activeProject())
                                .setPageToken(GARBAGE_TOKEN).build()), "page_token"),

                invalid("GetArtifact without artifact_id",
                        (s, f) -> s.artifacts().getArtifact(GetArtifactRequest.getDefaultInstance()), "artifact_id"),
                invalid("GetArtifact with a malformed artifact_id",
                        (s, f) -> s.artifacts().getArtifact(GetArtifactRequest.newBuilder().setArtifactId(MALFORMED_ID)
                                .build()), "artifact_id"),
                notFound("GetArtifact of an unknown artifact",
                        (s, f) -> s.artifacts().getArtifact(GetArtifactRequest.newBuilder().setArtifactId(UNKNOWN_ID)
                                .build())));
    }

    // ---------------------------------------------------------------- EventService

    static List<Case> eventCases() {
        return List.of(
                invalid("ListEvents with after_seq -1",
                        (s, f) -> s.events().listEvents(ListEventsRequest.newBuilder().setAfterSeq(-1).build()),
                        "after_seq"),
                invalid("ListEvents with a malformed project_id",
                        (s, f) -> s.events().listEvents(ListEventsRequest.newBuilder().setProjectId(MALFORMED_ID)
                                .build()), "project_id"),
                invalid("ListEvents with a malformed task_id",
                        (s, f) -> s.events().listEvents(ListEventsRequest.newBuilder().setTaskId(MALFORMED_ID).build()),
                        "task_id"),
                invalid("ListEvents with 33 event types",
                        (s, f) -> s.events().listEvents(ListEventsRequest.newBuilder().addAllEventTypes(eventTypes(33))
                                .build()), "event_types"),
                invalid("ListEvents with event type 'has space'",
                        (s, f) -> s.events().listEvents(ListEventsRequest.newBuilder().addEventTypes("has space")
                                .build()), "event_types[0]"),
                invalid("ListEvents with page_size -1",
                        (s, f) -> s.events().listEvents(ListEventsRequest.newBuilder().setPageSize(-1).build()),
                        "page_size"),
                invalid("ListEvents with page_size 1001",
                        (s, f) -> s.events().listEvents(ListEventsRequest.newBuilder().setPageSize(1_001).build()),
                        "page_size"),

                // A server stream fails on its first read; hasNext() receives the status.
                invalid("Subscribe with after_seq -2",
                        (s, f) -> s.events().subscribe(SubscribeRequest.newBuilder().setAfterSeq(-2).build()).hasNext(),
                        "after_seq"),
                invalid("Subscribe with a malformed project_id",
                        (s, f) -> s.events().subscribe(SubscribeRequest.newBuilder().setProjectId(MALFORMED_ID).build())
                                .hasNext(), "project_id"),
                invalid("Subscribe with a malformed task_id",
                        (s, f) -> s.events().subscribe(SubscribeRequest.newBuilder().setTaskId(MALFORMED_ID).build())
                                .hasNext(), "task_id"),
                invalid("Subscribe with 33 event types",
                        (s, f) -> s.events().subscribe(SubscribeRequest.newBuilder().addAllEventTypes(eventTypes(33))
                                .build()).hasNext(), "event_types"),
                invalid("Subscribe with event type '-leading'",
                        (s, f) -> s.events().subscribe(SubscribeRequest.newBuilder().addEventTypes("-leading").build())
                                .hasNext(), "event_types[0]"),
                invalid("Subscribe with a 129-character worker_id",
                        (s, f) -> s.events().subscribe(SubscribeRequest.newBuilder().setWorkerId(text(129)).build())
                                .hasNext(), "worker_id"),
                invalid("Subscribe with a NUL character in worker_id",
                        (s, f) -> s.events().subscribe(SubscribeRequest.newBuilder().setWorkerId("w" + NUL).build())
                                .hasNext(), "worker_id"));
    }

    // ---------------------------------------------------------------- case and request builders

    private static Case invalid(String name, Call call, String... fields) {
        return new Case(name, call, Status.Code.INVALID_ARGUMENT, Arrays.stream(fields).sorted().toList());
    }

    private static Case notFound(String name, Call call) {
        return refused(name, Status.Code.NOT_FOUND, call);
    }

    private static Case failedPrecondition(String name, Call call) {
        return refused(name, Status.Code.FAILED_PRECONDITION, call);
    }

    private static Case refused(String name, Status.Code code, Call call) {
        return new Case(name, call, code, List.of());
    }

    /** A spec every RPC accepts. */
    private static TaskSpec.Builder validSpec() {
        return TaskSpec.newBuilder().setAgentType("coder").setInstructions("Write the thing.");
    }

    private static CreateProjectRequest.Builder project() {
        return CreateProjectRequest.newBuilder();
    }

    private static CreateProjectRequest.Builder named() {
        return project().setName("bad input");
    }

    private static GetProjectRequest getProject(String id) {
        return GetProjectRequest.newBuilder().setProjectId(id).build();
    }

    private static CancelProjectRequest.Builder cancelProject(String id) {
        return CancelProjectRequest.newBuilder().setProjectId(id);
    }

    private static ForceCompleteRequest forceComplete(String id) {
        return ForceCompleteRequest.newBuilder().setProjectId(id).build();
    }

    private static CreateTaskRequest.Builder createTask(String projectId) {
        return CreateTaskRequest.newBuilder().setProjectId(projectId).setTask(validSpec());
    }

    private static CreateTasksRequest.Builder createTasks(String projectId, int count) {
        CreateTasksRequest.Builder b = CreateTasksRequest.newBuilder().setProjectId(projectId);
        for (int i = 0; i < count; i++) {
            b.addTasks(validSpec());
        }
        return b;
    }

    private static GetTaskRequest getTask(String id) {
        return GetTaskRequest.newBuilder().setTaskId(id).build();
    }

    private static CancelTaskRequest.Builder cancelTask(String id) {
        return CancelTaskRequest.newBuilder().setTaskId(id);
    }

    private static RetryTaskRequest retryTask(String id) {
        return RetryTaskRequest.newBuilder().setTaskId(id).build();
    }

    private static ListTaskMessagesRequest.Builder taskMessages(String id) {
        return ListTaskMessagesRequest.newBuilder().setTaskId(id);
    }

    private static GetHitlRequestRequest getHitl(String id) {
        return GetHitlRequestRequest.newBuilder().setRequestId(id).build();
    }

    private static RespondHitlRequestRequest.Builder respond(String id, HitlAction action) {
        return RespondHitlRequestRequest.newBuilder().setRequestId(id).setAction(action);
    }

    private static GetAgentStatusHistoryRequest.Builder history(String agentType) {
        return GetAgentStatusHistoryRequest.newBuilder().setAgentType(agentType);
    }

    private static GetWorkerMetricsHistoryRequest.Builder metrics(String workerId) {
        return GetWorkerMetricsHistoryRequest.newBuilder().setWorkerId(workerId);
    }

    private static CreateArtifactRequest.Builder artifact(String projectId) {
        return CreateArtifactRequest.newBuilder().setProjectId(projectId).setName("notes.md").setText("# Notes");
    }

    private static ListArtifactsRequest.Builder listArtifacts(String projectId) {
        return ListArtifactsRequest.newBuilder().setProjectId(projectId);
    }

    private static List<String> eventTypes(int n) {
        return IntStream.range(0, n).mapToObj(i -> "type_" + i).toList();
    }

    private static Map<String, String> entries(int n, String keyPrefix, String value) {
        Map<String, String> m = new HashMap<>();
        IntStream.range(0, n).forEach(i -> m.put(keyPrefix + i, value));
        return m;
    }

    private static String text(int length) {
        return "x".repeat(length);
    }

    private static Duration seconds(long s) {
        return Duration.newBuilder().setSeconds(s).build();
    }

    private static String token(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Built on first use: a JSON object one mebibyte long before its braces. */
    private static final class Inputs {
        static final Struct OVERSIZED = Struct.newBuilder()
                .putFields("blob", Value.newBuilder().setStringValue(text(1 << 20)).build()).build();
    }
}
