package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.agent.AgentState;
import dev.agentgrid.controlplane.agent.AgentStatusEntry;
import dev.agentgrid.controlplane.agent.AgentStatusService;
import dev.agentgrid.controlplane.common.PageToken;
import dev.agentgrid.controlplane.common.Violations;
import dev.agentgrid.controlplane.store.Listing;
import dev.agentgrid.proto.v1.Agent;
import dev.agentgrid.proto.v1.AgentStatus;
import dev.agentgrid.proto.v1.AgentStatusChange;
import dev.agentgrid.proto.v1.AgentStatusServiceGrpc;
import dev.agentgrid.proto.v1.GetAgentStatusHistoryRequest;
import dev.agentgrid.proto.v1.GetAgentStatusHistoryResponse;
import dev.agentgrid.proto.v1.GetAgentStatusRequest;
import dev.agentgrid.proto.v1.GetAgentStatusResponse;
import dev.agentgrid.proto.v1.ListAgentStatusesRequest;
import dev.agentgrid.proto.v1.ListAgentStatusesResponse;
import dev.agentgrid.proto.v1.ResetAgentStatusRequest;
import dev.agentgrid.proto.v1.ResetAgentStatusResponse;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/** AgentStatusService over gRPC. */
@Singleton
public class AgentStatusEndpoint extends AgentStatusServiceGrpc.AgentStatusServiceImplBase {
    private final AgentStatusService agents;

    public AgentStatusEndpoint(AgentStatusService agents) {
        this.agents = agents;
    }

    @Override
    public void listAgentStatuses(ListAgentStatusesRequest req, StreamObserver<ListAgentStatusesResponse> out) {
        ListAgentStatusesResponse.Builder b = ListAgentStatusesResponse.newBuilder();
        agents.list().forEach(a -> b.addAgents(proto(a)));
        Replies.reply(out, b.build());
    }

    @Override
    public void getAgentStatus(GetAgentStatusRequest req, StreamObserver<GetAgentStatusResponse> out) {
        Replies.reply(out, GetAgentStatusResponse.newBuilder()
                .setAgent(proto(agents.get(agentType(req.getAgentType())))).build());
    }

    @Override
    public void getAgentStatusHistory(GetAgentStatusHistoryRequest req,
            StreamObserver<GetAgentStatusHistoryResponse> out) {
        String type = agentType(req.getAgentType());
        int size = PageToken.pageSize(req.getPageSize(), 50, "page_size");
        PageToken token = PageToken.decode(req.getPageToken(), "page_token");
        Listing.Page<AgentStatusEntry> page = agents.history(type, size, token);
        GetAgentStatusHistoryResponse.Builder b = GetAgentStatusHistoryResponse.newBuilder();
        for (AgentStatusEntry e : page.items()) {
            AgentStatusChange.Builder c = AgentStatusChange.newBuilder()
                    .setStatus(status(e.status()))
                    .setReason(e.reason())
                    .setTimestamp(ProtoTime.timestamp(e.createdAt()));
            if (e.taskId() != null) {
                c.setTaskId(e.taskId().toString());
            }
            b.addHistory(c);
        }
        if (page.next() != null) {
            b.setNextPageToken(page.next().encode());
        }
        Replies.reply(out, b.build());
    }

    @Override
    public void resetAgentStatus(ResetAgentStatusRequest req, StreamObserver<ResetAgentStatusResponse> out) {
        Replies.reply(out, ResetAgentStatusResponse.newBuilder()
                .setAgent(proto(agents.reset(agentType(req.getAgentType())))).build());
    }

    private static String agentType(String value) {
        new Violations().requireName(value, "agent_type").throwIfAny();
        return value;
    }

    private static AgentStatus status(dev.agentgrid.controlplane.agent.AgentStatus s) {
        return ProtoEnums.toProto(s, AgentStatus.class);
    }

    private static Agent proto(AgentState a) {
        Agent.Builder b = Agent.newBuilder()
                .setAgentType(a.agentType())
                .setStatus(status(a.status()))
                .setLastActivity(ProtoTime.timestamp(a.lastActivity()))
                .setStatusReason(a.statusReason());
        if (a.currentTaskId() != null) {
            b.setCurrentTaskId(a.currentTaskId().toString());
        }
        return b.build();
    }
}
