package dev.agentgrid.bridge.plane;

import dev.agentgrid.bridge.config.BridgeConfig;
import dev.agentgrid.proto.v1.AgentStatusServiceGrpc;
import dev.agentgrid.proto.v1.ArtifactServiceGrpc;
import dev.agentgrid.proto.v1.EventServiceGrpc;
import dev.agentgrid.proto.v1.HitlServiceGrpc;
import dev.agentgrid.proto.v1.ProjectServiceGrpc;
import dev.agentgrid.proto.v1.TaskServiceGrpc;
import dev.agentgrid.proto.v1.WorkerAdminServiceGrpc;
import dev.agentgrid.proto.v1.WorkflowServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's one gRPC channel to the control plane. Every unary stub it hands out carries the
 * configured deadline, so no request waits on an unreachable plane for ever. The bridge keeps no
 * state of its own beyond caches: the plane is the source of truth, which is why any number of
 * bridges can run side by side.
 */
@Singleton
public class PlaneChannel {
    /** Largest message accepted from the plane: a 16 MiB artifact plus its envelope, as the plane allows. */
    static final int MAX_INBOUND_MESSAGE_BYTES = 20 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(PlaneChannel.class);

    private final ManagedChannel channel;
    private final Duration callTimeout;
    private final String target;

    @Inject
    public PlaneChannel(BridgeConfig config) {
        this(config.controlPlane(), config.callTimeout(), NettyChannelBuilder.forTarget(config.controlPlane())
                .usePlaintext()
                // The plane permits pings every 10 s; 30 s notices a dead plane behind a middlebox
                // well before TCP would.
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(true)
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .build());
    }

    /** Wraps an existing channel (tests use an in-process one); it is closed with this object. */
    public PlaneChannel(String target, Duration callTimeout, ManagedChannel channel) {
        this.target = target;
        this.callTimeout = callTimeout;
        this.channel = channel;
    }

    /** The plane's address as configured. */
    public String target() {
        return target;
    }

    /** The deadline every unary call gets. */
    public Duration callTimeout() {
        return callTimeout;
    }

    /** The raw channel, for streaming calls that set their own deadlines (or none). */
    public ManagedChannel channel() {
        return channel;
    }

    /** ProjectService, with the call deadline. */
    public ProjectServiceGrpc.ProjectServiceFutureStub projects() {
        return ProjectServiceGrpc.newFutureStub(channel).withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** TaskService, with the call deadline. */
    public TaskServiceGrpc.TaskServiceFutureStub tasks() {
        return TaskServiceGrpc.newFutureStub(channel).withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** HitlService, with the call deadline. */
    public HitlServiceGrpc.HitlServiceFutureStub hitl() {
        return HitlServiceGrpc.newFutureStub(channel).withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** AgentStatusService, with the call deadline. */
    public AgentStatusServiceGrpc.AgentStatusServiceFutureStub agents() {
        return AgentStatusServiceGrpc.newFutureStub(channel)
                .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** ArtifactService, with the call deadline. */
    public ArtifactServiceGrpc.ArtifactServiceFutureStub artifacts() {
        return ArtifactServiceGrpc.newFutureStub(channel)
                .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** WorkerAdminService, with the call deadline. */
    public WorkerAdminServiceGrpc.WorkerAdminServiceFutureStub workers() {
        return WorkerAdminServiceGrpc.newFutureStub(channel)
                .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** WorkflowService, with the call deadline. */
    public WorkflowServiceGrpc.WorkflowServiceFutureStub workflows() {
        return WorkflowServiceGrpc.newFutureStub(channel)
                .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** EventService (unary ListEvents), with the call deadline. */
    public EventServiceGrpc.EventServiceFutureStub events() {
        return EventServiceGrpc.newFutureStub(channel).withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The standard health service, with a short deadline of its own: health checks must answer fast. */
    public HealthGrpc.HealthFutureStub health(Duration deadline) {
        return HealthGrpc.newFutureStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes the channel: running calls are given a moment, then cancelled. */
    @PreDestroy
    void close() throws InterruptedException {
        channel.shutdown();
        if (!channel.awaitTermination(3, TimeUnit.SECONDS)) {
            LOG.info("cancelling calls to the control plane still running at shutdown");
            channel.shutdownNow();
            channel.awaitTermination(2, TimeUnit.SECONDS);
        }
    }
}
