package dev.agentgrid.controlplane.grpc;

import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
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
        builder.maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES);
        if (builder instanceof NettyServerBuilder netty) {
            netty.keepAliveTime(30, TimeUnit.SECONDS)
                    .keepAliveTimeout(10, TimeUnit.SECONDS)
                    // Workers ping every 30 s even when idle; allow it instead of GOAWAY-ing them.
                    .permitKeepAliveTime(10, TimeUnit.SECONDS)
                    .permitKeepAliveWithoutCalls(true);
        }
        return builder;
    }
}
