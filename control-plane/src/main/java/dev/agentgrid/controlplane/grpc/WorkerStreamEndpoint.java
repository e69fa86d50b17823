package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.event.LiveEvents;
import dev.agentgrid.controlplane.hitl.HitlRequests;
import dev.agentgrid.controlplane.store.Store;
import dev.agentgrid.controlplane.task.AttemptReports;
import dev.agentgrid.controlplane.task.DispatchSignal;
import dev.agentgrid.controlplane.worker.WorkerReconciler;
import dev.agentgrid.controlplane.worker.WorkerRegistry;
import dev.agentgrid.controlplane.worker.WorkerSessions;
import dev.agentgrid.controlplane.worker.WorkerSettings;
import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectResponse;
import dev.agentgrid.proto.v1.WorkerServiceGrpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/** WorkerService.Connect: each call becomes a {@link WorkerStream}. */
@Singleton
public class WorkerStreamEndpoint extends WorkerServiceGrpc.WorkerServiceImplBase {
    private final WorkerStream.Dependencies deps;

    public WorkerStreamEndpoint(WorkerRegistry registry, WorkerSessions sessions, WorkerReconciler reconciler,
            AttemptReports reports, WorkerSettings settings, DispatchSignal dispatch, LiveEvents live,
            HitlRequests hitl, Store store, dev.agentgrid.controlplane.task.TaskMessages messages,
            dev.agentgrid.controlplane.stats.PlaneStats stats, java.time.Clock clock,
            dev.agentgrid.controlplane.worker.WorkerArrivals arrivals,
            dev.agentgrid.controlplane.worker.WorkerDepartures departures,
            @jakarta.inject.Named(io.micronaut.scheduling.TaskExecutors.IO) java.util.concurrent.ExecutorService ioExecutor) {
        this.deps = new WorkerStream.Dependencies(registry, sessions, reconciler, reports, settings, dispatch, live,
                hitl, store, messages, stats, clock, arrivals, departures, ioExecutor);
    }

    @Override
    public StreamObserver<ConnectRequest> connect(StreamObserver<ConnectResponse> responseObserver) {
        return new WorkerStream(deps, (ServerCallStreamObserver<ConnectResponse>) responseObserver,
                AuthorizationHeader.current());
    }
}
