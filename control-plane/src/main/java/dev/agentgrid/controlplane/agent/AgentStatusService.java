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

    public AgentStatusService(Store store, JdbcOperations jdbc, AgentStateRepository states,
            AgentStatusEntryRepository history) {
        this.store = store;
        this.jdbc = jdbc;
        this.states = states;
        this.history = history;
    }

    /** Recomputes an agent type's status once, at the end of the current transaction. */
    public void refreshBeforeCommit(Changes c, String agentType) {
        c.beforeCommit(Changes.Phase.AGENT_TYPES, agentType, () -> refresh(c, agentType));
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

    private void refresh(Changes c, String agentType) {
        refresh(c, agentType, null);
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

    private Derived derive(String agentType, Instant resetAt) {
        Derived active = jdbc.prepareStatement("SELECT id, status FROM tasks WHERE agent_type = ?"
                + " AND status IN ('ASSIGNED', 'RUNNING', 'WAITING_FOR_HITL')"
                + " ORDER BY CASE WHEN status = 'WAITING_FOR_HITL' THEN 1 ELSE 0 END, updated_at DESC LIMIT 1", ps -> {
                    ps.setString(1, agentType);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return null;
                        }
                        boolean waiting = rs.getString(2).equals("WAITING_FOR_HITL");
                        return new Derived(waiting ? AgentStatus.WAITING_FOR_HITL : AgentStatus.WORKING,
                                rs.getObject(1, UUID.class), waiting ? "waiting for a human" : "task running");
                    }
                });
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
