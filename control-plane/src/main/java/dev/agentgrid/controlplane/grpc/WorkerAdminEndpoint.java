package dev.agentgrid.controlplane.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.common.PageToken;
import dev.agentgrid.controlplane.common.Violations;
import dev.agentgrid.controlplane.store.Listing;
import dev.agentgrid.controlplane.worker.WorkerMetric;
import dev.agentgrid.controlplane.common.FailedPreconditionException;
import dev.agentgrid.controlplane.worker.WorkerChannel;
import dev.agentgrid.controlplane.worker.WorkerQueries;
import dev.agentgrid.controlplane.worker.WorkerRegistry;
import dev.agentgrid.controlplane.worker.WorkerSessions;
import dev.agentgrid.proto.v1.DrainWorkerRequest;
import dev.agentgrid.proto.v1.DrainWorkerResponse;
import dev.agentgrid.proto.v1.GetWorkerMetricsHistoryRequest;
import dev.agentgrid.proto.v1.GetWorkerMetricsHistoryResponse;
import dev.agentgrid.proto.v1.GetWorkerRequest;
import dev.agentgrid.proto.v1.GetWorkerResponse;
import dev.agentgrid.proto.v1.ListWorkersRequest;
import dev.agentgrid.proto.v1.ListWorkersResponse;
import dev.agentgrid.proto.v1.MachineInventory;
import dev.agentgrid.proto.v1.MetricsSnapshot;
import dev.agentgrid.proto.v1.Worker;
import dev.agentgrid.proto.v1.WorkerAdminServiceGrpc;
import dev.agentgrid.proto.v1.WorkerStatus;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/** WorkerAdminService over gRPC (draining arrives with the worker stream). */
@Singleton
public class WorkerAdminEndpoint extends WorkerAdminServiceGrpc.WorkerAdminServiceImplBase {
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private final WorkerQueries workers;
    private final WorkerSessions sessions;
    private final WorkerRegistry registry;

    public WorkerAdminEndpoint(WorkerQueries workers, WorkerSessions sessions, WorkerRegistry registry) {
        this.workers = workers;
        this.sessions = sessions;
        this.registry = registry;
    }

    @Override
    public void drainWorker(DrainWorkerRequest req, StreamObserver<DrainWorkerResponse> out) {
        Violations v = new Violations();
        v.requireLength(req.getWorkerId(), "worker_id", 1, 128);
        v.maxLength(req.getReason(), "reason", Limits.REASON);
        v.throwIfAny();
        dev.agentgrid.controlplane.worker.Worker stored = workers.get(req.getWorkerId());
        WorkerChannel channel = sessions.get(req.getWorkerId()).orElseThrow(() -> new FailedPreconditionException(
                "worker '" + req.getWorkerId() + "' is " + stored.status() + " and not connected to this control plane"));
        String reason = req.getReason().isBlank() ? "drained by admin" : req.getReason();
        channel.drain(reason);
        registry.changeStatus(channel.workerId(), channel.sessionId(),
                dev.agentgrid.controlplane.worker.WorkerStatus.DRAINING, reason);
        Replies.reply(out, DrainWorkerResponse.newBuilder().setWorker(withUsedSlots(workers.get(req.getWorkerId()))).build());
    }

    @Override
    public void listWorkers(ListWorkersRequest req, StreamObserver<ListWorkersResponse> out) {
        Violations v = new Violations();
        List<dev.agentgrid.controlplane.worker.WorkerStatus> statuses = ProtoEnums.toDomain(req.getStatusesList(),
                dev.agentgrid.controlplane.worker.WorkerStatus.class, "statuses", v);
        String agentType = req.getAgentType().isEmpty() ? null : req.getAgentType();
        if (agentType != null) {
            v.requireName(agentType, "agent_type");
        }
        TaskProtos.labels(req.getLabelSelectorMap(), "label_selector", v);
        v.throwIfAny();
        int size = PageToken.pageSize(req.getPageSize(), 100, "page_size");
        PageToken token = PageToken.decode(req.getPageToken(), "page_token");
        Listing.Page<dev.agentgrid.controlplane.worker.Worker> page = workers.list(statuses, agentType,
                req.getLabelSelectorMap(), size, token);
        ListWorkersResponse.Builder b = ListWorkersResponse.newBuilder();
        Map<String, Integer> used = workers.usedSlots(page.items().stream().map(w -> w.id()).toList());
        page.items().forEach(w -> b.addWorkers(toProto(w).toBuilder().setUsedSlots(used.getOrDefault(w.id(), 0))));
        if (page.next() != null) {
            b.setNextPageToken(page.next().encode());
        }
        Replies.reply(out, b.build());
    }

    @Override
    public void getWorker(GetWorkerRequest req, StreamObserver<GetWorkerResponse> out) {
        Replies.reply(out, GetWorkerResponse.newBuilder().setWorker(withUsedSlots(workers.get(workerId(req.getWorkerId()))))
                .build());
    }

    @Override
    public void getWorkerMetricsHistory(GetWorkerMetricsHistoryRequest req,
            StreamObserver<GetWorkerMetricsHistoryResponse> out) {
        Violations v = new Violations();
        String id = req.getWorkerId();
        v.requireLength(id, "worker_id", 1, 128);
        // Beyond protobuf's Timestamp range (years 1 to 9999) java.time overflows or PostgreSQL refuses.
        v.check(!req.hasSince() || Timestamps.isValid(req.getSince()), "since",
                "not a valid google.protobuf.Timestamp (expected: 0001-01-01 to 9999-12-31)");
        v.throwIfAny();
        int size = PageToken.pageSize(req.getPageSize(), 100, "page_size");
        PageToken token = PageToken.decode(req.getPageToken(), "page_token");
        Listing.Page<WorkerMetric> page = workers.metricsHistory(id,
                req.hasSince() ? ProtoTime.instant(req.getSince()) : null, size, token);
        GetWorkerMetricsHistoryResponse.Builder b = GetWorkerMetricsHistoryResponse.newBuilder();
        page.items().forEach(m -> b.addSnapshots(metrics(m.metricsJson())));
        if (page.next() != null) {
            b.setNextPageToken(page.next().encode());
        }
        Replies.reply(out, b.build());
    }

    private Worker withUsedSlots(dev.agentgrid.controlplane.worker.Worker w) {
        return toProto(w).toBuilder().setUsedSlots(workers.usedSlots(List.of(w.id())).getOrDefault(w.id(), 0)).build();
    }

    private static String workerId(String value) {
        new Violations().requireLength(value, "worker_id", 1, 128).throwIfAny();
        return value;
    }

    static Worker toProto(dev.agentgrid.controlplane.worker.Worker w) {
        Worker.Builder b = Worker.newBuilder()
                .setId(w.id())
                .setName(w.name())
                .setHostname(w.hostname())
                .setVersion(w.version())
                .putAllLabels(Json.parseStringMap(w.labelsJson()))
                .setSlots(w.slots())
                .setStatus(ProtoEnums.toProto(w.status(), WorkerStatus.class))
                .setCreateTime(ProtoTime.timestamp(w.createdAt()));
        Json.parseValue(w.agentTypesJson()).getListValue().getValuesList()
                .forEach(t -> b.addAgentTypes(t.getStringValue()));
        MachineInventory.Builder inventory = MachineInventory.newBuilder();
        merge(w.inventoryJson(), inventory);
        b.setInventory(inventory);
        if (w.metricsJson() != null) {
            b.setMetrics(metrics(w.metricsJson()));
        }
        if (w.sessionId() != null) {
            b.setSessionId(w.sessionId().toString());
        }
        if (w.connectedAt() != null) {
            b.setConnectTime(ProtoTime.timestamp(w.connectedAt()));
        }
        if (w.lastHeartbeatAt() != null) {
            b.setLastHeartbeatTime(ProtoTime.timestamp(w.lastHeartbeatAt()));
        }
        return b.build();
    }

    private static MetricsSnapshot metrics(String json) {
        MetricsSnapshot.Builder b = MetricsSnapshot.newBuilder();
        merge(json, b);
        return b.build();
    }

    private static void merge(String json, com.google.protobuf.Message.Builder b) {
        try {
            PARSER.merge(json, b);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored worker JSON is corrupt", e);
        }
    }
}
