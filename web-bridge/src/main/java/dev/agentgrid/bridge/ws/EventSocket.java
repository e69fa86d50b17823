package dev.agentgrid.bridge.ws;

import dev.agentgrid.bridge.config.BridgeConfig;
import dev.agentgrid.bridge.events.EventHub;
import dev.agentgrid.bridge.events.FrameTypes;
import dev.agentgrid.bridge.events.Frames;
import dev.agentgrid.bridge.events.HubEvent;
import dev.agentgrid.bridge.plane.ProtoJson;
import dev.agentgrid.bridge.rest.Failure;
import dev.agentgrid.bridge.rest.GrpcProblems;
import dev.agentgrid.bridge.time.Scheduler;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketPongMessage;
import io.micronaut.websocket.WebSocketSession;
import io.micronaut.websocket.annotation.OnClose;
import io.micronaut.websocket.annotation.OnMessage;
import io.micronaut.websocket.annotation.OnOpen;
import io.micronaut.websocket.annotation.ServerWebSocket;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /ws}: live events for dashboards, with resume ({@code ?after=SEQ} or
 * {@code Last-Event-ID}), rooms, keepalive, per-address limits and the client frames of
 * {@link ClientFrames}. The upgrade itself is checked by {@link UpgradeFilter} (origin, limits,
 * parameters) before this class sees the socket.
 */
@ServerWebSocket("/ws")
public class EventSocket {
    private static final Logger LOG = LoggerFactory.getLogger(EventSocket.class);

    private final SocketSessions sessions;
    private final AddressLimits limits;
    private final ClientAddresses addresses;
    private final EventHub hub;
    private final ClientFrames commands;
    private final Frames frames;
    private final Scheduler scheduler;
    private final BridgeConfig config;

    public EventSocket(SocketSessions sessions, AddressLimits limits, ClientAddresses addresses, EventHub hub,
            ClientFrames commands, Frames frames, Scheduler scheduler, BridgeConfig config) {
        this.sessions = sessions;
        this.limits = limits;
        this.addresses = addresses;
        this.hub = hub;
        this.commands = commands;
        this.frames = frames;
        this.scheduler = scheduler;
        this.config = config;
    }

    /**
     * Registers the socket (counted against its address), then attaches it live, or replays what
     * it missed first when it resumes; a resume that cannot read the plane closes with 1013.
     */
    @OnOpen
    public void onOpen(WebSocketSession ws, HttpRequest<?> request) {
        SocketRequest.Parsed parsed = SocketRequest.parse(request);
        if (parsed.request() == null) {
            // The upgrade filter refuses these with 400; this only guards against a bypass.
            ws.close(new CloseReason(CloseCodes.POLICY_VIOLATION, "invalid parameters"));
            return;
        }
        Channel connection = connectionOf(request);
        String address = addresses.of(request);
        // The filter's check and this count race for simultaneous upgrades; this one decides.
        if (!limits.tryOpen(address)) {
            ws.close(new CloseReason(CloseCodes.POLICY_VIOLATION,
                    "too many connections from this address (at most " + limits.maxConnections() + ")"));
            return;
        }
        ClientSession s = sessions.open(ws, connection, address, parsed.request().room());
        Long after = parsed.request().after();
        if (after == null) {
            hub.attachLive(s, seq -> s.replay(List.of(connected(s, seq, null))));
            return;
        }
        s.replay(List.of(connected(s, hub.position(), after)));
        hub.resume(s, after).whenComplete((ignored, err) -> {
            if (err != null) {
                Failure f = GrpcProblems.describe(err);
                LOG.info("resume after {} for {} failed: {}", after, address, f.detail());
                sessions.close(s, CloseCodes.TRY_AGAIN_LATER, "cannot replay history now: " + f.detail());
            }
        });
    }

    /**
     * Every client frame, raw, so that fragments are joined under the bridge's own size limit.
     * The Netty limit of a single frame is the hard cap; {@code max-frame-bytes} is checked on
     * the whole message.
     */
    @OnMessage(maxPayloadLength = BridgeConfig.FRAME_BYTES_CAP)
    public void onMessage(WebSocketFrame frame, WebSocketSession ws) {
        try {
            ClientSession s = sessions.get(ws);
            if (s == null || !s.isOpen()) {
                return;
            }
            s.touched(scheduler.now());
            MessageAssembler.Result r = s.assembler().accept(frame);
            if (r instanceof MessageAssembler.TooBig) {
                sessions.close(s, CloseCodes.MESSAGE_TOO_BIG, "message too big: at most " + config.maxFrameBytes()
                        + " bytes");
            } else if (r instanceof MessageAssembler.Binary) {
                commands.error(s, null, GrpcProblems.invalid("binary messages are not supported; send JSON text",
                        List.of()));
            } else if (r instanceof MessageAssembler.Text t) {
                if (!limits.tryMessage(s.address())) {
                    commands.error(s, ClientFrames.id(commands.parse(t.text())), new Failure(429, "RESOURCE_EXHAUSTED",
                            "Too many requests", "rate limit: at most " + limits.perSecond()
                                    + " messages per second per client address; message dropped", List.of()));
                    return;
                }
                commands.handle(s, t.text());
            }
        } finally {
            frame.release();
        }
    }

    /** A pong (the answer to our ping) counts as activity for the idle timeout. */
    @OnMessage
    public void onPong(WebSocketPongMessage pong, WebSocketSession ws) {
        ClientSession s = sessions.get(ws);
        if (s != null) {
            s.touched(scheduler.now());
        }
    }

    /** The socket is gone, whoever closed it: its address's count and its hub cursor are released. */
    @OnClose
    public void onClose(WebSocketSession ws, @Nullable CloseReason reason) {
        sessions.closed(ws);
    }

    /**
     * The socket's connection: the upgrade request's own (a WebSocket keeps the HTTP/1.1
     * connection it was upgraded on), which Micronaut's session does not expose.
     */
    private static Channel connectionOf(HttpRequest<?> request) {
        if (request instanceof NettyHttpRequest<?> netty) {
            return netty.getChannelHandlerContext().channel();
        }
        throw new IllegalStateException("not a Netty upgrade request: " + request.getClass().getName());
    }

    private HubEvent connected(ClientSession s, long lastSeq, @Nullable Long resumeAfter) {
        JsonNode data = ProtoJson.object(
                "rooms", s.roomNames(),
                "last_seq", lastSeq < 0 ? null : (Object) lastSeq,
                "resume_after", resumeAfter,
                "ping_interval_seconds", config.pingInterval().toSeconds(),
                "idle_timeout_seconds", config.idleTimeout().toSeconds(),
                "max_frame_bytes", config.maxFrameBytes(),
                "max_messages_per_second", config.maxMessagesPerSecond(),
                "max_queued_frames", config.maxQueuedFrames());
        return frames.reply(FrameTypes.CONNECTED, null, null, data, scheduler.now());
    }
}
