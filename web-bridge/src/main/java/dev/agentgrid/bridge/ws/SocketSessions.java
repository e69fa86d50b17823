package dev.agentgrid.bridge.ws;

import dev.agentgrid.bridge.config.BridgeConfig;
import dev.agentgrid.bridge.events.EventHub;
import dev.agentgrid.bridge.time.Scheduler;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.websocket.WebSocketSession;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open sockets: opening and closing them (with the close code, then dropping the connection
 * if the close frame cannot get out within {@code close-grace}), and the keepalive that pings
 * them and closes idle ones, ticking on the injected scheduler.
 */
@Singleton
public class SocketSessions implements ClientSession.Closer {
    private static final Logger LOG = LoggerFactory.getLogger(SocketSessions.class);
    private static final byte[] PING = "agentgrid".getBytes(StandardCharsets.US_ASCII);

    private final BridgeConfig config;
    private final Scheduler scheduler;
    private final EventHub hub;
    private final AddressLimits limits;
    private final Keepalive keepalive;
    private final Map<WebSocketSession, ClientSession> open = new ConcurrentHashMap<>();
    private final QueueBudget budget;
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong closedSlow = new AtomicLong();
    private final AtomicLong closedIdle = new AtomicLong();
    private final AtomicLong closedTooBig = new AtomicLong();
    private volatile boolean stopped;

    @Inject
    public SocketSessions(BridgeConfig config, Scheduler scheduler, EventHub hub, AddressLimits limits) {
        this.config = config;
        this.scheduler = scheduler;
        this.hub = hub;
        this.limits = limits;
        this.keepalive = new Keepalive(config.pingInterval(), config.idleTimeout());
        this.budget = new QueueBudget(config.maxQueuedBytesTotal(), open::size);
        scheduler.schedule(keepalive.tick(), this::tick);
    }

    /** Registers a socket, on its connection, whose address was counted by {@link AddressLimits#tryOpen}. */
    ClientSession open(WebSocketSession ws, Channel channel, String address, Room room) {
        ClientSession s = new ClientSession(ws, channel, address, room, config.maxQueuedFrames(), budget,
                config.maxFrameBytes(), scheduler.now(), this);
        open.put(ws, s);
        opened.incrementAndGet();
        return s;
    }

    @Nullable
    ClientSession get(WebSocketSession ws) {
        return open.get(ws);
    }

    /** The socket is gone (closed by either side, or broken): forget it. */
    void closed(WebSocketSession ws) {
        ClientSession s = open.remove(ws);
        if (s != null) {
            s.beginClose();
            hub.detach(s);
            limits.release(s.address());
        }
    }

    @Override
    public void close(ClientSession s, int code, String reason) {
        if (!s.beginClose()) {
            return;
        }
        hub.detach(s);
        if (code == CloseCodes.SLOW_CONSUMER) {
            closedSlow.incrementAndGet();
        } else if (code == CloseCodes.IDLE_TIMEOUT) {
            closedIdle.incrementAndGet();
        } else if (code == CloseCodes.MESSAGE_TOO_BIG) {
            closedTooBig.incrementAndGet();
        }
        LOG.info("closing socket from {} ({}): {}", s.address(), code, reason);
        WebSocketSession ws = s.socket();
        // Our close frame, then the client's answer ends the connection (Micronaut closes on it);
        // closing the connection at once would make the client's late frames reset it and could
        // lose the close frame. A client that never answers is dropped after close-grace.
        try {
            ws.sendAsync(new CloseWebSocketFrame(code, CloseCodes.reason(reason))).whenComplete((r, err) -> {
                if (err != null) {
                    dropConnection(s);
                }
            });
        } catch (RuntimeException alreadyClosed) {
            return;
        }
        try {
            scheduler.schedule(config.closeGrace(), () -> dropConnection(s));
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            dropConnection(s);
        }
    }

    @Override
    public void gone(ClientSession s, Throwable cause) {
        if (s.beginClose()) {
            // Not a close the bridge chose, so no counter; logged so that such ends can be told apart.
            LOG.info("socket from {} gone: {}", s.address(), cause.toString());
            hub.detach(s);
            dropConnection(s);
        }
    }

    /** Numbers for {@code /healthz}. */
    public Stats stats() {
        return new Stats(open.size(), opened.get(), budget.queued(), closedSlow.get(), closedIdle.get(),
                closedTooBig.get());
    }

    /**
     * Socket counters.
     *
     * @param open sockets open now
     * @param opened sockets opened since start
     * @param queuedBytes bytes of the live frames waiting in all sockets' queues now (as the
     *        bridge's {@code max-queued-bytes-total} counts them)
     * @param closedSlowConsumer closed because their queue filled up, or the bridge's
     *        {@code max-queued-bytes-total} was spent and theirs held more than its share
     * @param closedIdle closed because they sent nothing for the idle timeout
     * @param closedMessageTooBig closed because a message was too big
     */
    @io.micronaut.serde.annotation.Serdeable
    public record Stats(int open, long opened, long queuedBytes, long closedSlowConsumer, long closedIdle,
            long closedMessageTooBig) {
    }

    /** One keepalive pass over every socket, then the next one is scheduled. */
    void tick() {
        if (stopped) {
            return;
        }
        try {
            Instant now = scheduler.now();
            for (ClientSession s : open.values()) {
                if (!s.isOpen()) {
                    continue;
                }
                if (s.behindButTaking()) {
                    // Its pong waits behind the frames it is still reading; a client that falls
                    // too far behind is closed by the queue bound (slow consumer) instead.
                    s.touched(now);
                }
                switch (keepalive.decide(now, s.lastInbound(), s.lastPing())) {
                    case CLOSE_IDLE:
                        close(s, CloseCodes.IDLE_TIMEOUT, "idle timeout: nothing received for "
                                + config.idleTimeout().toSeconds() + " s");
                        break;
                    case PING:
                        s.pinged(now);
                        ping(s);
                        break;
                    default:
                        break;
                }
            }
        } finally {
            if (!stopped) {
                scheduler.schedule(keepalive.tick(), this::tick);
            }
        }
    }

    private void ping(ClientSession s) {
        try {
            s.socket().sendPingAsync(PING);
        } catch (RuntimeException e) {
            gone(s, e);
        }
    }

    private static void dropConnection(ClientSession s) {
        Channel channel = s.channel();
        if (channel.isOpen()) {
            channel.close();
        }
    }

    /** Tells every client the bridge is going away; they reconnect (elsewhere) and resume. */
    @PreDestroy
    void shutdown() {
        stopped = true;
        for (ClientSession s : List.copyOf(open.values())) {
            close(s, CloseCodes.GOING_AWAY, "bridge shutting down");
        }
    }
}
