package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.common.PageToken;
import dev.agentgrid.controlplane.common.Violations;
import dev.agentgrid.controlplane.hitl.HitlAction;
import dev.agentgrid.controlplane.hitl.HitlService;
import dev.agentgrid.controlplane.hitl.HitlStatus;
import dev.agentgrid.proto.v1.GetHitlRequestRequest;
import dev.agentgrid.proto.v1.GetHitlRequestResponse;
import dev.agentgrid.proto.v1.HitlServiceGrpc;
import dev.agentgrid.proto.v1.ListHitlRequestsRequest;
import dev.agentgrid.proto.v1.ListHitlRequestsResponse;
import dev.agentgrid.proto.v1.RespondHitlRequestRequest;
import dev.agentgrid.proto.v1.RespondHitlRequestResponse;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.UUID;

/** HitlService over gRPC: validates, maps, delegates to {@link HitlService}. */
@Singleton
public class HitlEndpoint extends HitlServiceGrpc.HitlServiceImplBase {
    private final HitlService hitl;

    public HitlEndpoint(HitlService hitl) {
        this.hitl = hitl;
    }

    @Override
    public void getHitlRequest(GetHitlRequestRequest req, StreamObserver<GetHitlRequestResponse> out) {
        Violations v = new Violations();
        UUID id = v.requireUuid(req.getRequestId(), "request_id");
        v.throwIfAny();
        Replies.reply(out, GetHitlRequestResponse.newBuilder().setRequest(HitlProtos.toProto(hitl.get(id))).build());
    }

    @Override
    public void listHitlRequests(ListHitlRequestsRequest req, StreamObserver<ListHitlRequestsResponse> out) {
        Violations v = new Violations();
        UUID projectId = v.optionalUuid(req.getProjectId(), "project_id").orElse(null);
        UUID taskId = v.optionalUuid(req.getTaskId(), "task_id").orElse(null);
        List<HitlStatus> statuses = ProtoEnums.toDomain(req.getStatusesList(), HitlStatus.class, "statuses", v);
        v.throwIfAny();
        int size = PageToken.pageSize(req.getPageSize(), 50, "page_size");
        PageToken token = PageToken.decode(req.getPageToken(), "page_token");
        HitlService.ListResult result = hitl.list(projectId, taskId, statuses, size, token);
        ListHitlRequestsResponse.Builder b = ListHitlRequestsResponse.newBuilder()
                .setPendingCount(result.pendingCount());
        result.page().items().forEach(r -> b.addRequests(HitlProtos.toProto(r)));
        if (result.page().next() != null) {
            b.setNextPageToken(result.page().next().encode());
        }
        Replies.reply(out, b.build());
    }

    @Override
    public void respondHitlRequest(RespondHitlRequestRequest req, StreamObserver<RespondHitlRequestResponse> out) {
        Violations v = new Violations();
        UUID id = v.requireUuid(req.getRequestId(), "request_id");
        HitlAction action = ProtoEnums.toDomain(req.getAction(), HitlAction.class, "action", v);
        v.maxLength(req.getResponseContent(), "response_content", Limits.LONG_TEXT);
        if (action == HitlAction.AMEND) {
            v.check(!req.getResponseContent().isBlank(), "response_content",
                    "required for HITL_ACTION_AMEND (the amended content)");
        }
        v.maxLength(req.getResponder(), "responder", Limits.NAME);
        v.throwIfAny();
        Replies.reply(out, RespondHitlRequestResponse.newBuilder()
                .setRequest(HitlProtos.toProto(hitl.respond(id, action, req.getResponseContent(), req.getResponder())))
                .build());
    }
}
