package dev.agentgrid.controlplane.worker;

import dev.agentgrid.controlplane.common.Times;
import dev.agentgrid.controlplane.hitl.HitlService;
import dev.agentgrid.controlplane.store.SqlTime;
import dev.agentgrid.controlplane.store.Store;
import dev.agentgrid.controlplane.task.AttemptReports;
import dev.agentgrid.controlplane.task.Task;
import dev.agentgrid.controlplane.task.TaskRepository;
import dev.agentgrid.controlplane.task.TaskTransitions;
import io.micronaut.context.annotation.Context;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.annotation.PreDestroy;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces time on the injected clock: workers silent past their lease go OFFLINE and the
 * attempts they held are retried (or fail when attempts are used up); attempts past their timeout
 * fail as retryable and their worker is told to stop; unanswered questions past their deadline
 * take their default action. For a grace after the plane starts nothing is declared lost, so
 * workers can reconnect first. {@link #check()} is one pass; a scheduler runs it periodically,
 * tests call it after moving their clock.
 */
@Context
public class LivenessMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(LivenessMonitor.class);

    private final Store store;
    private final JdbcOperations jdbc;
    private final TaskRepository tasks;
    private final AttemptReports reports;
    private final TaskTransitions transitions;
    private final WorkerRegistry registry;
    private final WorkerSessions sessions;
    private final HitlService hitl;
    private final WorkerSettings settings;
    private final Clock clock;
    private volatile Instant graceStart;
    private final ScheduledExecutorService scheduler;

    public LivenessMonitor(Store store, JdbcOperations jdbc, TaskRepository tasks, AttemptReports reports,
            TaskTransitions transitions, WorkerRegistry registry, WorkerSessions sessions, HitlService hitl,
            WorkerSettings settings, Clock clock) {
        this.store = store;
        this.jdbc = jdbc;
        this.tasks = tasks;
        this.reports = reports;
        this.transitions = transitions;
        this.registry = registry;
        this.sessions = sessions;
        this.hitl = hitl;
        this.settings = settings;
        this.clock = clock;
        this.graceStart = Times.now(clock);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "liveness");
            t.setDaemon(true);
            return t;
        });
        long every = settings.getCheckInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::checkSafely, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts the grace during which no worker is declared lost. Called when the plane starts;
     * a test calls it to play a restart of the plane.
     */
    public void startGrace() {
        graceStart = Times.now(clock);
    }

    private void checkSafely() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.warn("liveness check failed; retrying at the next interval", e);
        }
    }

    /** One pass over workers, leases, timeouts and HITL deadlines at the clock's current time. */
    public synchronized void check() {
        Instant now = Times.now(clock);
        if (now.isBefore(graceStart.plus(settings.getRestartGrace()))) {
            return;
        }
        for (String workerId : silentWorkers(now.minus(settings.lease()))) {
            sessions.get(workerId).ifPresent(WorkerChannel::expire);
            registry.markLost(workerId, "no heartbeat for " + settings.lease().toSeconds() + " s");
        }
        for (UUID taskId : ids("SELECT id FROM tasks WHERE status IN ('ASSIGNED', 'RUNNING', 'WAITING_FOR_HITL')"
                + " AND lease_expires_at IS NOT NULL AND lease_expires_at < ? ORDER BY lease_expires_at", now)) {
            store.write(c -> {
                Task t = tasks.findByIdForUpdate(taskId).orElseThrow();
                if (t.status().isOnWorker() && t.leaseExpiresAt() != null && t.leaseExpiresAt().isBefore(now)) {
                    reports.failAttempt(c, t, "worker " + t.workerId() + " was lost (lease expired)", true);
                }
                return null;
            });
        }
        for (UUID taskId : overdue(now)) {
            store.write(c -> {
                Task t = tasks.findByIdForUpdate(taskId).orElseThrow();
                if (t.status().isOnWorker() && t.startedAt() != null && t.startedAt().plusMillis(t.timeoutMs())
                        .plus(settings.getTimeoutSlack()).isBefore(now)) {
                    String worker = t.workerId();
                    int attempt = t.attempt();
                    String why = "attempt " + attempt + " timed out after " + t.timeoutMs() / 1000 + " s";
                    reports.failAttempt(c, t, why, true);
                    if (worker != null) {
                        c.afterCommit(() -> sessions.cancel(worker, t.id(), attempt, why));
                    }
                }
                return null;
            });
        }
        hitl.expireDue(now);
    }

    /**
     * Running attempts past their time limit. Only these are locked and re-checked: locking every
     * running task on every pass cost a transaction per running task per second.
     */
    private List<UUID> overdue(Instant now) {
        return store.read(() -> jdbc.prepareStatement("SELECT id, started_at, timeout_ms FROM tasks"
                + " WHERE status IN ('RUNNING', 'WAITING_FOR_HITL') AND started_at IS NOT NULL ORDER BY started_at",
                ps -> {
                    List<UUID> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Instant deadline = rs.getTimestamp(2).toInstant().plusMillis(rs.getLong(3))
                                    .plus(settings.getTimeoutSlack());
                            if (deadline.isBefore(now)) {
                                out.add(rs.getObject(1, UUID.class));
                            }
                        }
                    }
                    return out;
                }));
    }

    private List<String> silentWorkers(Instant silentSince) {
        return store.read(() -> jdbc.prepareStatement("SELECT id FROM workers WHERE status IN ('ONLINE', 'DRAINING')"
                + " AND COALESCE(last_heartbeat_at, connected_at) < ?", ps -> {
                    SqlTime.set(ps, 1, silentSince);
                    List<String> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                    return out;
                }));
    }

    private List<UUID> ids(String sql, Instant arg) {
        return store.read(() -> jdbc.prepareStatement(sql, ps -> {
            if (arg != null) {
                SqlTime.set(ps, 1, arg);
            }
            List<UUID> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getObject(1, UUID.class));
                }
            }
            return out;
        }));
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}
