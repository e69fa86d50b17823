package dev.agentgrid.controlplane.grpc;

import io.grpc.ServerBuilder;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;

/**
 * Transport settings chosen on purpose: keepalive so that dead worker connections are noticed
 * and idle ones survive middleboxes, and a message size limit above the largest artifact (16 MiB).
 */
@Singleton
public class ServerTuning implements BeanCreatedEventListener<ServerBuilder<?>> {
    /** Largest message the server accepts: a 16 MiB artifact plus its envelope. */
    public static final int MAX_INBOUND_MESSAGE_BYTES = 20 << 20;

    @Override
    public ServerBuilder<?> onCreated(BeanCreatedEvent<ServerBuilder<?>> event) {
        ServerBuilder<?> builder = event.getBean();
        // Set through ServerBuilder itself: the builder micronaut-grpc makes is the unshaded Netty
        // one (its own transport), so a check for the shaded builder's class skipped all of this,
        // and the server kept gRPC's default of one client ping per 5 minutes: it answered the
        // workers' 30-s pings with GOAWAY too_many_pings, dropping every worker's stream about a
        // minute after it connected.
        return builder.maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                // Workers ping every 30 s even when idle; allow it instead of GOAWAY-ing them.
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true);
    }
}
