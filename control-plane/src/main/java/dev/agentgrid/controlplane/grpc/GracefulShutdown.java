package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.event.EventStreams;
import dev.agentgrid.controlplane.worker.WorkerSessions;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerShutdownEvent;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the plane promptly: just before the gRPC server shuts down (it then refuses new calls and
 * awaits the running ones), health turns NOT_SERVING and the streams that never end by themselves
 * are ended: worker streams with UNAVAILABLE, so workers reconnect (to another replica, or to this
 * one once it is back) with their attempts still running, and event subscriptions completed, so
 * clients resume from their last sequence number. Without this the server waited its whole
 * termination timeout (30 s) and left the streams open on a plane whose store was closing.
 */
@Singleton
public class GracefulShutdown implements ApplicationEventListener<ServerShutdownEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

    private final WorkerSessions sessions;
    private final EventStreams events;
    private final Optional<HealthStatusManager> health;

    public GracefulShutdown(WorkerSessions sessions, EventStreams events, Optional<HealthStatusManager> health) {
        this.sessions = sessions;
        this.events = events;
        this.health = health;
    }

    @Override
    public void onApplicationEvent(ServerShutdownEvent event) {
        LOG.info("shutting down: closing worker streams and event subscriptions");
        health.ifPresent(HealthStatusManager::enterTerminalState);
        sessions.closeAll();
        events.completeAll();
    }
}
