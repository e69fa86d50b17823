package dev.agentgrid.bridge.rest;

import dev.agentgrid.bridge.plane.Calls;
import dev.agentgrid.bridge.plane.PlaneChannel;
import dev.agentgrid.proto.v1.CancelProjectRequest;
import dev.agentgrid.proto.v1.CheckCompletionRequest;
import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.ForceCompleteRequest;
import dev.agentgrid.proto.v1.GetProjectRequest;
import dev.agentgrid.proto.v1.ListProjectsRequest;
import dev.agentgrid.proto.v1.Project;
import dev.agentgrid.proto.v1.ProjectStatus;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code /api/v1/projects}: create from a product idea, read, completion, cancel. */
@Controller("/api/v1/projects")
public class ProjectsController {
    private final PlaneChannel plane;

    public ProjectsController(PlaneChannel plane) {
        this.plane = plane;
    }

    /**
     * Creates a project from {@code product_idea} with the default workflow template (or
     * {@code template_id}, with {@code variables}); its first task starts at once.
     */
    @Post
    public CompletableFuture<HttpResponse<ProjectViews.Created>> create(@Body @Nullable JsonNode body) {
        JsonFields f = new JsonFields(body);
        String idea = f.optionalText("product_idea");
        String name = f.optionalText("name");
        String description = f.optionalText("description");
        String template = f.optionalText("template_id");
        String requestId = f.optionalText("request_id");
        var variables = f.optionalTextMap("variables");
        if ((idea == null || idea.isBlank()) && (name == null || name.isBlank()) && f.violations().isEmpty()) {
            f.violation("product_idea", "required");
        }
        f.throwIfAny("invalid project");
        CreateProjectRequest.Builder b = CreateProjectRequest.newBuilder().putAllVariables(variables);
        if (idea != null) {
            b.setProductIdea(idea);
        }
        if (name != null) {
            b.setName(name);
        }
        if (description != null) {
            b.setDescription(description);
        }
        if (template != null) {
            b.setTemplateId(template);
        }
        if (requestId != null) {
            b.setRequestId(requestId);
        }
        return Calls.of(plane.projects().createProject(b.build())).thenApply(r -> {
            Project p = r.getProject();
            return HttpResponse.created(new ProjectViews.Created(p.getId(), ProjectViews.status(p), p.getName(),
                    TaskViews.blankToNull(p.getTemplateId()), TaskViews.of(r.getTasksList())),
                    URI.create("/api/v1/projects/" + p.getId()));
        });
    }

    /** Projects, newest first; {@code status} filters (comma-separated or repeated). */
    @Get
    public CompletableFuture<ProjectPage> list(@QueryValue("status") @Nullable List<String> status,
            @QueryValue("page_size") @Nullable String pageSize, @QueryValue("page_token") @Nullable String pageToken) {
        Params p = new Params();
        ListProjectsRequest.Builder b = ListProjectsRequest.newBuilder().setPageSize(p.pageSize(pageSize));
        for (String s : Params.list(status)) {
            try {
                b.addStatuses(EnumNames.parse(ProjectStatus.class, "PROJECT_STATUS_", s));
            } catch (IllegalArgumentException e) {
                p.violation("status", e.getMessage());
            }
        }
        p.throwIfAny();
        if (pageToken != null) {
            b.setPageToken(pageToken);
        }
        return Calls.of(plane.projects().listProjects(b.build())).thenApply(r -> new ProjectPage(
                r.getProjectsList().stream().map(ProjectsController::summary).toList(),
                TaskViews.blankToNull(r.getNextPageToken())));
    }

    /** The project with its tasks and artifacts. */
    @Get("/{project_id}")
    public CompletableFuture<ProjectViews.Detail> get(@PathVariable("project_id") String projectId) {
        return Calls.of(plane.projects().getProject(GetProjectRequest.newBuilder().setProjectId(projectId).build()))
                .thenApply(r -> ProjectViews.detail(r.getProject(), r.getTasksList(), r.getArtifactsList()));
    }

    /** Completion figures. */
    @Get("/{project_id}/completion")
    public CompletableFuture<ProjectViews.CompletionView> completion(@PathVariable("project_id") String projectId) {
        return Calls.of(plane.projects().getProject(GetProjectRequest.newBuilder().setProjectId(projectId).build()))
                .thenApply(r -> ProjectViews.completion(r.getProject()));
    }

    /** Completes the project now if every task is terminal, and says why (not). */
    @Post("/{project_id}/check-completion")
    public CompletableFuture<ProjectViews.Check> checkCompletion(@PathVariable("project_id") String projectId) {
        return Calls.of(plane.projects().checkCompletion(CheckCompletionRequest.newBuilder().setProjectId(projectId)
                .build())).thenApply(r -> new ProjectViews.Check(projectId, r.getIsComplete(),
                        r.getCompletionIndicatorsList(), ProjectViews.status(r.getProject())));
    }

    /** Marks an active project completed at once (admin), cancelling its unfinished tasks. */
    @Post("/{project_id}/force-complete")
    public CompletableFuture<ProjectViews.Forced> forceComplete(@PathVariable("project_id") String projectId) {
        return Calls.of(plane.projects().forceComplete(ForceCompleteRequest.newBuilder().setProjectId(projectId)
                .build())).thenApply(r -> new ProjectViews.Forced(projectId, ProjectViews.status(r.getProject()),
                        r.getArtifactsGenerated()));
    }

    /** Cancels an active project's unfinished tasks; {@code reason} optional. */
    @Post("/{project_id}/cancel")
    public CompletableFuture<ProjectViews.CompletionView> cancel(@PathVariable("project_id") String projectId,
            @Body @Nullable JsonNode body) {
        JsonFields f = new JsonFields(body == null ? JsonNode.createObjectNode(java.util.Map.of()) : body);
        String reason = f.optionalText("reason");
        f.throwIfAny("invalid cancel request");
        CancelProjectRequest.Builder b = CancelProjectRequest.newBuilder().setProjectId(projectId);
        if (reason != null) {
            b.setReason(reason);
        }
        return Calls.of(plane.projects().cancelProject(b.build()))
                .thenApply(r -> ProjectViews.completion(r.getProject()));
    }

    private static ProjectSummary summary(Project p) {
        return new ProjectSummary(p.getId(), p.getName(), ProjectViews.status(p), TaskViews.blankToNull(p.getTemplateId()),
                ProjectViews.completion(p), dev.agentgrid.bridge.plane.ProtoJson.time(p.hasCreateTime(), p.getCreateTime()),
                dev.agentgrid.bridge.plane.ProtoJson.time(p.hasFinishTime(), p.getFinishTime()));
    }

    /** A project in a listing. */
    @Serdeable
    record ProjectSummary(String projectId, String name, String status, @Nullable String templateId,
            ProjectViews.CompletionView completion, @Nullable String createdAt, @Nullable String finishedAt) {
    }

    /** A page of projects. */
    @Serdeable
    record ProjectPage(List<ProjectSummary> projects, @Nullable String nextPageToken) {
    }
}
