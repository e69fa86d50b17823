package dev.agentgrid.controlplane.project;

import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.event.EventTypes;
import dev.agentgrid.controlplane.store.Changes;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.util.UUID;

/**
 * Counts a project's tasks and ends an ACTIVE project once every task is terminal: COMPLETED if
 * none failed, FAILED otherwise, with {@code workflow_event} saying so, then packs its artifacts
 * into the project's ZIP ({@code artifact_created}).
 */
@Singleton
public class ProjectCompletion {
    private final JdbcOperations jdbc;
    private final ProjectRepository projects;
    private final dev.agentgrid.controlplane.artifact.ProjectArchives archives;

    public ProjectCompletion(JdbcOperations jdbc, ProjectRepository projects,
            dev.agentgrid.controlplane.artifact.ProjectArchives archives) {
        this.jdbc = jdbc;
        this.projects = projects;
        this.archives = archives;
    }

    /** Checks the project once, at the end of the current transaction. */
    public void checkBeforeCommit(Changes c, UUID projectId) {
        c.beforeCommit(Changes.Phase.PROJECTS, projectId.toString(), () -> complete(c, projectId));
    }

    /** Counts a project's tasks by status, and its artifacts. */
    public Completion count(UUID projectId) {
        return jdbc.prepareStatement("SELECT status, COUNT(*) FROM tasks WHERE project_id = ? GROUP BY status", ps -> {
            ps.setObject(1, projectId);
            int total = 0;
            int completed = 0;
            int failed = 0;
            int cancelled = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int n = rs.getInt(2);
                    total += n;
                    switch (rs.getString(1)) {
                        case "COMPLETED" -> completed += n;
                        case "FAILED" -> failed += n;
                        case "CANCELLED" -> cancelled += n;
                        default -> {
                        }
                    }
                }
            }
            int artifacts = jdbc.prepareStatement("SELECT COUNT(*) FROM context_artifacts WHERE project_id = ?", a -> {
                a.setObject(1, projectId);
                try (ResultSet rs = a.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            return new Completion(total, completed, failed, cancelled, total - completed - failed - cancelled,
                    artifacts);
        });
    }

    /**
     * Ends the project if it is ACTIVE and every task is terminal.
     *
     * @return the project after the check
     */
    public Project complete(Changes c, UUID projectId) {
        Project p = projects.findByIdForUpdate(projectId).orElseThrow();
        if (p.status() != ProjectStatus.ACTIVE) {
            return p;
        }
        // Most checks find work left: answer those with one index seek, count only at the end.
        if (hasUnfinishedTask(projectId)) {
            return p;
        }
        Completion counts = count(projectId);
        if (!counts.allTerminal()) {
            return p;
        }
        boolean failed = counts.failedTasks() > 0;
        String reason = failed
                ? counts.failedTasks() + " of " + counts.totalTasks() + " tasks failed"
                : counts.completedTasks() + " of " + counts.totalTasks() + " tasks completed";
        return end(c, p, failed ? ProjectStatus.FAILED : ProjectStatus.COMPLETED, reason);
    }

    private boolean hasUnfinishedTask(UUID projectId) {
        return jdbc.prepareStatement("SELECT 1 FROM tasks WHERE project_id = ? AND status IN ('PENDING', 'ASSIGNED',"
                + " 'RUNNING', 'WAITING_FOR_HITL') LIMIT 1", ps -> {
                    ps.setObject(1, projectId);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next();
                    }
                });
    }

    /** Moves a project to a terminal status and emits the workflow event. */
    public Project end(Changes c, Project p, ProjectStatus status, String reason) {
        Project ended = projects.update(p.withStatus(status, reason, c.now()));
        String event = "project_" + status.name().toLowerCase(java.util.Locale.ROOT);
        c.emit(EventTypes.WORKFLOW_EVENT, p.id(), null, null, null, Json.object(
                "event", event,
                "project_id", p.id().toString(),
                "status", status,
                "message", "Project '" + p.name() + "' " + status.name().toLowerCase(java.util.Locale.ROOT) + ": "
                        + reason,
                "completed_at", c.now()));
        if (status == ProjectStatus.COMPLETED || status == ProjectStatus.FAILED) {
            // Packing reads every artifact: it runs after the commit, in its own transaction.
            c.afterCommit(() -> archives.generate(p.id()));
        }
        return ended;
    }
}
