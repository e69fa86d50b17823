package dev.agentgrid.controlplane.testing;

import dev.agentgrid.proto.v1.AgentStatusServiceGrpc;
import dev.agentgrid.proto.v1.ArtifactServiceGrpc;
import dev.agentgrid.proto.v1.EventServiceGrpc;
import dev.agentgrid.proto.v1.HitlServiceGrpc;
import dev.agentgrid.proto.v1.ProjectServiceGrpc;
import dev.agentgrid.proto.v1.TaskServiceGrpc;
import dev.agentgrid.proto.v1.WorkerAdminServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.concurrent.TimeUnit;

/** A real plaintext channel to a control plane under test, with a blocking stub per service. */
public final class GrpcClient implements AutoCloseable {
    public final ManagedChannel channel;
    public final ProjectServiceGrpc.ProjectServiceBlockingStub projects;
    public final TaskServiceGrpc.TaskServiceBlockingStub tasks;
    public final HitlServiceGrpc.HitlServiceBlockingStub hitl;
    public final AgentStatusServiceGrpc.AgentStatusServiceBlockingStub agents;
    public final WorkerAdminServiceGrpc.WorkerAdminServiceBlockingStub workers;
    public final ArtifactServiceGrpc.ArtifactServiceBlockingStub artifacts;
    public final EventServiceGrpc.EventServiceBlockingStub events;
    public final dev.agentgrid.proto.v1.WorkflowServiceGrpc.WorkflowServiceBlockingStub workflows;
    public final dev.agentgrid.proto.v1.StatsServiceGrpc.StatsServiceBlockingStub stats;

    public GrpcClient(int port) {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        projects = ProjectServiceGrpc.newBlockingStub(channel);
        tasks = TaskServiceGrpc.newBlockingStub(channel);
        hitl = HitlServiceGrpc.newBlockingStub(channel);
        agents = AgentStatusServiceGrpc.newBlockingStub(channel);
        workers = WorkerAdminServiceGrpc.newBlockingStub(channel);
        artifacts = ArtifactServiceGrpc.newBlockingStub(channel);
        events = EventServiceGrpc.newBlockingStub(channel);
        workflows = dev.agentgrid.proto.v1.WorkflowServiceGrpc.newBlockingStub(channel);
        stats = dev.agentgrid.proto.v1.StatsServiceGrpc.newBlockingStub(channel);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }
}
