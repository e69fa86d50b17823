package dev.agentgrid.controlplane.e2e;

import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * A real control plane in the test JVM on a fixed port, as an operator runs it: the default
 * configuration plus the given properties (the database, short liveness settings). It can be
 * stopped and started again on the same port with the same database, to play a restart.
 */
final class Plane implements AutoCloseable {
    /** Liveness settings that keep the scenarios fast: heartbeat 1 s, lease 3 s, restart grace 3 s. */
    static final Map<String, Object> FAST_LIVENESS = Map.of(
            "agentgrid.workers.heartbeat-interval", "1s",
            "agentgrid.workers.missed-heartbeats", 2,
            "agentgrid.workers.lease-margin", "1s",
            "agentgrid.workers.restart-grace", "3s");

    private final int port;
    private final Map<String, Object> properties;
    private ApplicationContext context;

    private Plane(int port, Map<String, Object> properties) {
        this.port = port;
        this.properties = properties;
    }

    /** Starts a plane on a free port with the fast liveness settings and {@code database} properties. */
    static Plane start(Map<String, ?> database) {
        Map<String, Object> props = new HashMap<>(FAST_LIVENESS);
        props.putAll(database);
        int port = freePort();
        props.put("grpc.server.port", port);
        Plane plane = new Plane(port, Map.copyOf(props));
        plane.start();
        return plane;
    }

    /** Starts (again) on the same port with the same database. */
    synchronized void start() {
        if (context != null) {
            throw new IllegalStateException("the plane is already running");
        }
        // Not the "test" environment: its in-memory database would not survive a restart.
        ApplicationContext ctx = ApplicationContext.builder().environments("e2e").deduceEnvironment(false)
                .properties(properties).start();
        try {
            ctx.getBean(GrpcEmbeddedServer.class).start();
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
        context = ctx;
    }

    /** Stops the plane as a crash or an operator would: its server, its jobs, its database pool. */
    synchronized void stop() {
        if (context != null) {
            try {
                context.close();
            } finally {
                context = null;
            }
        }
    }

    /** The plane's gRPC port (the same across restarts). */
    int port() {
        return port;
    }

    /** Whether the plane runs. */
    synchronized boolean isRunning() {
        return context != null;
    }

    /** A bean of the running plane. */
    synchronized <T> T bean(Class<T> type) {
        if (context == null) {
            throw new IllegalStateException("the plane is not running");
        }
        return context.getBean(type);
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
