package dev.agentgrid.bridge.rest;

import com.google.protobuf.Timestamp;
import dev.agentgrid.bridge.plane.Calls;
import dev.agentgrid.bridge.plane.PlaneChannel;
import dev.agentgrid.proto.v1.DrainWorkerRequest;
import dev.agentgrid.proto.v1.GetWorkerMetricsHistoryRequest;
import dev.agentgrid.proto.v1.GetWorkerRequest;
import dev.agentgrid.proto.v1.ListWorkersRequest;
import dev.agentgrid.proto.v1.WorkerStatus;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.tree.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code /api/v1/workers}: registered workers, their metrics history, draining. */
@Controller("/api/v1/workers")
public class WorkersController {
    private final PlaneChannel plane;

    public WorkersController(PlaneChannel plane) {
        this.plane = plane;
    }

    /** Workers by id; filters {@code status} (online, draining, offline) and {@code agent_type}. */
    @Get
    public CompletableFuture<WorkerViews.WorkerPage> list(@QueryValue("status") @Nullable List<String> status,
            @QueryValue("agent_type") @Nullable String agentType, @QueryValue("page_size") @Nullable String pageSize,
            @QueryValue("page_token") @Nullable String pageToken) {
        Params p = new Params();
        ListWorkersRequest.Builder b = ListWorkersRequest.newBuilder().setPageSize(p.pageSize(pageSize));
        for (String s : Params.list(status)) {
            try {
                b.addStatuses(EnumNames.parse(WorkerStatus.class, "WORKER_STATUS_", s));
            } catch (IllegalArgumentException e) {
                p.violation("status", e.getMessage());
            }
        }
        p.throwIfAny();
        if (agentType != null) {
            b.setAgentType(agentType);
        }
        if (pageToken != null) {
            b.setPageToken(pageToken);
        }
        return Calls.of(plane.workers().listWorkers(b.build())).thenApply(r -> new WorkerViews.WorkerPage(
                r.getWorkersList().stream().map(WorkerViews::of).toList(), TaskViews.blankToNull(r.getNextPageToken())));
    }

    /** One worker with its latest metrics. */
    @Get("/{worker_id}")
    public CompletableFuture<WorkerViews.WorkerView> get(@PathVariable("worker_id") String workerId) {
        return Calls.of(plane.workers().getWorker(GetWorkerRequest.newBuilder().setWorkerId(workerId).build()))
                .thenApply(r -> WorkerViews.of(r.getWorker()));
    }

    /** A worker's retained metrics snapshots, newest first; {@code since} (ISO-8601) filters. */
    @Get("/{worker_id}/metrics")
    public CompletableFuture<WorkerViews.MetricsPage> metrics(@PathVariable("worker_id") String workerId,
            @QueryValue("since") @Nullable String since, @QueryValue("page_size") @Nullable String pageSize,
            @QueryValue("page_token") @Nullable String pageToken) {
        Params p = new Params();
        GetWorkerMetricsHistoryRequest.Builder b = GetWorkerMetricsHistoryRequest.newBuilder().setWorkerId(workerId)
                .setPageSize(p.pageSize(pageSize));
        if (since != null && !since.isEmpty()) {
            try {
                Instant t = Instant.parse(since);
                b.setSince(Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()));
            } catch (DateTimeParseException e) {
                p.violation("since", Params.clip(since) + " (expected: an ISO-8601 instant, e.g. 2026-01-31T12:00:00Z)");
            }
        }
        p.throwIfAny();
        if (pageToken != null) {
            b.setPageToken(pageToken);
        }
        return Calls.of(plane.workers().getWorkerMetricsHistory(b.build())).thenApply(r -> new WorkerViews.MetricsPage(
                workerId, r.getSnapshotsList().stream().map(WorkerViews::metrics).toList(),
                TaskViews.blankToNull(r.getNextPageToken())));
    }

    /** Tells a connected worker to take no new work and finish what it runs; {@code reason} optional. */
    @Post("/{worker_id}/drain")
    public CompletableFuture<WorkerViews.WorkerView> drain(@PathVariable("worker_id") String workerId,
            @Body @Nullable JsonNode body) {
        String reason = null;
        if (body != null) {
            JsonFields f = new JsonFields(body);
            reason = f.optionalText("reason");
            f.throwIfAny("invalid drain request");
        }
        DrainWorkerRequest.Builder b = DrainWorkerRequest.newBuilder().setWorkerId(workerId);
        if (reason != null) {
            b.setReason(reason);
        }
        return Calls.of(plane.workers().drainWorker(b.build())).thenApply(r -> WorkerViews.of(r.getWorker()));
    }
}
