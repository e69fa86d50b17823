package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.project.Completion;
import dev.agentgrid.proto.v1.Project;
import dev.agentgrid.proto.v1.ProjectStatus;

/** Maps projects to the contract. */
final class ProjectProtos {
    private ProjectProtos() {
    }

    static ProjectStatus status(dev.agentgrid.controlplane.project.ProjectStatus s) {
        return ProtoEnums.toProto(s, ProjectStatus.class);
    }

    static Project toProto(dev.agentgrid.controlplane.project.Project p, Completion c) {
        Project.Builder b = Project.newBuilder()
                .setId(p.id().toString())
                .setName(p.name())
                .setDescription(p.description())
                .setProductIdea(p.productIdea())
                .setTemplateId(p.templateId())
                .setStatus(status(p.status()))
                .setStatusReason(p.statusReason())
                .setCompletion(dev.agentgrid.proto.v1.Completion.newBuilder()
                        .setTotalTasks(c.totalTasks())
                        .setCompletedTasks(c.completedTasks())
                        .setFailedTasks(c.failedTasks())
                        .setCancelledTasks(c.cancelledTasks())
                        .setCompletionPercentage(c.percentage())
                        .setArtifactsAvailable(c.artifactCount() > 0)
                        .setArtifactCount(c.artifactCount()))
                .setCreateTime(ProtoTime.timestamp(p.createdAt()))
                .setUpdateTime(ProtoTime.timestamp(p.updatedAt()));
        if (p.finishedAt() != null) {
            b.setFinishTime(ProtoTime.timestamp(p.finishedAt()));
        }
        return b.build();
    }
}
