package dev.agentgrid.bridge.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every setting of the bridge, read once at start and validated with messages that name the
 * setting. Each has a default here and can be set in {@code application.yml} or with the
 * environment variable named in its comment (Micronaut maps {@code AGENTGRID_BRIDGE_X_Y} to
 * {@code agentgrid.bridge.x-y}).
 *
 * @param controlPlane the control plane's gRPC address, {@code host:port}; env
 *        {@code AGENTGRID_CONTROL_PLANE}
 * @param callTimeout deadline of each unary call to the plane; env {@code AGENTGRID_BRIDGE_CALL_TIMEOUT}
 * @param ringSize durable events kept in memory for fast resume; env {@code AGENTGRID_BRIDGE_RING_SIZE}
 * @param reconnectInitial first delay before the event stream reconnects; it grows ×1.6 with ±20 %
 *        jitter; env {@code AGENTGRID_BRIDGE_RECONNECT_INITIAL}
 * @param reconnectMax longest delay between reconnect attempts; env {@code AGENTGRID_BRIDGE_RECONNECT_MAX}
 * @param pingInterval how often the server pings each socket; env {@code AGENTGRID_BRIDGE_PING_INTERVAL}
 * @param idleTimeout a socket that sends nothing (no pong, no frame) this long is closed, unless
 *        frames wait for it and it is still taking them (then {@code maxQueuedFrames} bounds it);
 *        env {@code AGENTGRID_BRIDGE_IDLE_TIMEOUT}
 * @param maxQueuedFrames frames waiting for one slow socket before it is closed; env
 *        {@code AGENTGRID_BRIDGE_MAX_QUEUED_FRAMES}
 * @param maxQueuedBytesTotal bytes of frames waiting for all sockets together (a frame counted for
 *        every socket it waits for) before the sockets holding more than their share are closed as
 *        slow consumers, so slow sockets cannot fill the heap; env
 *        {@code AGENTGRID_BRIDGE_MAX_QUEUED_BYTES_TOTAL}
 * @param maxConnectionsPerAddress concurrent sockets per client address; env
 *        {@code AGENTGRID_BRIDGE_MAX_CONNECTIONS_PER_ADDRESS}
 * @param maxMessagesPerSecond client frames per second per client address; env
 *        {@code AGENTGRID_BRIDGE_MAX_MESSAGES_PER_SECOND}
 * @param maxFrameBytes largest client message (all its fragments), in bytes; env
 *        {@code AGENTGRID_BRIDGE_MAX_FRAME_BYTES}
 * @param allowedOrigins browser origins allowed to open a socket or change state over REST
 *        (comma-separated in the environment); env {@code AGENTGRID_BRIDGE_ALLOWED_ORIGINS}
 * @param closeGrace how long a closing socket may take to flush its close frame before the
 *        connection is dropped; env {@code AGENTGRID_BRIDGE_CLOSE_GRACE}
 */
@ConfigurationProperties(BridgeConfig.PREFIX)
public record BridgeConfig(
        @Bindable(defaultValue = DEFAULT_CONTROL_PLANE) String controlPlane,
        @Bindable(defaultValue = "10s") Duration callTimeout,
        @Bindable(defaultValue = "10000") int ringSize,
        @Bindable(defaultValue = "1s") Duration reconnectInitial,
        @Bindable(defaultValue = "30s") Duration reconnectMax,
        @Bindable(defaultValue = "20s") Duration pingInterval,
        @Bindable(defaultValue = "60s") Duration idleTimeout,
        @Bindable(defaultValue = "1000") int maxQueuedFrames,
        @Bindable(defaultValue = "67108864") long maxQueuedBytesTotal,
        @Bindable(defaultValue = "20") int maxConnectionsPerAddress,
        @Bindable(defaultValue = "20") int maxMessagesPerSecond,
        @Bindable(defaultValue = "65536") int maxFrameBytes,
        @Bindable(defaultValue = DEFAULT_ALLOWED_ORIGINS) List<String> allowedOrigins,
        @Bindable(defaultValue = "5s") Duration closeGrace) {

    /** Configuration prefix. */
    public static final String PREFIX = "agentgrid.bridge";
    /** Where the control plane listens by default (the dev launcher's plane). */
    public static final String DEFAULT_CONTROL_PLANE = "localhost:50051";
    /** The dashboard's own origins when the bridge runs on its default port. */
    public static final String DEFAULT_ALLOWED_ORIGINS = "http://localhost:8080,http://127.0.0.1:8080";
    /**
     * Hard cap of one WebSocket frame, enforced by Netty before the bridge sees it; the configured
     * {@code max-frame-bytes} may not exceed it.
     */
    public static final int FRAME_BYTES_CAP = 1 << 20;

    /** Validates every setting once, naming the offending one. */
    public BridgeConfig {
        List<String> problems = new ArrayList<>();
        if (controlPlane == null || !controlPlane.matches("[^\\s:]+:\\d{1,5}")) {
            problems.add("control-plane: " + controlPlane + " (expected: host:port)");
        }
        positive(problems, "call-timeout", callTimeout);
        positive(problems, "reconnect-initial", reconnectInitial);
        positive(problems, "ping-interval", pingInterval);
        positive(problems, "idle-timeout", idleTimeout);
        positive(problems, "close-grace", closeGrace);
        if (reconnectMax == null || reconnectInitial != null && reconnectMax.compareTo(reconnectInitial) < 0) {
            problems.add("reconnect-max: " + reconnectMax + " (expected: >= reconnect-initial)");
        }
        if (idleTimeout != null && pingInterval != null && idleTimeout.compareTo(pingInterval) <= 0) {
            problems.add("idle-timeout: " + idleTimeout + " (expected: > ping-interval " + pingInterval + ")");
        }
        atLeast(problems, "ring-size", ringSize, 1);
        atLeast(problems, "max-queued-frames", maxQueuedFrames, 1);
        if (maxQueuedBytesTotal < 1024 * 1024) {
            problems.add("max-queued-bytes-total: " + maxQueuedBytesTotal + " (expected: >= 1048576)");
        }
        atLeast(problems, "max-connections-per-address", maxConnectionsPerAddress, 1);
        atLeast(problems, "max-messages-per-second", maxMessagesPerSecond, 1);
        if (maxFrameBytes < 256 || maxFrameBytes > FRAME_BYTES_CAP) {
            problems.add("max-frame-bytes: " + maxFrameBytes + " (expected: 256 to " + FRAME_BYTES_CAP + ")");
        }
        List<String> origins = new ArrayList<>();
        for (String o : allowedOrigins == null ? List.<String>of() : allowedOrigins) {
            String normalized = normalizeOrigin(o);
            if (!normalized.matches("https?://[^/\\s*]+")) {
                problems.add("allowed-origins: " + o + " (expected: scheme://host[:port], no wildcard)");
            }
            origins.add(normalized);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid " + PREFIX + " settings: " + String.join("; ", problems));
        }
        allowedOrigins = List.copyOf(origins);
    }

    /** An origin as compared: lower case, without a trailing slash. */
    public static String normalizeOrigin(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }

    private static void positive(List<String> problems, String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            problems.add(name + ": " + d + " (expected: > 0)");
        }
    }

    private static void atLeast(List<String> problems, String name, int value, int min) {
        if (value < min) {
            problems.add(name + ": " + value + " (expected: >= " + min + ")");
        }
    }
}
