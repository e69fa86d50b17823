package dev.agentgrid.controlplane.agent;

import dev.agentgrid.controlplane.common.Ids;
import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.common.NotFoundException;
import dev.agentgrid.controlplane.common.PageToken;
import dev.agentgrid.controlplane.common.Text;
import dev.agentgrid.controlplane.event.EventTypes;
import dev.agentgrid.controlplane.store.Changes;
import dev.agentgrid.controlplane.store.Listing;
import dev.agentgrid.controlplane.store.Store;
import dev.agentgrid.controlplane.task.TaskStatus;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Keeps each agent type's status in step with its tasks. The status is derived, never set by
 * hand (a reset only clears ERROR), so the dashboard and the server cannot disagree: WORKING if a
 * task of the type is assigned or running, else WAITING_FOR_HITL if one waits for a human, else
 * ERROR if the latest finished one failed after the last reset, else IDLE.
 */
@Singleton
public class AgentStatusService {
    private final Store store;
    private final JdbcOperations jdbc;
    private final AgentStateRepository states;
    private final AgentStatusEntryRepository history;
    private final dev.agentgrid.controlplane.store.CoalescingWriter<String> refresher;

    public AgentStatusService(Store store, JdbcOperations jdbc, AgentStateRepository states,
            AgentStatusEntryRepository history,
            @io.micronaut.context.annotation.Value("${agentgrid.derived-state-interval:100ms}")
            java.time.Duration interval) {
        this.store = store;
        this.jdbc = jdbc;
        this.states = states;
        this.history = history;
        this.refresher = new dev.agentgrid.controlplane.store.CoalescingWriter<>("agent-status", store,
                interval, (c, type) -> refresh(c, type, null));
    }

    /**
     * Has an agent type's status recomputed once the current transaction committed. The status is
     * derived and only read by people, so it is brought up to date just after the change, by one
     * background thread that coalesces requests: recomputing it inside every transaction cost
     * five statements and a lock on the agent type's row that every task of the type queued on.
     */
    public void refreshAfterCommit(Changes c, String agentType) {
        refresher.requestAfterCommit(c, agentType);
    }

    /** Waits until every requested refresh has been applied (for tests and orderly checks). */
    public boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
        return refresher.awaitIdle(timeout);
    }

    @jakarta.annotation.PreDestroy
    void stopRefreshing() {
        refresher.close();
    }

    /** Every known agent type. */
    public List<AgentState> list() {
        return store.read(states::listAll);
    }

    /**
     * One agent type's status. A type whose first tasks were just created has no stored status
     * until the first refresh; it is derived here meanwhile, so it is never "not found".
     */
    public AgentState get(String agentType) {
        return store.read(() -> states.findById(agentType).or(() -> {
            Instant lastActivity = jdbc.prepareStatement("SELECT MAX(updated_at) FROM tasks WHERE agent_type = ?",
                    ps -> {
                        ps.setString(1, agentType);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            java.sql.Timestamp t = rs.getTimestamp(1);
                            return t == null ? null : t.toInstant();
                        }
                    });
            if (lastActivity == null) {
                return java.util.Optional.empty();
            }
            Derived d = derive(agentType, null);
            return java.util.Optional.of(new AgentState(agentType, d.status, d.taskId, Text.clip(d.reason, 1024),
                    lastActivity, null));
        })).orElseThrow(() -> new NotFoundException("agent type '" + agentType + "' not found"));
    }

    /** An agent type's history, newest first. */
    public Listing.Page<AgentStatusEntry> history(String agentType, int pageSize, PageToken token) {
        return store.read(() -> {
            if (states.findById(agentType).isEmpty()) {
                throw new NotFoundException("agent type '" + agentType + "' not found");
            }
            return new Listing<>(jdbc, "agent_status_history", AgentStatusEntry.class,
                    e -> Listing.cursor(e.createdAt(), e.id()), UUID::fromString)
                    .whereEquals("agent_type", agentType)
                    .page(pageSize, token, true);
        });
    }

    /** Clears an ERROR: the status becomes what the agent type's active tasks imply. */
    public AgentState reset(String agentType) {
        return store.write(c -> {
            AgentState s = states.findByIdForUpdate(agentType)
                    .orElseThrow(() -> new NotFoundException("agent type '" + agentType + "' not found"));
            states.update(new AgentState(s.agentType(), s.status(), s.currentTaskId(), s.statusReason(),
                    s.lastActivity(), c.now()));
            return refresh(c, agentType, "reset by admin");
        });
    }

    private AgentState refresh(Changes c, String agentType, String resetReason) {
        AgentState current = states.findByIdForUpdate(agentType).orElse(null);
        Instant resetAt = current == null ? null : current.resetAt();
        Derived d = derive(agentType, resetAt);
        if (current != null && current.status() == d.status && Objects.equals(current.currentTaskId(), d.taskId)) {
            return current;
        }
        String reason = resetReason != null ? resetReason : d.reason;
        AgentState next = new AgentState(agentType, d.status, d.taskId, Text.clip(reason, 1024), c.now(), resetAt);
        if (current == null) {
            states.save(next);
        } else {
            states.update(next);
        }
        if (current == null || current.status() != d.status) {
            history.save(new AgentStatusEntry(Ids.next(), agentType, d.status, d.taskId, Text.clip(reason, 1024),
                    c.now()));
        }
        c.emit(EventTypes.AGENT_STATUS_CHANGE, null, d.taskId, null, agentType, Json.object(
                "agent_type", agentType,
                "status", d.status,
                "previous_status", current == null ? null : current.status(),
                "current_task_id", d.taskId == null ? null : d.taskId.toString(),
                "last_activity", c.now(),
                "reason", reason));
        return next;
    }

    private record Latest(UUID id, Instant updatedAt) {
    }

    private java.util.Optional<UUID> latestIn(String agentType, TaskStatus status) {
        return java.util.Optional.ofNullable(latest(agentType, status)).map(Latest::id);
    }

    private Latest latest(String agentType, TaskStatus status) {
        // The status is a literal, not a parameter: on PostgreSQL the index holds tasks on workers
        // only (V7), and a generic plan can use a partial index only if the statement proves it.
        return jdbc.prepareStatement("SELECT id, updated_at FROM tasks WHERE status = '" + status.name()
                + "' AND agent_type = ? ORDER BY updated_at DESC LIMIT 1", ps -> {
                    ps.setString(1, agentType);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? new Latest(rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant())
                                : null;
                    }
                });
    }

    private Derived derive(String agentType, Instant resetAt) {
        // A running or assigned task makes the type WORKING (the most recently changed one is
        // its current task), else one waiting for a human: index seeks (tasks_agent_activity_idx),
        // not a sort of every active task.
        Latest running = latest(agentType, TaskStatus.RUNNING);
        Latest assigned = latest(agentType, TaskStatus.ASSIGNED);
        Latest newest = running == null ? assigned : assigned == null ? running
                : assigned.updatedAt().isAfter(running.updatedAt()) ? assigned : running;
        Derived active = newest != null ? new Derived(AgentStatus.WORKING, newest.id(), "task running")
                : latestIn(agentType, TaskStatus.WAITING_FOR_HITL)
                        .map(id -> new Derived(AgentStatus.WAITING_FOR_HITL, id, "waiting for a human"))
                        .orElse(null);
        if (active != null) {
            return active;
        }
        Derived failed = jdbc.prepareStatement("SELECT id, status, error_message, finished_at FROM tasks"
                + " WHERE agent_type = ? AND finished_at IS NOT NULL ORDER BY finished_at DESC, id DESC LIMIT 1", ps -> {
                    ps.setString(1, agentType);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next() || !rs.getString(2).equals("FAILED")) {
                            return null;
                        }
                        Instant finished = rs.getTimestamp(4).toInstant();
                        if (resetAt != null && !finished.isAfter(resetAt)) {
                            return null;
                        }
                        String error = rs.getString(3);
                        return new Derived(AgentStatus.ERROR, rs.getObject(1, UUID.class),
                                error == null ? "task failed" : error);
                    }
                });
        return failed != null ? failed : new Derived(AgentStatus.IDLE, null, "no active task");
    }

    private record Derived(AgentStatus status, UUID taskId, String reason) {
    }
}
