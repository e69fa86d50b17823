package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.hitl.HitlAction;
import dev.agentgrid.controlplane.hitl.HitlStatus;
import dev.agentgrid.proto.v1.HitlKind;
import dev.agentgrid.proto.v1.HitlRequest;
import com.google.protobuf.Value;

/** Maps HITL requests to and from the contract. */
final class HitlProtos {
    private HitlProtos() {
    }

    static dev.agentgrid.proto.v1.HitlStatus status(HitlStatus s) {
        return ProtoEnums.toProto(s, dev.agentgrid.proto.v1.HitlStatus.class);
    }

    static dev.agentgrid.proto.v1.HitlAction action(HitlAction a) {
        return ProtoEnums.toProto(a, dev.agentgrid.proto.v1.HitlAction.class);
    }

    static HitlRequest toProto(dev.agentgrid.controlplane.hitl.HitlRequest r) {
        HitlRequest.Builder b = HitlRequest.newBuilder()
                .setId(r.id().toString())
                .setTaskId(r.taskId().toString())
                .setProjectId(r.projectId().toString())
                .setAgentType(r.agentType())
                .setAttempt(r.attempt())
                .setKind(ProtoEnums.toProto(r.kind(), HitlKind.class))
                .setQuestion(r.question())
                .setPayload(Json.parseStruct(r.payloadJson()))
                .setStatus(status(r.status()))
                .setDelivered(r.delivered())
                .setCreateTime(ProtoTime.timestamp(r.createdAt()))
                .setUpdateTime(ProtoTime.timestamp(r.updatedAt()));
        for (Value option : Json.parseValue(r.optionsJson()).getListValue().getValuesList()) {
            b.addOptions(option.getStringValue());
        }
        if (r.action() != null) {
            b.setAction(action(r.action()));
        }
        if (r.responseContent() != null) {
            b.setResponseContent(r.responseContent());
        }
        if (r.responder() != null) {
            b.setResponder(r.responder());
        }
        if (r.expiresAt() != null) {
            b.setExpireTime(ProtoTime.timestamp(r.expiresAt()));
        }
        if (r.defaultAction() != null) {
            b.setDefaultAction(action(r.defaultAction()));
        }
        return b.build();
    }
}
