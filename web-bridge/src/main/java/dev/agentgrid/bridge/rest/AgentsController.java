package dev.agentgrid.bridge.rest;

import dev.agentgrid.bridge.plane.Calls;
import dev.agentgrid.bridge.plane.PlaneChannel;
import dev.agentgrid.proto.v1.GetAgentStatusHistoryRequest;
import dev.agentgrid.proto.v1.GetAgentStatusRequest;
import dev.agentgrid.proto.v1.ListAgentStatusesRequest;
import dev.agentgrid.proto.v1.ResetAgentStatusRequest;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import java.util.concurrent.CompletableFuture;

/** {@code /api/v1/agents}: what each agent type is doing, its history, and resetting an error. */
@Controller("/api/v1/agents")
public class AgentsController {
    private final PlaneChannel plane;

    public AgentsController(PlaneChannel plane) {
        this.plane = plane;
    }

    /** Every known agent type with its status. */
    @Get("/status")
    public CompletableFuture<AgentViews.AgentList> list() {
        return Calls.of(plane.agents().listAgentStatuses(ListAgentStatusesRequest.getDefaultInstance()))
                .thenApply(r -> new AgentViews.AgentList(r.getAgentsList().stream().map(AgentViews::of).toList()));
    }

    /** One agent type's status. */
    @Get("/status/{agent_type}")
    public CompletableFuture<AgentViews.AgentView> get(@PathVariable("agent_type") String agentType) {
        return Calls.of(plane.agents().getAgentStatus(GetAgentStatusRequest.newBuilder().setAgentType(agentType).build()))
                .thenApply(r -> AgentViews.of(r.getAgent()));
    }

    /** An agent type's status changes, newest first. */
    @Get("/status-history/{agent_type}")
    public CompletableFuture<AgentViews.History> history(@PathVariable("agent_type") String agentType,
            @QueryValue("page_size") @Nullable String pageSize, @QueryValue("page_token") @Nullable String pageToken) {
        Params p = new Params();
        GetAgentStatusHistoryRequest.Builder b = GetAgentStatusHistoryRequest.newBuilder().setAgentType(agentType)
                .setPageSize(p.pageSize(pageSize));
        p.throwIfAny();
        if (pageToken != null) {
            b.setPageToken(pageToken);
        }
        return Calls.of(plane.agents().getAgentStatusHistory(b.build())).thenApply(r -> new AgentViews.History(agentType,
                r.getHistoryList().stream().map(AgentViews::of).toList(), TaskViews.blankToNull(r.getNextPageToken())));
    }

    /** Clears an ERROR (admin): the agent type goes back to what its tasks imply. */
    @Post("/status/{agent_type}/reset")
    public CompletableFuture<AgentViews.Reset> reset(@PathVariable("agent_type") String agentType) {
        return Calls.of(plane.agents().resetAgentStatus(ResetAgentStatusRequest.newBuilder().setAgentType(agentType)
                .build())).thenApply(r -> new AgentViews.Reset("agent status reset", agentType,
                        EnumNames.name(r.getAgent().getStatus(), "AGENT_STATUS_")));
    }
}
