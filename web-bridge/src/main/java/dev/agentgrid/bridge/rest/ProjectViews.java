package dev.agentgrid.bridge.rest;

import dev.agentgrid.bridge.plane.ProtoJson;
import dev.agentgrid.proto.v1.Artifact;
import dev.agentgrid.proto.v1.Completion;
import dev.agentgrid.proto.v1.Project;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** Projects, completion and artifacts as the REST face shows them. */
final class ProjectViews {
    private ProjectViews() {
    }

    /** POST /projects: the new project and the tasks its template made. */
    @Serdeable
    record Created(String projectId, String status, String name, @Nullable String templateId,
            List<TaskViews.TaskView> tasks) {
    }

    /** GET /projects/{id}: the project with its tasks and artifacts. */
    @Serdeable
    record Detail(String projectId, String name, String description, String productIdea, @Nullable String templateId,
            String status, String statusReason, CompletionView completion, @Nullable String createdAt,
            @Nullable String updatedAt, @Nullable String finishedAt, List<TaskViews.TaskView> tasks,
            List<ArtifactView> artifacts) {
    }

    /** How far a project is. */
    @Serdeable
    record CompletionView(String projectId, String status, double completionPercentage, int totalTasks,
            int completedTasks, int failedTasks, int cancelledTasks, boolean artifactsAvailable, int artifactCount) {
    }

    /** POST /projects/{id}/check-completion. */
    @Serdeable
    record Check(String projectId, boolean isComplete, List<String> completionIndicators, String status) {
    }

    /** POST /projects/{id}/force-complete. */
    @Serdeable
    record Forced(String projectId, String status, boolean artifactsGenerated) {
    }

    /** An artifact without its content: the seeds' {@code name, type, size} and where it came from. */
    @Serdeable
    record ArtifactView(String id, String projectId, @Nullable String taskId, String name, String type, long size,
            String sourceAgent, String mediaType, @Nullable String createdAt) {
    }

    static String status(Project p) {
        return EnumNames.name(p.getStatus(), "PROJECT_STATUS_");
    }

    static CompletionView completion(Project p) {
        Completion c = p.getCompletion();
        return new CompletionView(p.getId(), status(p), c.getCompletionPercentage(), c.getTotalTasks(),
                c.getCompletedTasks(), c.getFailedTasks(), c.getCancelledTasks(), c.getArtifactsAvailable(),
                c.getArtifactCount());
    }

    static Detail detail(Project p, List<dev.agentgrid.proto.v1.Task> tasks, List<Artifact> artifacts) {
        return new Detail(p.getId(), p.getName(), p.getDescription(), p.getProductIdea(),
                TaskViews.blankToNull(p.getTemplateId()), status(p), p.getStatusReason(), completion(p),
                ProtoJson.time(p.hasCreateTime(), p.getCreateTime()), ProtoJson.time(p.hasUpdateTime(), p.getUpdateTime()),
                ProtoJson.time(p.hasFinishTime(), p.getFinishTime()), TaskViews.of(tasks),
                artifacts.stream().map(ProjectViews::artifact).toList());
    }

    static ArtifactView artifact(Artifact a) {
        return new ArtifactView(a.getId(), a.getProjectId(), TaskViews.blankToNull(a.getTaskId()), a.getName(),
                a.getArtifactType(), a.getSizeBytes(), a.getSourceAgent(), a.getMediaType(),
                ProtoJson.time(a.hasCreateTime(), a.getCreateTime()));
    }
}
