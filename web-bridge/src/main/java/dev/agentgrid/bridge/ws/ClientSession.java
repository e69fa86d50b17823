package dev.agentgrid.bridge.ws;

import dev.agentgrid.bridge.events.HubEvent;
import dev.agentgrid.bridge.events.Subscriber;
import io.micronaut.websocket.WebSocketSession;
import io.netty.channel.Channel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebSocket client: its rooms, its bounded outbox, its inbound message assembly and the
 * times the keepalive looks at. Everything it sends goes through the outbox, so event fan-out,
 * replies and history never write to the network directly.
 */
final class ClientSession implements Subscriber {
    /** Most rooms one socket may be in. */
    static final int MAX_ROOMS = 32;

    private final WebSocketSession ws;
    private final Channel channel;
    private final String address;
    private final Room firstRoom;
    private final Set<Room> rooms = ConcurrentHashMap.newKeySet();
    private final Outbox outbox;
    private final MessageAssembler assembler;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Instant lastInbound;
    private volatile Instant lastPing;

    ClientSession(WebSocketSession ws, Channel channel, String address, Room firstRoom, int maxQueuedFrames,
            QueueBudget budget, int maxFrameBytes, Instant now, Closer closer) {
        this.ws = ws;
        this.channel = channel;
        this.address = address;
        this.firstRoom = firstRoom;
        this.rooms.add(firstRoom);
        this.assembler = new MessageAssembler(maxFrameBytes);
        this.lastInbound = now;
        this.lastPing = now;
        this.outbox = new Outbox(maxQueuedFrames, budget, new ChannelFrameWriter(channel),
                reason -> closer.close(this, CloseCodes.SLOW_CONSUMER, reason),
                error -> closer.gone(this, error));
    }

    /** Closes sessions on the session's behalf (the registry knows how). */
    interface Closer {
        void close(ClientSession s, int code, String reason);

        void gone(ClientSession s, Throwable cause);
    }

    @Override
    public String toString() {
        return "ClientSession" + rooms;
    }

    @Override
    public boolean wants(HubEvent e) {
        for (Room r : rooms) {
            if (r.matches(e)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void send(HubEvent e) {
        outbox.offer(e.json());
    }

    @Override
    public void replay(List<HubEvent> frames) {
        List<byte[]> bytes = new ArrayList<>(frames.size());
        frames.forEach(f -> bytes.add(f.json()));
        outbox.replay(bytes);
    }

    @Override
    public boolean isOpen() {
        return !closing.get() && ws.isOpen();
    }

    @Override
    public CompletableFuture<Void> replayBelow(int frames) {
        return outbox.replayBelow(frames);
    }

    @Override
    public PageFilter pageFilter() {
        switch (firstRoom.kind()) {
            case PROJECT:
                return new PageFilter(firstRoom.id(), null);
            case TASK:
                return new PageFilter(null, firstRoom.id());
            default:
                return PageFilter.NONE;
        }
    }

    /** Joins a room; false if the socket is in too many rooms already. */
    boolean join(Room room) {
        if (rooms.contains(room)) {
            return true;
        }
        if (rooms.size() >= MAX_ROOMS) {
            return false;
        }
        rooms.add(room);
        return true;
    }

    /** Whether the socket is in the room. */
    boolean inRoom(Room room) {
        return rooms.contains(room);
    }

    /** Leaves a room (no-op if not in it). */
    void leave(Room room) {
        rooms.remove(room);
    }

    /** The rooms' names, sorted. */
    List<String> roomNames() {
        List<String> names = new ArrayList<>();
        rooms.forEach(r -> names.add(r.name()));
        names.sort(null);
        return names;
    }

    /** A reply to this client only (ack, error, chat:error); bounded like live frames. */
    void reply(HubEvent frame) {
        outbox.offer(frame.json());
    }

    /** Whether the client is behind but still taking frames (see {@link Outbox#behindButTaking}). */
    boolean behindButTaking() {
        return outbox.behindButTaking();
    }

    /** The client sent something (a frame or a pong). */
    void touched(Instant now) {
        lastInbound = now;
    }

    void pinged(Instant now) {
        lastPing = now;
    }

    Instant lastInbound() {
        return lastInbound;
    }

    Instant lastPing() {
        return lastPing;
    }

    /** Marks the session closing; true for the first caller only. */
    boolean beginClose() {
        boolean first = closing.compareAndSet(false, true);
        if (first) {
            outbox.close();
        }
        return first;
    }

    WebSocketSession socket() {
        return ws;
    }

    /** The socket's connection, for batched writes and for dropping it. */
    Channel channel() {
        return channel;
    }

    String address() {
        return address;
    }

    MessageAssembler assembler() {
        return assembler;
    }
}
