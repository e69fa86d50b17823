package dev.agentgrid.controlplane.project;

import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.event.EventTypes;
import dev.agentgrid.controlplane.store.Changes;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import dev.agentgrid.controlplane.store.CoalescingWriter;
import dev.agentgrid.controlplane.store.Store;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts a project's tasks and ends an ACTIVE project once every task is terminal: COMPLETED if
 * none failed, FAILED otherwise, with {@code workflow_event} saying so, then packs its artifacts
 * into the project's ZIP ({@code artifact_created}).
 */
@Singleton
public class ProjectCompletion implements ApplicationEventListener<StartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectCompletion.class);

    private final JdbcOperations jdbc;
    private final Store store;
    private final ProjectRepository projects;
    private final dev.agentgrid.controlplane.artifact.ProjectArchives archives;
    private final CoalescingWriter<UUID> checks;

    public ProjectCompletion(JdbcOperations jdbc, Store store, ProjectRepository projects,
            dev.agentgrid.controlplane.artifact.ProjectArchives archives,
            @Value("${agentgrid.derived-state-interval:100ms}") java.time.Duration interval) {
        this.jdbc = jdbc;
        this.store = store;
        this.projects = projects;
        this.archives = archives;
        this.checks = new CoalescingWriter<>("project-completion", store, interval, (c, id) -> {
            // Work left, seen without a lock: the task that finishes it asks for its own check,
            // after its commit. Only a project that looks done is locked and checked for real.
            if (!hasUnfinishedTask(id) && projects.findByIdForUpdate(id).isPresent()) {
                complete(c, id);
            }
        });
    }

    /**
     * Checks the project once the current transaction committed, in a transaction of its own.
     * Checking inside the transaction meant locking the project's row there (two tasks finishing
     * at once must not both miss the end), and every finishing task of a busy project queued on
     * that lock. A check that starts after each finishing commit sees that commit, so the last
     * task to finish always ends the project; {@link #onApplicationEvent} covers a plane that
     * stopped in between.
     */
    public void checkAfterCommit(Changes c, UUID projectId) {
        checks.requestAfterCommit(c, projectId);
    }

    /** Waits until the requested checks ran (for tests and orderly checks). */
    public boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
        return checks.awaitIdle(timeout);
    }

    /**
     * At startup, checks the ACTIVE projects whose tasks all finished: a plane that stopped
     * between a task's commit and its project's check left them so.
     */
    @Override
    public void onApplicationEvent(StartupEvent event) {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("checking finished projects at startup failed; CheckProjectCompletion ends them", e);
        }
    }

    /** Requests a check of every ACTIVE project that has tasks and none unfinished. */
    public int sweep() {
        List<UUID> due = store.read(() -> jdbc.prepareStatement("SELECT id FROM projects p WHERE status = 'ACTIVE'"
                + " AND EXISTS (SELECT 1 FROM tasks t WHERE t.project_id = p.id)"
                + " AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.project_id = p.id"
                + " AND t.status IN ('PENDING', 'ASSIGNED', 'RUNNING', 'WAITING_FOR_HITL'))", ps -> {
                    List<UUID> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getObject(1, UUID.class));
                        }
                    }
                    return out;
                }));
        due.forEach(checks::request);
        return due.size();
    }

    @PreDestroy
    void stopChecking() {
        checks.close();
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
