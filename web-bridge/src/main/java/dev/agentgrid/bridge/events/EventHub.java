package dev.agentgrid.bridge.events;

import dev.agentgrid.bridge.config.BridgeConfig;
import dev.agentgrid.bridge.plane.PlaneChannel;
import dev.agentgrid.bridge.time.Scheduler;
import dev.agentgrid.proto.v1.EventServiceGrpc;
import dev.agentgrid.proto.v1.Resync;
import dev.agentgrid.proto.v1.SubscribeRequest;
import dev.agentgrid.proto.v1.SubscribeResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's one upstream {@code EventService.Subscribe} (with live telemetry), fanned out to
 * every client session.
 *
 * <p>The hub starts at the tail of the plane's log (it asks for a position past the end; the
 * plane answers with a {@code resync} carrying the latest seq and then streams live), keeps the
 * most recent durable events in a ring, and after a broken stream reconnects with exponential
 * backoff and jitter, resuming after the last durable seq it saw, so its subscribers miss nothing.
 * If the plane answers a resume with {@code resync} (the events are gone, or its log was reset),
 * every subscriber is told to resync.
 *
 * <p>Each attached subscriber has a cursor: the last durable seq it counts as delivered. A durable
 * event at or below the cursor is a duplicate and dropped, which makes replay-then-live and
 * overlapping history reads exact. All hub state is guarded by one lock; fan-out under it only
 * enqueues into each subscriber's bounded queue, so one slow client never slows the others.
 */
@Singleton
public class EventHub {
    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
    /** A stream that stayed up this long worked: the next failure starts backing off afresh. */
    static final Duration STABLE_STREAM = Duration.ofSeconds(10);

    /** Connection state of the upstream stream. */
    enum State { CONNECTING, STREAMING, RECONNECTING, STOPPED }

    /** Result of trying to attach a subscriber whose history is known up to some seq. */
    enum Attach { ATTACHED, BEHIND_RING, AHEAD, UNKNOWN_POSITION }

    private final PlaneChannel plane;
    private final Frames frames;
    private final Scheduler scheduler;
    private final ChatStreams chat;
    private final Catchup catchup;

    private final Object lock = new Object();
    // Guarded by lock.
    private final EventRing ring;
    private final Map<Subscriber, Cursor> attached = new HashMap<>();
    /**
     * The attached cursors as an array, replaced (never changed) on attach and detach, so that a
     * subscriber may detach itself (e.g. closing as a slow consumer) while the hub fans out to it.
     */
    private Cursor[] fanOut = new Cursor[0];
    private final Backoff backoff;
    private long position = -1;
    private boolean started;
    private State state = State.CONNECTING;
    private int generation;
    private ClientCallStreamObserver<SubscribeRequest> call;
    private Scheduler.Cancellable reconnect;
    private Instant streamStartedAt;
    private Instant lastEventAt;
    private String lastError;

    @Inject
    public EventHub(PlaneChannel plane, Frames frames, Scheduler scheduler, BridgeConfig config) {
        this(plane, frames, scheduler, config.ringSize(),
                new Backoff(config.reconnectInitial(), config.reconnectMax(), ThreadLocalRandom.current()::nextDouble));
    }

    EventHub(PlaneChannel plane, Frames frames, Scheduler scheduler, int ringSize, Backoff backoff) {
        this.plane = plane;
        this.frames = frames;
        this.scheduler = scheduler;
        this.ring = new EventRing(ringSize);
        this.backoff = backoff;
        this.chat = new ChatStreams(frames);
        this.catchup = new Catchup(this, plane, frames, scheduler);
    }

    /** Opens the upstream stream when the bridge's HTTP server is up. */
    @EventListener
    void onServerStartup(ServerStartupEvent event) {
        start();
    }

    /** Opens the upstream stream (once). */
    public void start() {
        synchronized (lock) {
            if (started) {
                return;
            }
            started = true;
        }
        connect();
    }

    /** Ends the upstream stream for good. */
    @PreDestroy
    public void stop() {
        ClientCallStreamObserver<SubscribeRequest> c;
        synchronized (lock) {
            state = State.STOPPED;
            generation++;
            c = call;
            call = null;
            if (reconnect != null) {
                reconnect.cancel();
            }
        }
        if (c != null) {
            c.cancel("bridge stopping", null);
        }
    }

    /**
     * Attaches a subscriber for live delivery from now. {@code beforeLive} gets the seq the
     * subscriber counts as seen (-1 before the hub knows the plane's position) while the hub's lock
     * is held, so whatever it replays comes before any live frame.
     */
    public void attachLive(Subscriber s, LongConsumer beforeLive) {
        synchronized (lock) {
            if (!s.isOpen()) {
                return;
            }
            beforeLive.accept(position);
            attach(s, position);
        }
    }

    /**
     * Attaches a subscriber that has seen the durable events up to {@code after}: it receives every
     * missed durable event its rooms match, in order and once, then live ones. Served from the ring
     * when it reaches back far enough, from the plane's log otherwise. If the plane no longer has
     * them, the subscriber gets a {@code resync} frame and continues live.
     *
     * @return completes when the subscriber is live; fails if the plane cannot be read
     */
    public CompletableFuture<Void> resume(Subscriber s, long after) {
        return catchup.resume(s, after);
    }

    /** Stops delivering to a subscriber. */
    public void detach(Subscriber s) {
        synchronized (lock) {
            if (attached.remove(s) != null) {
                fanOut = attached.values().toArray(new Cursor[0]);
            }
        }
    }

    /** Attaches under the lock; a subscriber that went away meanwhile is left out. */
    private void attach(Subscriber s, long lastSeq) {
        if (!s.isOpen()) {
            return;
        }
        attached.put(s, new Cursor(s, lastSeq));
        fanOut = attached.values().toArray(new Cursor[0]);
    }

    /** The latest durable seq the hub has seen; -1 before its first connection. */
    public long position() {
        synchronized (lock) {
            return position;
        }
    }

    /** A snapshot of the upstream stream's state. */
    public HubStatus status() {
        synchronized (lock) {
            State shown = state;
            // A resumed stream says nothing until the next event; an open call on a ready channel is up.
            if (state == State.CONNECTING && call != null
                    && plane.channel().getState(false) == io.grpc.ConnectivityState.READY) {
                shown = State.STREAMING;
            }
            return new HubStatus(shown.name().toLowerCase(java.util.Locale.ROOT), position, ring.size(),
                    attached.size(), lastEventAt, lastError, catchup.pagesRead());
        }
    }

    /**
     * Attaches {@code s} as having seen everything up to {@code covered}: replays the ring's
     * events after it and goes live. {@code allowAhead} accepts a {@code covered} beyond the hub's
     * position (the caller read the plane's log that far; the hub will drop those as duplicates).
     */
    Attach tryAttach(Subscriber s, long covered, boolean allowAhead) {
        synchronized (lock) {
            if (position < 0) {
                return Attach.UNKNOWN_POSITION;
            }
            if (covered > position) {
                if (!allowAhead) {
                    return Attach.AHEAD;
                }
                attach(s, covered);
                return Attach.ATTACHED;
            }
            if (!ring.covers(covered)) {
                return Attach.BEHIND_RING;
            }
            List<HubEvent> missed = ring.after(covered, s::wants);
            if (!missed.isEmpty()) {
                s.replay(missed);
            }
            attach(s, position);
            return Attach.ATTACHED;
        }
    }

    /** Tells {@code s} to reload (its history cannot be replayed) and attaches it live. */
    void resyncAndAttach(Subscriber s, String reason) {
        synchronized (lock) {
            s.replay(List.of(resyncFrame(reason)));
            attach(s, position);
        }
    }

    private HubEvent resyncFrame(String reason) {
        return frames.reply(FrameTypes.RESYNC, null, null, dev.agentgrid.bridge.plane.ProtoJson.object("reason", reason,
                "latest_seq", position < 0 ? null : (Object) position), scheduler.now());
    }

    private void connect() {
        long after;
        int gen;
        synchronized (lock) {
            if (state == State.STOPPED) {
                return;
            }
            gen = ++generation;
            reconnect = null;
            state = State.CONNECTING;
            // Before the first connection ask past the end: the plane answers with its latest seq.
            after = position >= 0 ? position : Long.MAX_VALUE;
            streamStartedAt = scheduler.now();
        }
        if (gen > 1) {
            // The channel backs off its reconnects on its own, up to two minutes; our schedule
            // (at most reconnect-max) decides instead, so a plane that is back is found soon.
            plane.channel().resetConnectBackoff();
        }
        SubscribeRequest request = SubscribeRequest.newBuilder().setAfterSeq(after).setIncludeLive(true).build();
        EventServiceGrpc.newStub(plane.channel()).subscribe(request,
                new ClientResponseObserver<SubscribeRequest, SubscribeResponse>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requestStream) {
                        synchronized (lock) {
                            if (gen == generation) {
                                call = requestStream;
                            }
                        }
                    }

                    @Override
                    public void onNext(SubscribeResponse value) {
                        onResponse(gen, value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        onStreamEnd(gen, Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        onStreamEnd(gen, Status.UNAVAILABLE.withDescription("the control plane ended the stream"));
                    }
                });
    }

    private void onResponse(int gen, SubscribeResponse r) {
        // Serialise and translate outside the lock; only this stream's thread gets here, in order.
        if (!r.hasEvent() && !r.hasResync()) {
            return;
        }
        HubEvent frame = r.hasEvent() ? frames.event(r.getEvent()) : null;
        List<HubEvent> derived = r.hasEvent() ? chat.translate(r.getEvent()) : List.of();
        synchronized (lock) {
            if (gen != generation || state == State.STOPPED) {
                return;
            }
            if (state != State.STREAMING) {
                state = State.STREAMING;
                lastError = null;
                backoff.reset();
            }
            if (r.hasResync()) {
                onResync(r.getResync());
                return;
            }
            lastEventAt = scheduler.now();
            if (frame.durable()) {
                if (position >= 0 && frame.seq() <= position) {
                    return;
                }
                if (position >= 0 && frame.seq() != position + 1) {
                    // The plane promises no gaps; if one shows anyway, nobody can trust their history.
                    LOG.warn("event stream jumped from seq {} to {}; clients resync", position, frame.seq());
                    resyncEveryone(frame.seq() - 1, "the event stream skipped events");
                } else if (position < 0) {
                    ring.reset(frame.seq() - 1);
                }
                ring.add(frame);
                position = frame.seq();
            }
            for (Cursor c : fanOut) {
                try {
                    c.deliver(frame);
                    for (HubEvent d : derived) {
                        c.deliver(d);
                    }
                } catch (RuntimeException e) {
                    // One broken subscriber must not break the stream every other one depends on.
                    LOG.warn("dropping a subscriber that failed to take a frame", e);
                    detach(c.subscriber);
                }
            }
        }
    }

    private void onResync(Resync resync) {
        if (position < 0) {
            // The answer to the first connection's position probe: start at the tail.
            position = resync.getLatestSeq();
            ring.reset(position);
            for (Cursor c : fanOut) {
                c.lastSeq = Math.max(c.lastSeq, position);
            }
            LOG.info("event stream live after seq {}", position);
            return;
        }
        LOG.warn("the control plane no longer has events after seq {} (oldest {}, latest {}); clients resync",
                position, resync.getOldestSeq(), resync.getLatestSeq());
        chat.clear();
        resyncEveryone(resync.getLatestSeq(), "the control plane no longer has the events after seq " + position);
    }

    private void resyncEveryone(long newPosition, String reason) {
        position = newPosition;
        ring.reset(newPosition);
        HubEvent frame = resyncFrame(reason);
        for (Cursor c : fanOut) {
            c.lastSeq = newPosition;
            c.subscriber.send(frame);
        }
    }

    private void onStreamEnd(int gen, Status status) {
        synchronized (lock) {
            if (gen != generation || state == State.STOPPED) {
                return;
            }
            call = null;
            if (streamStartedAt != null
                    && Duration.between(streamStartedAt, scheduler.now()).compareTo(STABLE_STREAM) >= 0) {
                backoff.reset();
            }
            Duration delay = backoff.next();
            lastError = status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
            if (state == State.STREAMING) {
                LOG.warn("event stream from {} ended ({}); reconnecting in {} ms", plane.target(), lastError,
                        delay.toMillis());
            } else {
                LOG.info("event stream from {} unavailable ({}); retrying in {} ms", plane.target(), lastError,
                        delay.toMillis());
            }
            state = State.RECONNECTING;
            reconnect = scheduler.schedule(delay, this::connect);
        }
    }

    /** A subscriber's position: the last durable seq it counts as delivered. */
    private static final class Cursor {
        final Subscriber subscriber;
        long lastSeq;

        Cursor(Subscriber subscriber, long lastSeq) {
            this.subscriber = subscriber;
            this.lastSeq = lastSeq;
        }

        void deliver(@Nullable HubEvent e) {
            Subscriber s = subscriber;
            if (e == null) {
                return;
            }
            if (e.durable()) {
                if (e.seq() <= lastSeq) {
                    return;
                }
                lastSeq = e.seq();
            }
            if (s.wants(e)) {
                s.send(e);
            }
        }
    }
}
