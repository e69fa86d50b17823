package dev.agentgrid.controlplane.worker;

import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.store.Store;
import dev.agentgrid.controlplane.task.DispatchSignal;
import dev.agentgrid.controlplane.task.Task;
import dev.agentgrid.controlplane.task.TaskStatus;
import dev.agentgrid.controlplane.task.TaskTransitions;
import io.micronaut.context.annotation.Context;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.annotation.PreDestroy;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places pending tasks on connected workers: a task goes to a worker that serves its agent type
 * and carries every label of its selector, highest priority first, then oldest, never beyond the
 * worker's free slots. Each claim is one transaction that locks the worker's row (so two
 * dispatchers never overfill a worker) and takes tasks with {@code FOR UPDATE SKIP LOCKED} (so two
 * dispatchers, in this replica or another, never take the same task). Runs on one thread, woken
 * by {@link DispatchSignal} and by a periodic tick (for retries whose backoff has passed).
 */
@Context
public class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Candidate rows read per free slot, so label mismatches do not starve matching tasks. */
    private static final int OVERFETCH = 8;

    private final Store store;
    private final JdbcOperations jdbc;
    private final WorkerSessions sessions;
    private final TaskTransitions transitions;
    private final HandoffContexts handoffs;
    private final WorkerSettings settings;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicInteger rotation = new AtomicInteger();

    public Dispatcher(Store store, JdbcOperations jdbc, WorkerSessions sessions, TaskTransitions transitions,
            HandoffContexts handoffs, WorkerSettings settings, DispatchSignal signal) {
        this.store = store;
        this.jdbc = jdbc;
        this.sessions = sessions;
        this.transitions = transitions;
        this.handoffs = handoffs;
        this.settings = settings;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dispatcher");
            t.setDaemon(true);
            return t;
        });
        signal.onWake(this::wake);
        executor.scheduleWithFixedDelay(this::wake, 1, 1, TimeUnit.SECONDS);
    }

    /** Asks for a dispatch round soon; rounds asked for while one is pending coalesce. */
    public void wake() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this::round);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                scheduled.set(false); // shutting down
            }
        }
    }

    private void round() {
        scheduled.set(false);
        List<WorkerChannel> workers = sessions.all();
        if (workers.isEmpty()) {
            return;
        }
        int start = Math.floorMod(rotation.getAndIncrement(), workers.size());
        for (int i = 0; i < workers.size(); i++) {
            WorkerChannel ch = workers.get((start + i) % workers.size());
            if (ch.isDraining() || !sessions.isCurrent(ch)) {
                continue;
            }
            try {
                for (Assignment a : claimFor(ch)) {
                    ch.assign(a);
                }
            } catch (RuntimeException e) {
                LOG.warn("dispatch to {} failed", ch.workerId(), e);
            }
        }
    }

    /** Claims up to the worker's free slots of matching tasks in one transaction. */
    List<Assignment> claimFor(WorkerChannel ch) {
        WorkerRegistration reg = ch.registration();
        return store.write(c -> {
            Boolean current = jdbc.prepareStatement("SELECT session_id FROM workers WHERE id = ? FOR UPDATE", ps -> {
                ps.setString(1, ch.workerId());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && ch.sessionId().equals(rs.getObject(1, java.util.UUID.class));
                }
            });
            if (!current) {
                return List.<Assignment>of();
            }
            int held = jdbc.prepareStatement("SELECT COUNT(*) FROM tasks WHERE worker_id = ?"
                    + " AND status IN ('ASSIGNED', 'RUNNING', 'WAITING_FOR_HITL')", ps -> {
                        ps.setString(1, ch.workerId());
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            return rs.getInt(1);
                        }
                    });
            int free = reg.slots() - held;
            if (free <= 0 || reg.agentTypes().isEmpty()) {
                return List.<Assignment>of();
            }
            List<Task> candidates = pending(reg.agentTypes(), free * OVERFETCH, c.now());
            List<Assignment> out = new ArrayList<>();
            for (Task t : candidates) {
                if (out.size() == free) {
                    break;
                }
                if (!matches(Json.parseStringMap(t.labelSelectorJson()), reg.labels())) {
                    continue;
                }
                Task assigned = transitions.apply(c, t, TaskStatus.ASSIGNED, "assigned to " + ch.workerId(),
                        b -> b.workerId(ch.workerId()).leaseExpiresAt(c.now().plus(settings.lease())));
                out.add(new Assignment(assigned, handoffs.forTask(assigned),
                        c.now().plus(Duration.ofMillis(assigned.timeoutMs()))));
            }
            return out;
        });
    }

    private List<Task> pending(List<String> agentTypes, int limit, java.time.Instant now) {
        String in = "?,".repeat(agentTypes.size());
        String sql = "SELECT * FROM tasks WHERE status = 'PENDING' AND unfinished_deps = 0"
                + " AND (not_before IS NULL OR not_before <= ?) AND agent_type IN (" + in.substring(0, in.length() - 1)
                + ") ORDER BY priority DESC, created_at, id LIMIT " + limit + " FOR UPDATE SKIP LOCKED";
        return jdbc.prepareStatement(sql, ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            for (int i = 0; i < agentTypes.size(); i++) {
                ps.setString(i + 2, agentTypes.get(i));
            }
            List<Task> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(jdbc.readEntity(rs, Task.class));
                }
            }
            return out;
        });
    }

    /** Whether a worker's labels satisfy a selector: every selector entry present with an equal value. */
    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
