package dev.agentgrid.controlplane.worker;

import dev.agentgrid.controlplane.store.Changes;
import dev.agentgrid.controlplane.store.Store;
import dev.agentgrid.controlplane.task.AttemptReports;
import dev.agentgrid.controlplane.task.Task;
import dev.agentgrid.controlplane.task.TaskRepository;
import dev.agentgrid.controlplane.task.TaskStatus;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Squares what a (re)connecting worker says it runs with what the store says it holds: attempts
 * still its own continue; attempts that are no longer its (reassigned, cancelled, finished) are
 * cancelled; attempts assigned to it that it never received are sent again; attempts it was
 * running but no longer knows (it restarted) failed, and are retried if the policy allows.
 */
@Singleton
public class WorkerReconciler {
    private final Store store;
    private final JdbcOperations jdbc;
    private final TaskRepository tasks;
    private final AttemptReports reports;
    private final HandoffContexts handoffs;

    public WorkerReconciler(Store store, JdbcOperations jdbc, TaskRepository tasks, AttemptReports reports,
            HandoffContexts handoffs) {
        this.store = store;
        this.jdbc = jdbc;
        this.tasks = tasks;
        this.reports = reports;
        this.handoffs = handoffs;
    }

    /** The outcome for one connection. */
    public record Reconciliation(List<RunningAttempt> kept, List<RunningAttempt> cancelled, List<Assignment> resent) {
    }

    /** Reconciles a worker's reported attempts with the store. */
    public Reconciliation reconcile(String workerId, List<RunningAttempt> reported) {
        return store.write(c -> reconcile(c, workerId, reported));
    }

    /** {@link #reconcile(String, List)} in the caller's transaction. */
    public Reconciliation reconcile(Changes c, String workerId, List<RunningAttempt> reported) {
        {
            List<RunningAttempt> kept = new ArrayList<>();
            List<RunningAttempt> cancelled = new ArrayList<>();
            Set<UUID> reportedIds = new HashSet<>();
            for (RunningAttempt r : reported) {
                reportedIds.add(r.taskId());
                Task t = tasks.findByIdForUpdate(r.taskId()).orElse(null);
                boolean mine = t != null && t.attempt() == r.attempt() && workerId.equals(t.workerId())
                        && t.status().isOnWorker();
                (mine ? kept : cancelled).add(r);
            }
            List<Assignment> resent = new ArrayList<>();
            for (UUID id : heldBy(workerId)) {
                if (reportedIds.contains(id)) {
                    continue;
                }
                Task t = tasks.findByIdForUpdate(id).orElseThrow();
                if (t.status() == TaskStatus.ASSIGNED) {
                    resent.add(new Assignment(t, handoffs.forTask(t), c.now().plus(Duration.ofMillis(t.timeoutMs()))));
                } else if (t.status().isOnWorker()) {
                    reports.failAttempt(c, t, "worker " + workerId + " lost attempt " + t.attempt()
                            + " (it reconnected without it)", true);
                }
            }
            return new Reconciliation(kept, cancelled, resent);
        }
    }

    private List<UUID> heldBy(String workerId) {
        return jdbc.prepareStatement("SELECT id FROM tasks WHERE worker_id = ?"
                + " AND status IN ('ASSIGNED', 'RUNNING', 'WAITING_FOR_HITL') ORDER BY created_at, id", ps -> {
                    ps.setString(1, workerId);
                    List<UUID> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getObject(1, UUID.class));
                        }
                    }
                    return out;
                });
    }
}
