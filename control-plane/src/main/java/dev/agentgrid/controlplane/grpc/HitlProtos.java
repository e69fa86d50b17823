package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.common.Violations;
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
        return dev.agentgrid.proto.v1.HitlStatus.valueOf("HITL_STATUS_" + s.name());
    }

    static HitlStatus status(dev.agentgrid.proto.v1.HitlStatus s, String field, Violations v) {
        if (s == dev.agentgrid.proto.v1.HitlStatus.HITL_STATUS_UNSPECIFIED
                || s == dev.agentgrid.proto.v1.HitlStatus.UNRECOGNIZED) {
            v.add(field, "must be a known HITL status other than HITL_STATUS_UNSPECIFIED");
            return null;
        }
        return HitlStatus.valueOf(s.name().substring("HITL_STATUS_".length()));
    }

    static dev.agentgrid.proto.v1.HitlAction action(HitlAction a) {
        return dev.agentgrid.proto.v1.HitlAction.valueOf("HITL_ACTION_" + a.name());
    }

    static HitlAction action(dev.agentgrid.proto.v1.HitlAction a, String field, Violations v) {
        if (a == dev.agentgrid.proto.v1.HitlAction.HITL_ACTION_UNSPECIFIED
                || a == dev.agentgrid.proto.v1.HitlAction.UNRECOGNIZED) {
            v.add(field, "required: HITL_ACTION_APPROVE, HITL_ACTION_REJECT or HITL_ACTION_AMEND");
            return null;
        }
        return HitlAction.valueOf(a.name().substring("HITL_ACTION_".length()));
    }

    static HitlRequest toProto(dev.agentgrid.controlplane.hitl.HitlRequest r) {
        HitlRequest.Builder b = HitlRequest.newBuilder()
                .setId(r.id().toString())
                .setTaskId(r.taskId().toString())
                .setProjectId(r.projectId().toString())
                .setAgentType(r.agentType())
                .setAttempt(r.attempt())
                .setKind(HitlKind.valueOf("HITL_KIND_" + r.kind().name()))
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
