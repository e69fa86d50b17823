package dev.agentgrid.bridge.rest;

import dev.agentgrid.bridge.plane.ProtoJson;
import dev.agentgrid.proto.v1.Agent;
import dev.agentgrid.proto.v1.AgentStatusChange;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** Agent status as the REST face shows it: {@code idle}, {@code working}, {@code waiting_for_hitl}, {@code error}. */
final class AgentViews {
    private AgentViews() {
    }

    /** One agent type's status. */
    @Serdeable
    record AgentView(String agentType, String status, @Nullable String currentTaskId, @Nullable String lastActivity,
            String statusReason) {
    }

    /** GET /agents/status. */
    @Serdeable
    record AgentList(List<AgentView> agents) {
    }

    /** One status change. */
    @Serdeable
    record Change(String status, @Nullable String taskId, String reason, @Nullable String timestamp) {
    }

    /** GET /agents/status-history/{agent_type}, newest first. */
    @Serdeable
    record History(String agentType, List<Change> history, @Nullable String nextPageToken) {
    }

    /** POST /agents/status/{agent_type}/reset. */
    @Serdeable
    record Reset(String message, String agentType, String status) {
    }

    static AgentView of(Agent a) {
        return new AgentView(a.getAgentType(), EnumNames.name(a.getStatus(), "AGENT_STATUS_"),
                TaskViews.blankToNull(a.getCurrentTaskId()), ProtoJson.time(a.hasLastActivity(), a.getLastActivity()),
                a.getStatusReason());
    }

    static Change of(AgentStatusChange c) {
        return new Change(EnumNames.name(c.getStatus(), "AGENT_STATUS_"), TaskViews.blankToNull(c.getTaskId()),
                c.getReason(), ProtoJson.time(c.hasTimestamp(), c.getTimestamp()));
    }
}
