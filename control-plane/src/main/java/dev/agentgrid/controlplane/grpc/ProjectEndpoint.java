package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.common.PageToken;
import dev.agentgrid.controlplane.common.Violations;
import dev.agentgrid.controlplane.project.NewProject;
import dev.agentgrid.controlplane.project.ProjectService;
import dev.agentgrid.controlplane.task.NewTask;
import dev.agentgrid.controlplane.task.Task;
import dev.agentgrid.controlplane.task.TaskService;
import dev.agentgrid.proto.v1.CancelProjectRequest;
import dev.agentgrid.proto.v1.CancelProjectResponse;
import dev.agentgrid.proto.v1.CheckCompletionRequest;
import dev.agentgrid.proto.v1.CheckCompletionResponse;
import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.CreateProjectResponse;
import dev.agentgrid.proto.v1.ForceCompleteRequest;
import dev.agentgrid.proto.v1.ForceCompleteResponse;
import dev.agentgrid.proto.v1.GetProjectRequest;
import dev.agentgrid.proto.v1.GetProjectResponse;
import dev.agentgrid.proto.v1.ListProjectsRequest;
import dev.agentgrid.proto.v1.ListProjectsResponse;
import dev.agentgrid.proto.v1.ProjectServiceGrpc;
import dev.agentgrid.proto.v1.ProjectStatus;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** ProjectService over gRPC: validates, maps, delegates to {@link ProjectService}. */
@Singleton
public class ProjectEndpoint extends ProjectServiceGrpc.ProjectServiceImplBase {
    private final ProjectService projects;
    private final TaskService tasks;
    private final dev.agentgrid.controlplane.artifact.ProjectArchives archives;

    public ProjectEndpoint(ProjectService projects, TaskService tasks,
            dev.agentgrid.controlplane.artifact.ProjectArchives archives) {
        this.projects = projects;
        this.tasks = tasks;
        this.archives = archives;
    }

    @Override
    public void createProject(CreateProjectRequest req, StreamObserver<CreateProjectResponse> out) {
        Violations v = new Violations();
        String name = req.getName();
        if (name.isEmpty() && !req.getProductIdea().isBlank()) {
            name = req.getProductIdea().strip().lines().findFirst().orElse("");
            name = name.length() > Limits.NAME ? name.substring(0, Limits.NAME - 3) + "..." : name;
        } else {
            v.requireLength(name, "name", 1, Limits.NAME);
            v.check(name.isEmpty() || !name.isBlank(), "name", "must not be blank");
        }
        v.maxLength(req.getDescription(), "description", Limits.DESCRIPTION);
        v.maxLength(req.getProductIdea(), "product_idea", Limits.LONG_TEXT);
        v.maxLength(req.getTemplateId(), "template_id", 128);
        v.check(req.getVariablesCount() <= Limits.VARIABLES, "variables",
                req.getVariablesCount() + " entries (expected: at most " + Limits.VARIABLES + ")");
        req.getVariablesMap().forEach((k, val) -> {
            v.check(Violations.NAME.matcher(k).matches(), "variables[" + Violations.abbreviate(k) + "]",
                    "name is not valid (expected: 1 to 64 characters of [A-Za-z0-9_.-])");
            v.maxLength(val, "variables[" + Violations.abbreviate(k) + "]", Limits.LONG_TEXT);
        });
        v.check(req.getTasksCount() <= Limits.TASKS_PER_PROJECT, "tasks",
                req.getTasksCount() + " tasks (expected: at most " + Limits.TASKS_PER_PROJECT + ")");
        v.check(req.getTasksCount() == 0 || req.getTemplateId().isEmpty(), "template_id",
                "give either tasks or a template, not both");
        String requestId = requestId(req.getRequestId(), v);
        List<NewTask> specs = new ArrayList<>();
        if (req.getTasksCount() <= Limits.TASKS_PER_PROJECT) {
            for (int i = 0; i < req.getTasksCount(); i++) {
                specs.add(TaskProtos.parseSpec(req.getTasks(i), "tasks[" + i + "]", v, true));
            }
        }
        v.throwIfAny();
        ProjectService.Created created = projects.create(new NewProject(name, req.getDescription(),
                req.getProductIdea(), req.getTemplateId(), Map.copyOf(req.getVariablesMap()), specs, requestId));
        CreateProjectResponse.Builder b = CreateProjectResponse.newBuilder()
                .setProject(ProjectProtos.toProto(created.project(), created.completion()));
        addTasks(created.tasks(), b::addTasks);
        Replies.reply(out, b.build());
    }

    @Override
    public void getProject(GetProjectRequest req, StreamObserver<GetProjectResponse> out) {
        UUID id = Violations.requiredUuid(req.getProjectId(), "project_id");
        ProjectService.Details d = projects.get(id);
        GetProjectResponse.Builder b = GetProjectResponse.newBuilder()
                .setProject(ProjectProtos.toProto(d.project(), d.completion()));
        addTasks(d.tasks(), b::addTasks);
        d.artifacts().forEach(a -> b.addArtifacts(ArtifactProtos.toProto(a)));
        Replies.reply(out, b.build());
    }

    @Override
    public void listProjects(ListProjectsRequest req, StreamObserver<ListProjectsResponse> out) {
        Violations v = new Violations();
        List<dev.agentgrid.controlplane.project.ProjectStatus> statuses = ProtoEnums.toDomain(req.getStatusesList(),
                dev.agentgrid.controlplane.project.ProjectStatus.class, "statuses", v);
        v.throwIfAny();
        int size = PageToken.pageSize(req.getPageSize(), 50, "page_size");
        PageToken token = PageToken.decode(req.getPageToken(), "page_token");
        ProjectService.SummaryPage page = projects.list(statuses, size, token);
        ListProjectsResponse.Builder b = ListProjectsResponse.newBuilder();
        page.items().forEach(s -> b.addProjects(ProjectProtos.toProto(s.project(), s.completion())));
        if (page.next() != null) {
            b.setNextPageToken(page.next().encode());
        }
        Replies.reply(out, b.build());
    }

    @Override
    public void cancelProject(CancelProjectRequest req, StreamObserver<CancelProjectResponse> out) {
        Violations v = new Violations();
        UUID id = v.requireUuid(req.getProjectId(), "project_id");
        v.maxLength(req.getReason(), "reason", Limits.REASON);
        v.throwIfAny();
        ProjectService.Summary s = projects.cancel(id, req.getReason());
        Replies.reply(out, CancelProjectResponse.newBuilder()
                .setProject(ProjectProtos.toProto(s.project(), s.completion())).build());
    }

    @Override
    public void checkCompletion(CheckCompletionRequest req, StreamObserver<CheckCompletionResponse> out) {
        ProjectService.Check check = projects.checkCompletion(Violations.requiredUuid(req.getProjectId(), "project_id"));
        Replies.reply(out, CheckCompletionResponse.newBuilder()
                .setIsComplete(check.complete())
                .addAllCompletionIndicators(check.indicators())
                .setProject(ProjectProtos.toProto(check.summary().project(), check.summary().completion()))
                .build());
    }

    @Override
    public void forceComplete(ForceCompleteRequest req, StreamObserver<ForceCompleteResponse> out) {
        UUID id = Violations.requiredUuid(req.getProjectId(), "project_id");
        ProjectService.Summary s = projects.forceComplete(id);
        // Completion packs the archive once the change committed, before forceComplete returns.
        Replies.reply(out, ForceCompleteResponse.newBuilder()
                .setProject(ProjectProtos.toProto(s.project(), s.completion()))
                .setArtifactsGenerated(archives.find(id).isPresent())
                .build());
    }

    private void addTasks(List<Task> list, java.util.function.Consumer<dev.agentgrid.proto.v1.Task> add) {
        Map<UUID, List<UUID>> deps = tasks.dependenciesOf(list.stream().map(Task::id).toList());
        list.forEach(t -> add.accept(TaskProtos.toProto(t, deps.getOrDefault(t.id(), List.of()))));
    }


    /** Validates an optional idempotency key; empty means none. */
    static String requestId(String value, Violations v) {
        if (value.isEmpty()) {
            return null;
        }
        v.requireLength(value, "request_id", 1, Limits.REQUEST_ID);
        return value;
    }
}
