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
    private final java.util.Set<String> pending = new java.util.LinkedHashSet<>(); // guards busy too
    private boolean busy;
    private final Thread refresher;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AgentStatusService.class);

    public AgentStatusService(Store store, JdbcOperations jdbc, AgentStateRepository states,
            AgentStatusEntryRepository history) {
        this.store = store;
        this.jdbc = jdbc;
        this.states = states;
        this.history = history;
        this.refresher = new Thread(this::refreshLoop, "agent-status");
        refresher.setDaemon(true);
        refresher.start();
    }

    /**
     * Has an agent type's status recomputed once the current transaction committed. The status is
     * derived and only read by people, so it is brought up to date just after the change, by one
     * background thread that coalesces requests: recomputing it inside every transaction cost
     * five statements and a lock on the agent type's row that every task of the type queued on.
     */
    public void refreshAfterCommit(Changes c, String agentType) {
        c.afterCommit(() -> request(agentType));
    }

    private void request(String agentType) {
        synchronized (pending) {
            pending.add(agentType);
            pending.notifyAll();
        }
    }

    /** Waits until every requested refresh has been applied (for tests and orderly checks). */
    public boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (pending) {
            while (!pending.isEmpty() || busy) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                pending.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    private void refreshLoop() {
        while (!Thread.currentThread().isInterrupted()) {
            java.util.List<String> types;
            synchronized (pending) {
                while (pending.isEmpty()) {
                    try {
                        pending.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                types = new java.util.ArrayList<>(pending);
                pending.clear();
                busy = true;
            }
            try {
                // One transaction per type, in name order: each locks one agent type's row.
                java.util.Collections.sort(types);
                for (String type : types) {
                    try {
                        store.write(c -> refresh(c, type, null));
                    } catch (RuntimeException e) {
                        LOG.warn("refreshing the status of agent type {} failed; it is refreshed on its next change",
                                type, e);
                    }
                }
            } finally {
                synchronized (pending) {
                    busy = false;
                    pending.notifyAll();
                }
            }
        }
    }

    @jakarta.annotation.PreDestroy
    void stopRefreshing() {
        refresher.interrupt();
    }

    /** Every known agent type. */
    public List<AgentState> list() {
        return store.read(states::listAll);
    }

    /** One agent type's status. */
    public AgentState get(String agentType) {
        return store.read(() -> states.findById(agentType))
                .orElseThrow(() -> new NotFoundException("agent type '" + agentType + "' not found"));
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

    private java.util.Optional<UUID> latestIn(String agentType, String status) {
        return java.util.Optional.ofNullable(latest(agentType, status)).map(Latest::id);
    }

    private Latest latest(String agentType, String status) {
        return jdbc.prepareStatement("SELECT id, updated_at FROM tasks WHERE status = ? AND agent_type = ?"
                + " ORDER BY updated_at DESC LIMIT 1", ps -> {
                    ps.setString(1, status);
                    ps.setString(2, agentType);
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
        Latest running = latest(agentType, "RUNNING");
        Latest assigned = latest(agentType, "ASSIGNED");
        Latest newest = running == null ? assigned : assigned == null ? running
                : assigned.updatedAt().isAfter(running.updatedAt()) ? assigned : running;
        Derived active = newest != null ? new Derived(AgentStatus.WORKING, newest.id(), "task running")
                : latestIn(agentType, "WAITING_FOR_HITL")
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
