package dev.agentgrid.controlplane.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.agentgrid.controlplane.testing.ControlPlaneTestBase;
import dev.agentgrid.proto.v1.AgentStatus;
import dev.agentgrid.proto.v1.CancelProjectRequest;
import dev.agentgrid.proto.v1.CancelTaskRequest;
import dev.agentgrid.proto.v1.CheckCompletionRequest;
import dev.agentgrid.proto.v1.CheckCompletionResponse;
import dev.agentgrid.proto.v1.CreateArtifactRequest;
import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.CreateProjectResponse;
import dev.agentgrid.proto.v1.CreateTaskRequest;
import dev.agentgrid.proto.v1.Counter;
import dev.agentgrid.proto.v1.LatencyBucket;
import dev.agentgrid.proto.v1.Latency;
import dev.agentgrid.proto.v1.GetStatsResponse;
import dev.agentgrid.proto.v1.GetStatsRequest;
import dev.agentgrid.proto.v1.CreateTasksResponse;
import dev.agentgrid.proto.v1.CreateTasksRequest;
import dev.agentgrid.proto.v1.Event;
import dev.agentgrid.proto.v1.ForceCompleteRequest;
import dev.agentgrid.proto.v1.GetAgentStatusHistoryRequest;
import dev.agentgrid.proto.v1.GetAgentStatusRequest;
import dev.agentgrid.proto.v1.GetArtifactRequest;
import dev.agentgrid.proto.v1.GetHitlRequestRequest;
import dev.agentgrid.proto.v1.GetProjectRequest;
import dev.agentgrid.proto.v1.GetProjectResponse;
import dev.agentgrid.proto.v1.GetTaskRequest;
import dev.agentgrid.proto.v1.GetWorkflowTemplateRequest;
import dev.agentgrid.proto.v1.ListWorkflowTemplatesRequest;
import dev.agentgrid.proto.v1.RenderWorkflowTemplateRequest;
import dev.agentgrid.proto.v1.GetWorkerRequest;
import dev.agentgrid.proto.v1.HitlAction;
import dev.agentgrid.proto.v1.HitlKind;
import dev.agentgrid.proto.v1.HitlRequest;
import dev.agentgrid.proto.v1.HitlStatus;
import dev.agentgrid.proto.v1.ListAgentStatusesRequest;
import dev.agentgrid.proto.v1.ListArtifactsRequest;
import dev.agentgrid.proto.v1.ListEventsRequest;
import dev.agentgrid.proto.v1.ListHitlRequestsRequest;
import dev.agentgrid.proto.v1.ListHitlRequestsResponse;
import dev.agentgrid.proto.v1.ListProjectsRequest;
import dev.agentgrid.proto.v1.ListProjectsResponse;
import dev.agentgrid.proto.v1.ListTaskMessagesRequest;
import dev.agentgrid.proto.v1.ListTasksRequest;
import dev.agentgrid.proto.v1.ListTasksResponse;
import dev.agentgrid.proto.v1.ListWorkersRequest;
import dev.agentgrid.proto.v1.ProjectStatus;
import dev.agentgrid.proto.v1.ResetAgentStatusRequest;
import dev.agentgrid.proto.v1.RespondHitlRequestRequest;
import dev.agentgrid.proto.v1.RetryPolicy;
import dev.agentgrid.proto.v1.RetryTaskRequest;
import dev.agentgrid.proto.v1.Task;
import dev.agentgrid.proto.v1.TaskSpec;
import dev.agentgrid.proto.v1.TaskStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The admin services end to end over real gRPC: what a grpcurl user does, checked on the rows
 * and events they leave. Runs on H2 ({@link AdminApiH2Test}) and PostgreSQL
 * ({@link AdminApiPostgresTest}).
 */
abstract class AdminApiTest extends ControlPlaneTestBase {

    private static TaskSpec spec(String key, String agentType, String... dependsOn) {
        return TaskSpec.newBuilder().setKey(key).setAgentType(agentType).setInstructions("do the " + key)
                .addAllDependsOn(List.of(dependsOn)).build();
    }

    private String uniqueAgent(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private List<Event> eventsAfter(long seq, String projectId) {
        ListEventsRequest.Builder req = ListEventsRequest.newBuilder().setAfterSeq(seq).setPageSize(1000);
        if (projectId != null) {
            req.setProjectId(projectId);
        }
        return client.events.listEvents(req.build()).getEventsList();
    }

    private long latestSeq() {
        long seq = 0;
        while (true) {
            var page = client.events.listEvents(ListEventsRequest.newBuilder().setAfterSeq(seq).setPageSize(1000).build());
            if (page.getEventsCount() == 0) {
                return seq;
            }
            seq = page.getLastSeq();
        }
    }

    @Test
    void createProjectStoresTasksWithDependenciesAndEmitsEventsInOneTransaction() {
        String analyst = uniqueAgent("analyst");
        String architect = uniqueAgent("architect");
        long before = latestSeq();
        CreateProjectResponse created = client.projects.createProject(CreateProjectRequest.newBuilder()
                .setName("shop").setDescription("an online shop").setProductIdea("sell socks online")
                .addTasks(spec("analyse", analyst).toBuilder()
                        .setInput(Struct.newBuilder().putFields("budget", Value.newBuilder().setNumberValue(3).build()))
                        .setPriority(7).putLabelSelector("gpu", "true")
                        .setRetryPolicy(RetryPolicy.newBuilder().setMaximumAttempts(5)))
                .addTasks(spec("design", architect, "analyse"))
                .build());

        assertEquals(ProjectStatus.PROJECT_STATUS_ACTIVE, created.getProject().getStatus());
        assertEquals(2, created.getTasksCount());
        Task analyse = created.getTasks(0);
        Task design = created.getTasks(1);
        assertEquals(TaskStatus.TASK_STATUS_PENDING, analyse.getStatus());
        assertEquals(1, analyse.getAttempt());
        assertEquals(7, analyse.getPriority());
        assertEquals("true", analyse.getLabelSelectorMap().get("gpu"));
        assertEquals(3.0, analyse.getInput().getFieldsMap().get("budget").getNumberValue());
        assertEquals(5, analyse.getRetryPolicy().getMaximumAttempts());
        assertEquals(2.0, analyse.getRetryPolicy().getBackoffCoefficient());
        assertEquals(3600, analyse.getTimeout().getSeconds());
        assertEquals(List.of(analyse.getId()), design.getDependsOnList());
        assertEquals("waiting for 1 dependencies", design.getStatusReason());

        GetProjectResponse got = client.projects.getProject(GetProjectRequest.newBuilder()
                .setProjectId(created.getProject().getId()).build());
        assertEquals("shop", got.getProject().getName());
        assertEquals("sell socks online", got.getProject().getProductIdea());
        assertEquals(2, got.getProject().getCompletion().getTotalTasks());
        assertEquals(0, got.getProject().getCompletion().getCompletionPercentage());
        assertEquals(List.of(analyse.getId(), design.getId()),
                got.getTasksList().stream().map(Task::getId).toList());

        List<Event> events = eventsAfter(before, created.getProject().getId());
        List<String> types = events.stream().map(Event::getEventType).toList();
        assertEquals(List.of("workflow_event", "task_status_change", "task_status_change"), types);
        assertEquals("project_created", events.get(0).getData().getFieldsMap().get("event").getStringValue());
        assertEquals("pending", events.get(1).getData().getFieldsMap().get("status").getStringValue());
        for (int i = 1; i < events.size(); i++) {
            assertEquals(events.get(i - 1).getSeq() + 1, events.get(i).getSeq(), "one transaction, consecutive seqs");
        }
        // The agent types became known, IDLE (nothing assigned yet).
        derivedStateSettled();
        assertEquals(AgentStatus.AGENT_STATUS_IDLE, client.agents.getAgentStatus(GetAgentStatusRequest.newBuilder()
                .setAgentType(analyst).build()).getAgent().getStatus());
    }

    @Test
    void createProjectWithARequestIdIsIdempotent() {
        String key = "req-" + UUID.randomUUID();
        CreateProjectRequest req = CreateProjectRequest.newBuilder().setName("once").setRequestId(key)
                .addTasks(spec("a", uniqueAgent("coder"))).build();
        CreateProjectResponse first = client.projects.createProject(req);
        List<Object> after = fingerprint();
        CreateProjectResponse second = client.projects.createProject(req);
        assertEquals(first.getProject().getId(), second.getProject().getId());
        assertEquals(first.getTasksList().stream().map(Task::getId).toList(),
                second.getTasksList().stream().map(Task::getId).toList());
        assertEquals(after, fingerprint(), "a repeated request stores nothing new");
    }

    @Test
    void createTasksAddsABatchInOneTransactionAndARepeatedRequestIdStoresNothingNew() {
        String coder = uniqueAgent("coder");
        String projectId = client.projects.createProject(CreateProjectRequest.newBuilder().setName("batch").build())
                .getProject().getId();
        String earlier = client.tasks.createTask(CreateTaskRequest.newBuilder().setProjectId(projectId)
                .setTask(spec("", coder)).build()).getTask().getId();
        long before = latestSeq();
        CreateTasksRequest req = CreateTasksRequest.newBuilder().setProjectId(projectId)
                .setRequestId("batch-" + UUID.randomUUID())
                .addTasks(spec("first", coder).toBuilder().addDependsOn(earlier))
                .addTasks(spec("second", coder, "first"))
                .addTasks(spec("", coder).toBuilder().setInstructions("long instructions"))
                .build();
        CreateTasksResponse created = client.tasks.createTasks(req);

        assertEquals(3, created.getTasksCount());
        assertEquals(List.of(earlier), created.getTasks(0).getDependsOnList());
        assertEquals(List.of(created.getTasks(0).getId()), created.getTasks(1).getDependsOnList());
        assertEquals("long instructions", created.getTasks(2).getInstructions());
        assertEquals(TaskStatus.TASK_STATUS_PENDING, created.getTasks(2).getStatus());
        List<Event> events = eventsAfter(before, projectId);
        assertEquals(List.of("task_status_change", "task_status_change", "task_status_change"),
                events.stream().map(Event::getEventType).toList());
        assertEquals(created.getTasksList().stream().map(Task::getId).toList(),
                events.stream().map(e -> e.getTaskId()).toList(), "events in request order");
        for (int i = 1; i < events.size(); i++) {
            assertEquals(events.get(i - 1).getSeq() + 1, events.get(i).getSeq(), "one transaction, consecutive seqs");
        }

        List<Object> after = fingerprint();
        CreateTasksResponse repeated = client.tasks.createTasks(req);
        assertEquals(created.getTasksList().stream().map(Task::getId).toList(),
                repeated.getTasksList().stream().map(Task::getId).toList());
        assertEquals(after, fingerprint(), "a repeated request stores nothing new");

        String other = client.projects.createProject(CreateProjectRequest.newBuilder().setName("other").build())
                .getProject().getId();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> client.tasks.createTasks(req.toBuilder().setProjectId(other).build()));
        assertEquals(io.grpc.Status.Code.ALREADY_EXISTS, e.getStatus().getCode());

        CreateTasksResponse slim = client.tasks.createTasks(CreateTasksRequest.newBuilder().setProjectId(projectId)
                .setOmitSpecs(true).addTasks(spec("", coder)).build());
        assertEquals("", slim.getTasks(0).getInstructions(), "omit_specs leaves out the instructions");
        assertEquals(coder, slim.getTasks(0).getAgentType());
        assertEquals("do the ", client.tasks.getTask(GetTaskRequest.newBuilder().setTaskId(slim.getTasks(0).getId())
                .build()).getTask().getInstructions(), "but stores them");
    }

    @Test
    void statsCountTheCallsAndEventsAndDescribeTheJvm() {
        GetStatsResponse before = client.stats.getStats(GetStatsRequest.getDefaultInstance());
        String projectId = client.projects.createProject(CreateProjectRequest.newBuilder().setName("stats").build())
                .getProject().getId();
        client.tasks.createTasks(CreateTasksRequest.newBuilder().setProjectId(projectId)
                .addTasks(spec("", uniqueAgent("coder"))).addTasks(spec("", uniqueAgent("coder"))).build());
        GetStatsResponse after = client.stats.getStats(GetStatsRequest.getDefaultInstance());

        assertEquals(1, latencyCount(after, "create_tasks") - latencyCount(before, "create_tasks"));
        // A project_created event, then two task events (and any agent status changes).
        assertTrue(counter(after, "events_appended") - counter(before, "events_appended") >= 3);
        assertTrue(after.getJvm().getHeapUsedBytes() > 0);
        assertTrue(after.getJvm().getHeapMaxBytes() >= after.getJvm().getHeapCommittedBytes());
        assertTrue(after.getJvm().getProcessCpuTime().getSeconds() > 0 || after.getJvm().getProcessCpuTime().getNanos() > 0);
        assertTrue(after.getJvm().hasStartToReady(), "the server has started");
        Latency creates = after.getLatenciesList().stream().filter(l -> l.getName().equals("create_tasks"))
                .findFirst().orElseThrow();
        assertEquals(creates.getCount(), creates.getBucketsList().stream().mapToLong(LatencyBucket::getCount).sum());
    }

    private static long latencyCount(GetStatsResponse s, String name) {
        return s.getLatenciesList().stream().filter(l -> l.getName().equals(name)).mapToLong(Latency::getCount).sum();
    }

    private static long counter(GetStatsResponse s, String name) {
        return s.getCountersList().stream().filter(c -> c.getName().equals(name)).mapToLong(Counter::getValue).sum();
    }

    @Test
    void aProductIdeaAloneCreatesTheDefaultPipelineNamedAfterItsFirstLine() {
        CreateProjectResponse created = client.projects.createProject(CreateProjectRequest.newBuilder()
                .setProductIdea("A todo app\nwith reminders").build());
        assertEquals("A todo app", created.getProject().getName());
        assertEquals("default", created.getProject().getTemplateId());
        assertEquals(List.of("analyst", "architect", "developer", "tester", "deployer"),
                created.getTasksList().stream().map(Task::getAgentType).toList());
        assertEquals(TaskStatus.TASK_STATUS_PENDING, created.getTasks(0).getStatus());
        assertTrue(created.getTasks(0).getInstructions().contains("A todo app\nwith reminders"));
        Task develop = created.getTasks(2);
        assertTrue(develop.getRequiresApproval());
        assertEquals(TaskStatus.TASK_STATUS_PENDING, develop.getStatus(),
                "the gate opens only when the architect is done");
        assertEquals(0, client.hitl.listHitlRequests(ListHitlRequestsRequest.newBuilder()
                .setProjectId(created.getProject().getId()).build()).getRequestsCount());
        assertEquals(List.of(created.getTasks(1).getId()), develop.getDependsOnList());
    }

    @Test
    void workflowTemplatesAreListedDescribedAndRendered() {
        var list = client.workflows.listWorkflowTemplates(ListWorkflowTemplatesRequest.getDefaultInstance());
        var listed = list.getTemplatesList().stream().filter(t -> t.getId().equals("default")).findFirst()
                .orElseThrow();
        assertTrue(listed.getContent().isEmpty(), "listings carry no source");
        assertEquals(List.of("analyse", "design", "develop", "test", "deploy"), listed.getSectionsList());
        var full = client.workflows.getWorkflowTemplate(GetWorkflowTemplateRequest.newBuilder()
                .setTemplateId("default").build()).getTemplate();
        assertTrue(full.getContent().contains("agent_type: architect"));
        assertTrue(full.getVariablesList().stream().anyMatch(v -> v.getName().equals("product_idea") && v.getRequired()));
        var rendered = client.workflows.renderWorkflowTemplate(RenderWorkflowTemplateRequest.newBuilder()
                .setTemplateId("default").putVariables("product_idea", "chess club site")
                .putVariables("tech_stack", "Kotlin").build());
        assertEquals(5, rendered.getTasksCount());
        assertTrue(rendered.getTasks(1).getInstructions().contains("Kotlin"));
        StatusRuntimeException missing = assertThrows(StatusRuntimeException.class, () -> client.workflows
                .renderWorkflowTemplate(RenderWorkflowTemplateRequest.newBuilder().setTemplateId("default").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, missing.getStatus().getCode());
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> client.workflows
                .getWorkflowTemplate(GetWorkflowTemplateRequest.newBuilder().setTemplateId("nope").build()))
                .getStatus().getCode());
    }

    @Test
    void tasksListWithFiltersAndStablePageTokens() {
        String agent = uniqueAgent("tester");
        String project = client.projects.createProject(CreateProjectRequest.newBuilder().setName("paged").build())
                .getProject().getId();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(client.tasks.createTask(CreateTaskRequest.newBuilder().setProjectId(project)
                    .setTask(TaskSpec.newBuilder().setAgentType(agent).setInstructions("t" + i)).build())
                    .getTask().getId());
        }
        client.tasks.cancelTask(CancelTaskRequest.newBuilder().setTaskId(ids.get(3)).build());

        List<String> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListTasksResponse page = client.tasks.listTasks(ListTasksRequest.newBuilder().setProjectId(project)
                    .setPageSize(3).setPageToken(token).build());
            page.getTasksList().forEach(t -> seen.add(t.getId()));
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty());
        assertEquals(ids, seen, "every task once, in creation order");
        assertEquals(3, pages);

        ListTasksResponse cancelled = client.tasks.listTasks(ListTasksRequest.newBuilder().setAgentType(agent)
                .addStatuses(TaskStatus.TASK_STATUS_CANCELLED).build());
        assertEquals(List.of(ids.get(3)), cancelled.getTasksList().stream().map(Task::getId).toList());
        ListTasksResponse pending = client.tasks.listTasks(ListTasksRequest.newBuilder().setProjectId(project)
                .addStatuses(TaskStatus.TASK_STATUS_PENDING).setPageSize(100).build());
        assertEquals(6, pending.getTasksCount());
        assertTrue(pending.getNextPageToken().isEmpty());
    }

    @Test
    void cancelEndsATaskOnceAndRetryBringsItBackAsTheNextAttempt() {
        String agent = uniqueAgent("coder");
        String project = client.projects.createProject(CreateProjectRequest.newBuilder().setName("retry")
                .addTasks(spec("a", agent)).addTasks(spec("b", agent)).build()).getProject().getId();
        Task task = client.tasks.listTasks(ListTasksRequest.newBuilder().setProjectId(project).build()).getTasks(0);

        Task cancelled = client.tasks.cancelTask(CancelTaskRequest.newBuilder().setTaskId(task.getId())
                .setReason("not needed").build()).getTask();
        assertEquals(TaskStatus.TASK_STATUS_CANCELLED, cancelled.getStatus());
        assertEquals("not needed", cancelled.getStatusReason());
        assertTrue(cancelled.hasFinishTime());

        StatusRuntimeException again = assertThrows(StatusRuntimeException.class, () -> client.tasks.cancelTask(
                CancelTaskRequest.newBuilder().setTaskId(task.getId()).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, again.getStatus().getCode());

        Task retried = client.tasks.retryTask(RetryTaskRequest.newBuilder().setTaskId(task.getId()).build()).getTask();
        assertEquals(TaskStatus.TASK_STATUS_PENDING, retried.getStatus());
        assertEquals(2, retried.getAttempt());
        assertFalse(retried.hasFinishTime());

        StatusRuntimeException retryPending = assertThrows(StatusRuntimeException.class, () -> client.tasks.retryTask(
                RetryTaskRequest.newBuilder().setTaskId(task.getId()).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, retryPending.getStatus().getCode());
    }

    @Test
    void approvalGateWaitsForAHumanAndApproveReleasesItExactlyOnce() {
        String agent = uniqueAgent("deployer");
        CreateProjectResponse created = client.projects.createProject(CreateProjectRequest.newBuilder()
                .setName("gated").addTasks(spec("deploy", agent).toBuilder().setRequiresApproval(true)
                        .setApprovalQuestion("Ship it to production?"))
                .build());
        Task task = created.getTasks(0);
        assertEquals(TaskStatus.TASK_STATUS_WAITING_FOR_HITL, task.getStatus());
        derivedStateSettled();
        assertEquals(AgentStatus.AGENT_STATUS_WAITING_FOR_HITL, client.agents.getAgentStatus(
                GetAgentStatusRequest.newBuilder().setAgentType(agent).build()).getAgent().getStatus());

        ListHitlRequestsResponse inbox = client.hitl.listHitlRequests(ListHitlRequestsRequest.newBuilder()
                .setProjectId(created.getProject().getId()).build());
        assertEquals(1, inbox.getPendingCount());
        HitlRequest request = inbox.getRequests(0);
        assertEquals("Ship it to production?", request.getQuestion());
        assertEquals(HitlKind.HITL_KIND_APPROVAL_GATE, request.getKind());
        assertEquals(HitlStatus.HITL_STATUS_PENDING, request.getStatus());
        assertEquals(task.getId(), request.getTaskId());

        long before = latestSeq();
        HitlRequest answered = client.hitl.respondHitlRequest(RespondHitlRequestRequest.newBuilder()
                .setRequestId(request.getId()).setAction(HitlAction.HITL_ACTION_APPROVE).setResponder("alice")
                .build()).getRequest();
        assertEquals(HitlStatus.HITL_STATUS_APPROVED, answered.getStatus());
        assertEquals("alice", answered.getResponder());
        Task released = client.tasks.getTask(GetTaskRequest.newBuilder().setTaskId(task.getId()).build()).getTask();
        assertEquals(TaskStatus.TASK_STATUS_PENDING, released.getStatus());
        assertEquals("approved by alice", released.getStatusReason());
        List<String> types = eventsAfter(before, created.getProject().getId()).stream().map(Event::getEventType)
                .toList();
        assertEquals(List.of("hitl_response", "task_status_change"), types);

        List<Object> after = fingerprint();
        StatusRuntimeException second = assertThrows(StatusRuntimeException.class, () -> client.hitl
                .respondHitlRequest(RespondHitlRequestRequest.newBuilder().setRequestId(request.getId())
                        .setAction(HitlAction.HITL_ACTION_REJECT).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, second.getStatus().getCode());
        assertEquals(after, fingerprint(), "the second answer changed nothing");
        assertEquals(0, client.hitl.listHitlRequests(ListHitlRequestsRequest.newBuilder()
                .setProjectId(created.getProject().getId()).build()).getPendingCount());
        assertEquals(HitlStatus.HITL_STATUS_APPROVED, client.hitl.getHitlRequest(GetHitlRequestRequest.newBuilder()
                .setRequestId(request.getId()).build()).getRequest().getStatus());
    }

    @Test
    void amendReleasesTheGateWithNewInstructionsAndRejectCancelsTheTask() {
        String agent = uniqueAgent("architect");
        CreateProjectResponse created = client.projects.createProject(CreateProjectRequest.newBuilder()
                .setName("amend").addTasks(spec("one", agent).toBuilder().setRequiresApproval(true))
                .addTasks(spec("two", agent).toBuilder().setRequiresApproval(true)).build());
        List<HitlRequest> requests = client.hitl.listHitlRequests(ListHitlRequestsRequest.newBuilder()
                .setProjectId(created.getProject().getId()).build()).getRequestsList();
        assertEquals(2, requests.size());

        client.hitl.respondHitlRequest(RespondHitlRequestRequest.newBuilder().setRequestId(requests.get(0).getId())
                .setAction(HitlAction.HITL_ACTION_AMEND).setResponseContent("do it in Rust").build());
        Task amended = client.tasks.getTask(GetTaskRequest.newBuilder().setTaskId(requests.get(0).getTaskId())
                .build()).getTask();
        assertEquals(TaskStatus.TASK_STATUS_PENDING, amended.getStatus());
        assertEquals("do it in Rust", amended.getInstructions());

        client.hitl.respondHitlRequest(RespondHitlRequestRequest.newBuilder().setRequestId(requests.get(1).getId())
                .setAction(HitlAction.HITL_ACTION_REJECT).setResponseContent("no").build());
        Task rejected = client.tasks.getTask(GetTaskRequest.newBuilder().setTaskId(requests.get(1).getTaskId())
                .build()).getTask();
        assertEquals(TaskStatus.TASK_STATUS_CANCELLED, rejected.getStatus());
        assertEquals("rejected at approval gate", rejected.getStatusReason());

        // A rejected gate task retried asks for approval again, with the same question.
        Task retried = client.tasks.retryTask(RetryTaskRequest.newBuilder().setTaskId(rejected.getId()).build())
                .getTask();
        assertEquals(TaskStatus.TASK_STATUS_WAITING_FOR_HITL, retried.getStatus());
        ListHitlRequestsResponse pending = client.hitl.listHitlRequests(ListHitlRequestsRequest.newBuilder()
                .setTaskId(rejected.getId()).addStatuses(HitlStatus.HITL_STATUS_PENDING).build());
        assertEquals(1, pending.getRequestsCount());
        assertEquals(requests.get(1).getQuestion(), pending.getRequests(0).getQuestion());
    }

    @Test
    void cancellingAProjectCancelsItsTasksAndClosesItsHitlRequests() {
        String agent = uniqueAgent("coder");
        CreateProjectResponse created = client.projects.createProject(CreateProjectRequest.newBuilder()
                .setName("doomed").addTasks(spec("a", agent)).addTasks(spec("b", agent).toBuilder()
                        .setRequiresApproval(true)).build());
        String id = created.getProject().getId();
        var cancelled = client.projects.cancelProject(CancelProjectRequest.newBuilder().setProjectId(id)
                .setReason("budget cut").build()).getProject();
        assertEquals(ProjectStatus.PROJECT_STATUS_CANCELLED, cancelled.getStatus());
        assertEquals(2, cancelled.getCompletion().getCancelledTasks());
        Set<TaskStatus> statuses = client.tasks.listTasks(ListTasksRequest.newBuilder().setProjectId(id).build())
                .getTasksList().stream().map(Task::getStatus).collect(Collectors.toSet());
        assertEquals(Set.of(TaskStatus.TASK_STATUS_CANCELLED), statuses);
        ListHitlRequestsResponse hitl = client.hitl.listHitlRequests(ListHitlRequestsRequest.newBuilder()
                .setProjectId(id).build());
        assertEquals(0, hitl.getPendingCount());
        assertEquals(HitlStatus.HITL_STATUS_CANCELLED, hitl.getRequests(0).getStatus());

        StatusRuntimeException addToCancelled = assertThrows(StatusRuntimeException.class, () -> client.tasks
                .createTask(CreateTaskRequest.newBuilder().setProjectId(id)
                        .setTask(TaskSpec.newBuilder().setAgentType(agent).setInstructions("more")).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, addToCancelled.getStatus().getCode());
    }

    @Test
    void projectCompletesWhenEveryTaskIsTerminalAndCanBeForced() {
        String agent = uniqueAgent("tester");
        String id = client.projects.createProject(CreateProjectRequest.newBuilder().setName("finish")
                .addTasks(spec("a", agent)).addTasks(spec("b", agent)).build()).getProject().getId();
        CheckCompletionResponse open = client.projects.checkCompletion(CheckCompletionRequest.newBuilder()
                .setProjectId(id).build());
        assertFalse(open.getIsComplete());
        assertTrue(open.getCompletionIndicatorsList().contains("0/2 tasks completed"));
        assertTrue(open.getCompletionIndicatorsList().contains("2 tasks unfinished"));

        var forced = client.projects.forceComplete(ForceCompleteRequest.newBuilder().setProjectId(id).build());
        assertEquals(ProjectStatus.PROJECT_STATUS_COMPLETED, forced.getProject().getStatus());
        CheckCompletionResponse done = client.projects.checkCompletion(CheckCompletionRequest.newBuilder()
                .setProjectId(id).build());
        assertTrue(done.getIsComplete());
        List<String> workflowEvents = eventsAfter(0, id).stream()
                .filter(e -> e.getEventType().equals("workflow_event"))
                .map(e -> e.getData().getFieldsMap().get("event").getStringValue()).toList();
        assertEquals(List.of("project_created", "project_completed"), workflowEvents);
        StatusRuntimeException twice = assertThrows(StatusRuntimeException.class,
                () -> client.projects.forceComplete(ForceCompleteRequest.newBuilder().setProjectId(id).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, twice.getStatus().getCode());
    }

    @Test
    void aProjectLeftActiveWithEveryTaskFinishedEndsOnTheStartupSweep() {
        String agent = uniqueAgent("swept");
        String id = client.projects.createProject(CreateProjectRequest.newBuilder().setName("crashed")
                .addTasks(spec("a", agent)).build()).getProject().getId();
        String open = client.projects.createProject(CreateProjectRequest.newBuilder().setName("still open")
                .addTasks(spec("b", agent)).build()).getProject().getId();
        // As a plane that stopped between a task's commit and its project's check leaves it.
        store.write(c -> jdbc.prepareStatement("UPDATE tasks SET status = 'COMPLETED' WHERE project_id = ?", ps -> {
            ps.setObject(1, java.util.UUID.fromString(id));
            return ps.executeUpdate();
        }));
        var completion = ctx.getBean(dev.agentgrid.controlplane.project.ProjectCompletion.class);
        assertEquals(ProjectStatus.PROJECT_STATUS_ACTIVE, client.projects.getProject(GetProjectRequest.newBuilder()
                .setProjectId(id).build()).getProject().getStatus());

        assertTrue(completion.sweep() >= 1);
        derivedStateSettled();

        assertEquals(ProjectStatus.PROJECT_STATUS_COMPLETED, client.projects.getProject(GetProjectRequest
                .newBuilder().setProjectId(id).build()).getProject().getStatus());
        assertEquals(ProjectStatus.PROJECT_STATUS_ACTIVE, client.projects.getProject(GetProjectRequest.newBuilder()
                .setProjectId(open).build()).getProject().getStatus(), "a project with work left stays active");
    }

    @Test
    void projectsListNewestFirstAcrossPagesAndFilterByStatus() {
        Set<String> mine = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            mine.add(client.projects.createProject(CreateProjectRequest.newBuilder().setName("list-" + i).build())
                    .getProject().getId());
        }
        List<String> seen = new ArrayList<>();
        String token = "";
        do {
            ListProjectsResponse page = client.projects.listProjects(ListProjectsRequest.newBuilder()
                    .setPageSize(2).setPageToken(token).addStatuses(ProjectStatus.PROJECT_STATUS_ACTIVE).build());
            page.getProjectsList().forEach(p -> {
                assertEquals(ProjectStatus.PROJECT_STATUS_ACTIVE, p.getStatus());
                seen.add(p.getId());
            });
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertEquals(seen.size(), new HashSet<>(seen).size(), "no project twice");
        assertTrue(seen.containsAll(mine));
        List<String> mineInOrder = seen.stream().filter(mine::contains).toList();
        assertEquals(3, mineInOrder.size());
    }

    @Test
    void agentStatusHistoryAndResetFollowTheTasks() {
        String agent = uniqueAgent("analyst");
        String id = client.projects.createProject(CreateProjectRequest.newBuilder().setName("agents")
                .addTasks(spec("gate", agent).toBuilder().setRequiresApproval(true)).build()).getProject().getId();
        String taskId = client.tasks.listTasks(ListTasksRequest.newBuilder().setProjectId(id).build()).getTasks(0)
                .getId();
        // The status is recomputed just after each commit; a state shorter than that (created and
        // cancelled at once) may never be seen, so let this one be seen first.
        derivedStateSettled();
        client.tasks.cancelTask(CancelTaskRequest.newBuilder().setTaskId(taskId).build());
        derivedStateSettled();
        var history = client.agents.getAgentStatusHistory(GetAgentStatusHistoryRequest.newBuilder()
                .setAgentType(agent).build()).getHistoryList();
        assertEquals(List.of(AgentStatus.AGENT_STATUS_IDLE, AgentStatus.AGENT_STATUS_WAITING_FOR_HITL),
                history.stream().map(h -> h.getStatus()).toList(), "newest first");
        assertTrue(client.agents.listAgentStatuses(ListAgentStatusesRequest.getDefaultInstance()).getAgentsList()
                .stream().anyMatch(a -> a.getAgentType().equals(agent)));
        var reset = client.agents.resetAgentStatus(ResetAgentStatusRequest.newBuilder().setAgentType(agent).build());
        assertEquals(AgentStatus.AGENT_STATUS_IDLE, reset.getAgent().getStatus());
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> client.agents
                .getAgentStatus(GetAgentStatusRequest.newBuilder().setAgentType(uniqueAgent("nobody")).build()))
                .getStatus().getCode());
    }

    @Test
    void artifactsAreStoredListedWithoutContentAndReadBackWhole() {
        String id = client.projects.createProject(CreateProjectRequest.newBuilder().setName("files").build())
                .getProject().getId();
        var text = client.artifacts.createArtifact(CreateArtifactRequest.newBuilder().setProjectId(id)
                .setName("spec.md").setArtifactType("spec").setText("# Spec\n").build()).getArtifact();
        var binary = client.artifacts.createArtifact(CreateArtifactRequest.newBuilder().setProjectId(id)
                .setName("logo.png").setBinary(ByteString.copyFrom(new byte[] {0, 1, 2, (byte) 255})).build())
                .getArtifact();
        assertEquals("text/plain", text.getMediaType(), "media type defaults from the content kind");
        assertEquals(4, binary.getSizeBytes());
        var large = client.artifacts.createArtifact(CreateArtifactRequest.newBuilder().setProjectId(id)
                .setName("model.bin").setBinary(ByteString.copyFrom(new byte[5 << 20])).build()).getArtifact();
        assertEquals(5 << 20, large.getSizeBytes(), "artifacts above gRPC's default 4 MiB message size are taken");
        assertEquals("user", binary.getSourceAgent());
        var listed = client.artifacts.listArtifacts(ListArtifactsRequest.newBuilder().setProjectId(id).build());
        assertEquals(List.of("spec.md", "logo.png", "model.bin"), listed.getArtifactsList().stream().map(a -> a.getName()).toList());
        assertFalse(listed.getArtifacts(0).hasField(dev.agentgrid.proto.v1.Artifact.getDescriptor()
                .findFieldByName("text")), "listings carry no content");
        var whole = client.artifacts.getArtifact(GetArtifactRequest.newBuilder().setArtifactId(binary.getId()).build())
                .getArtifact();
        assertEquals(ByteString.copyFrom(new byte[] {0, 1, 2, (byte) 255}), whole.getBinary());
        var project = client.projects.getProject(GetProjectRequest.newBuilder().setProjectId(id).build());
        assertTrue(project.getProject().getCompletion().getArtifactsAvailable());
        assertEquals(3, project.getArtifactsCount());
    }

    @Test
    void aCompletedProjectIsPackedIntoAStructuredZipThatDownloadsInChunksAndCanBeDeleted() throws Exception {
        String id = client.projects.createProject(CreateProjectRequest.newBuilder().setName("Sock shop")
                .setProductIdea("Sell socks").addTasks(spec("a", uniqueAgent("analyst"))).build()).getProject().getId();
        client.artifacts.createArtifact(CreateArtifactRequest.newBuilder().setProjectId(id).setName("spec.md")
                .setArtifactType("spec").setText("# Socks\n").build());
        client.artifacts.createArtifact(CreateArtifactRequest.newBuilder().setProjectId(id).setName("spec.md")
                .setArtifactType("spec").setText("# Socks, revised\n").build());
        byte[] big = new byte[200_000];
        new java.util.Random(7).nextBytes(big);
        client.artifacts.createArtifact(CreateArtifactRequest.newBuilder().setProjectId(id).setName("logo.png")
                .setBinary(ByteString.copyFrom(big)).build());

        var forced = client.projects.forceComplete(ForceCompleteRequest.newBuilder().setProjectId(id).build());
        assertTrue(forced.getArtifactsGenerated());

        var download = client.artifacts.downloadArchive(dev.agentgrid.proto.v1.DownloadArchiveRequest.newBuilder()
                .setProjectId(id).build());
        var first = download.next();
        assertTrue(first.hasInfo(), "the description comes first");
        java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
        int chunks = 0;
        while (download.hasNext()) {
            var part = download.next();
            assertTrue(part.getChunk().size() <= 64 * 1024);
            part.getChunk().writeTo(zip);
            chunks++;
        }
        assertTrue(chunks >= 3, "a 200 KB archive arrives in several chunks");
        assertEquals(first.getInfo().getSizeBytes(), zip.size());
        assertEquals(first.getInfo().getSha256(), java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(zip.toByteArray())));

        java.util.Map<String, byte[]> entries = new java.util.TreeMap<>();
        try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip.toByteArray()))) {
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        String root = "project-" + id + "/";
        assertEquals(java.util.Set.of(root + "README.md", root + "project-summary.json", root + "user/spec.md",
                root + "user/spec-2.md", root + "user/logo.png"), entries.keySet());
        assertEquals(5, first.getInfo().getFileCount());
        String readme = new String(entries.get(root + "README.md"), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(readme.startsWith("# Sock shop"), readme);
        assertTrue(readme.contains("Status: **completed**"), readme);
        assertEquals("# Socks, revised\n", new String(entries.get(root + "user/spec-2.md"),
                java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(java.util.Arrays.equals(big, entries.get(root + "user/logo.png")));
        var summary = dev.agentgrid.controlplane.common.Json.parseStruct(new String(
                entries.get(root + "project-summary.json"), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("completed", summary.getFieldsMap().get("status").getStringValue());
        assertEquals(3, summary.getFieldsMap().get("artifacts").getListValue().getValuesCount());

        var regenerated = client.artifacts.generateArchive(dev.agentgrid.proto.v1.GenerateArchiveRequest.newBuilder()
                .setProjectId(id).build()).getArchive();
        assertEquals(first.getInfo().getSha256(), regenerated.getSha256(), "the same project packs the same bytes");
        List<String> types = eventsAfter(0, id).stream().map(Event::getEventType).toList();
        assertTrue(types.contains("artifact_created"));

        var deleted = client.artifacts.deleteArtifacts(dev.agentgrid.proto.v1.DeleteArtifactsRequest.newBuilder()
                .setProjectId(id).build());
        assertEquals(4, deleted.getDeletedCount(), "three artifacts and the archive");
        assertTrue(deleted.getFreedBytes() > 200_000);
        assertEquals(0, client.artifacts.listArtifacts(ListArtifactsRequest.newBuilder().setProjectId(id).build())
                .getArtifactsCount());
        assertEquals("artifacts_deleted", eventsAfter(0, id).get(eventsAfter(0, id).size() - 1).getEventType());
        var cleaned = client.artifacts.cleanupArtifacts(dev.agentgrid.proto.v1.CleanupArtifactsRequest.newBuilder()
                .setMaxAge(com.google.protobuf.Duration.newBuilder().setSeconds(3600)).build());
        assertEquals(0, cleaned.getDeletedCount(), "nothing is an hour old here");
    }

    @Test
    void workersAreEmptyUntilWorkersConnectAndUnknownOnesAreNotFound() {
        assertEquals(0, client.workers.listWorkers(ListWorkersRequest.getDefaultInstance()).getWorkersCount());
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> client.workers
                .getWorker(GetWorkerRequest.newBuilder().setWorkerId("w-1").build())).getStatus().getCode());
    }

    @Test
    void taskMessagesOfANewTaskAreEmpty() {
        String id = client.projects.createProject(CreateProjectRequest.newBuilder().setName("msgs")
                .addTasks(spec("a", uniqueAgent("coder"))).build()).getTasks(0).getId();
        var page = client.tasks.listTaskMessages(ListTaskMessagesRequest.newBuilder().setTaskId(id).build());
        assertEquals(0, page.getMessagesCount());
        assertTrue(page.getNextPageToken().isEmpty());
    }
}
