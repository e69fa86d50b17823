package dev.agentgrid.bridge.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.bridge.plane.PlaneChannel;
import dev.agentgrid.bridge.testing.FakeScheduler;
import dev.agentgrid.proto.v1.Event;
import dev.agentgrid.proto.v1.EventServiceGrpc;
import dev.agentgrid.proto.v1.ListEventsRequest;
import dev.agentgrid.proto.v1.ListEventsResponse;
import dev.agentgrid.proto.v1.Resync;
import dev.agentgrid.proto.v1.SubscribeRequest;
import dev.agentgrid.proto.v1.SubscribeResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hub against a scripted EventService over an in-process channel with direct executors, and a
 * fake clock: every step happens on the test's thread, in order, without sleeping.
 */
class EventHubTest {
    private final FakeScheduler time = new FakeScheduler();
    private final ScriptedEvents plane = new ScriptedEvents();
    private Server server;
    private PlaneChannel channel;
    private EventHub hub;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(plane).build().start();
        ManagedChannel ch = InProcessChannelBuilder.forName(name).directExecutor().build();
        channel = new PlaneChannel("in-process", Duration.ofSeconds(5), ch);
        hub = new EventHub(channel, new Frames(JsonMapper.createDefault()), time, 5,
                new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 0.5));
        hub.start();
    }

    @AfterEach
    void stop() throws Exception {
        hub.stop();
        channel.channel().shutdownNow();
        server.shutdownNow();
    }

    private static Event event(long seq, String project) {
        return Event.newBuilder().setSeq(seq).setId("e" + seq).setEventType("task_status_change").setProjectId(project)
                .setTaskId("t" + seq).build();
    }

    private static Event live(String project) {
        return Event.newBuilder().setEventType("task_progress").setProjectId(project).build();
    }

    /** Opens the hub at the plane's tail (seq {@code latest}) and appends events up to {@code upTo}. */
    private void liveAt(long latest) {
        assertEquals(Long.MAX_VALUE, plane.requests.get(0).getAfterSeq(), "the first request probes the tail");
        assertTrue(plane.requests.get(0).getIncludeLive());
        plane.resync(0, latest);
        assertEquals(latest, hub.position());
    }

    @Test
    void startsAtThePlanesTailAndDeliversLiveEventsInOrder() {
        liveAt(10);
        Recorder sub = new Recorder(Set.of("a"));
        hub.attachLive(sub, seq -> assertEquals(10, seq));
        plane.emit(event(11, "a"), event(12, "b"), live("a"), event(13, "a"));
        assertEquals(List.of(11L, 0L, 13L), sub.seqs());
        assertEquals("streaming", hub.status().state());
    }

    @Test
    void aSubscriberThatLeavesDuringTheFanOutDoesNotDisturbTheOthersOrTheStream() {
        liveAt(10);
        Recorder first = new Recorder(Set.of("a"));
        Recorder leaving = new Recorder(Set.of("a"));
        Recorder last = new Recorder(Set.of("a"));
        // As a slow consumer does: it closes itself (and detaches) when offered a frame.
        leaving.onSend = () -> {
            leaving.open = false;
            hub.detach(leaving);
        };
        hub.attachLive(first, seq -> { });
        hub.attachLive(leaving, seq -> { });
        hub.attachLive(last, seq -> { });
        plane.emit(event(11, "a"), event(12, "a"));
        assertEquals(List.of(11L, 12L), first.seqs());
        assertEquals(List.of(11L), leaving.seqs());
        assertEquals(List.of(11L, 12L), last.seqs());
        assertEquals(1, plane.requests.size(), "the stream was not disturbed");
        assertEquals(2, hub.status().subscribers());

        Recorder gone = new Recorder(Set.of("a"));
        gone.open = false;
        hub.attachLive(gone, seq -> { });
        hub.resume(gone, 11);
        assertEquals(2, hub.status().subscribers(), "a subscriber that went away is not attached");
    }

    @Test
    void aBrokenStreamReconnectsWithBackoffAndJitterOnTheInjectedClockAndResumesAfterTheLastSeq() {
        liveAt(10);
        Recorder sub = new Recorder(Set.of("a"));
        hub.attachLive(sub, seq -> { });
        plane.emit(event(11, "a"), event(12, "a"));
        plane.fail(Status.UNAVAILABLE);
        assertEquals("reconnecting", hub.status().state());
        time.advance(Duration.ofMillis(999));
        assertEquals(1, plane.requests.size(), "no retry before the first delay (1 s)");
        time.advance(Duration.ofMillis(1));
        assertEquals(2, plane.requests.size());
        assertEquals(12, plane.requests.get(1).getAfterSeq(), "resumes after the last seq it saw");

        plane.fail(Status.UNAVAILABLE);
        time.advance(Duration.ofMillis(1599));
        assertEquals(2, plane.requests.size(), "the second delay is 1.6 s");
        time.advance(Duration.ofMillis(1));
        assertEquals(3, plane.requests.size());

        // The plane replays from 12 on; what the subscriber has is not sent again.
        plane.emit(event(12, "a"), event(13, "a"), event(14, "a"));
        assertEquals(List.of(11L, 12L, 13L, 14L), sub.seqs());
        plane.fail(Status.UNAVAILABLE);
        time.advance(Duration.ofSeconds(1));
        assertEquals(4, plane.requests.size(), "a stream that delivered resets the backoff to 1 s");
    }

    @Test
    void aResyncOnReconnectTellsEverySubscriberAndLaterEventsWithSmallerSeqsStillArrive() {
        liveAt(10);
        Recorder sub = new Recorder(Set.of("a"));
        hub.attachLive(sub, seq -> { });
        plane.emit(event(11, "a"));
        plane.fail(Status.UNAVAILABLE);
        time.advance(Duration.ofSeconds(1));
        plane.resync(0, 3);
        plane.emit(event(4, "a"));
        assertEquals(List.of("task_status_change", "resync", "task_status_change"), sub.types());
        assertEquals(List.of(11L, 0L, 4L), sub.seqs());
    }

    @Test
    void aResumeTheRingCoversIsServedFromMemoryWithTheSubscribersRoomsOnly() {
        liveAt(10);
        plane.emit(event(11, "a"), event(12, "b"), event(13, "a"), event(14, "b"), event(15, "a"), event(16, "a"));
        Recorder sub = new Recorder(Set.of("a"));
        CompletableFuture<Void> done = hub.resume(sub, 12);
        assertTrue(done.isDone() && !done.isCompletedExceptionally());
        assertEquals(List.of(13L, 15L, 16L), sub.seqs());
        assertEquals(0, plane.lists.size(), "the plane was not asked");
        plane.emit(event(17, "a"));
        assertEquals(List.of(13L, 15L, 16L, 17L), sub.seqs());
    }

    @Test
    void aResumeOlderThanTheRingPagesThePlanesLogThenTheRingWithoutGapsOrDuplicates() {
        for (long s = 1; s <= 10; s++) {
            plane.log.add(event(s, s % 3 == 0 ? "b" : "a"));
        }
        liveAt(10);
        for (long s = 11; s <= 17; s++) {
            Event e = event(s, s % 3 == 0 ? "b" : "a");
            plane.log.add(e);
            plane.emit(e);
        }
        // The ring (5) holds 13..17; the client last saw 2.
        Recorder sub = new Recorder(Set.of("a"));
        sub.filter = new Subscriber.PageFilter("a", null);
        CompletableFuture<Void> done = hub.resume(sub, 2);
        assertTrue(done.isDone() && !done.isCompletedExceptionally());
        List<Long> expected = new ArrayList<>();
        for (long s = 3; s <= 17; s++) {
            if (s % 3 != 0) {
                expected.add(s);
            }
        }
        assertEquals(expected, sub.seqs());
        assertTrue(plane.lists.stream().anyMatch(r -> "a".equals(r.getProjectId())), "pages were filtered by project");
        assertEquals(1, hub.status().historyPages());
        plane.emit(event(18, "b"), event(19, "a"));
        assertEquals(19L, sub.seqs().get(sub.seqs().size() - 1));
        assertEquals(expected.size() + 1, sub.seqs().size());
    }

    @Test
    void aResumeWhoseEventsAreNoLongerRetainedGetsAResyncAndContinuesLive() {
        for (long s = 8; s <= 10; s++) {
            plane.log.add(event(s, "a"));
        }
        liveAt(10);
        plane.emit(event(11, "a"), event(12, "a"), event(13, "a"), event(14, "a"), event(15, "a"), event(16, "a"));
        Recorder sub = new Recorder(Set.of("a"));
        hub.resume(sub, 3);
        assertEquals(List.of("resync"), sub.types(), "events 4..7 are gone");
        plane.emit(event(17, "a"));
        assertEquals(List.of("resync", "task_status_change"), sub.types());
    }

    @Test
    void aSeqBeyondWhatTheHubHasSeenIsAcceptedWhenThePlaneHasIt() {
        liveAt(10);
        plane.log.add(event(11, "a"));
        plane.log.add(event(12, "a"));
        Recorder sub = new Recorder(Set.of("a"));
        // Another bridge was ahead: the client has seen 12, this hub only 10.
        assertTrue(hub.resume(sub, 12).isDone());
        plane.emit(event(11, "a"), event(12, "a"), event(13, "a"));
        assertEquals(List.of(13L), sub.seqs());

        Recorder bogus = new Recorder(Set.of("a"));
        hub.resume(bogus, 99);
        assertEquals(List.of("resync"), bogus.types());
    }

    /** Records what the hub gives it. */
    private static final class Recorder implements Subscriber {
        final Set<String> projects;
        final List<HubEvent> got = new ArrayList<>();
        PageFilter filter = PageFilter.NONE;
        Runnable onSend = () -> { };
        boolean open = true;

        Recorder(Set<String> projects) {
            this.projects = projects;
        }

        List<Long> seqs() {
            return got.stream().map(HubEvent::seq).collect(Collectors.toList());
        }

        List<String> types() {
            return got.stream().map(HubEvent::eventType).collect(Collectors.toList());
        }

        @Override
        public boolean wants(HubEvent e) {
            return projects.contains(e.projectId());
        }

        @Override
        public void send(HubEvent e) {
            got.add(e);
            onSend.run();
        }

        @Override
        public void replay(List<HubEvent> frames) {
            got.addAll(frames);
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public CompletableFuture<Void> replayBelow(int frames) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public PageFilter pageFilter() {
            return filter;
        }
    }

    /** An EventService whose stream the test writes to, and whose log ListEvents pages. */
    private static final class ScriptedEvents extends EventServiceGrpc.EventServiceImplBase {
        final List<SubscribeRequest> requests = new ArrayList<>();
        final List<ListEventsRequest> lists = new ArrayList<>();
        final List<Event> log = new ArrayList<>();
        @Nullable
        StreamObserver<SubscribeResponse> stream;

        @Override
        public void subscribe(SubscribeRequest request, StreamObserver<SubscribeResponse> out) {
            requests.add(request);
            stream = out;
        }

        @Override
        public void listEvents(ListEventsRequest r, StreamObserver<ListEventsResponse> out) {
            lists.add(r);
            int size = r.getPageSize() == 0 ? 100 : r.getPageSize();
            ListEventsResponse.Builder b = ListEventsResponse.newBuilder();
            for (Event e : log) {
                if (e.getSeq() > r.getAfterSeq() && (r.getProjectId().isEmpty() || r.getProjectId().equals(e.getProjectId()))
                        && b.getEventsCount() < size) {
                    b.addEvents(e);
                }
            }
            b.setLastSeq(b.getEventsCount() == 0 ? r.getAfterSeq() : b.getEvents(b.getEventsCount() - 1).getSeq());
            out.onNext(b.build());
            out.onCompleted();
        }

        void resync(long oldest, long latest) {
            stream.onNext(SubscribeResponse.newBuilder().setResync(Resync.newBuilder().setOldestSeq(oldest)
                    .setLatestSeq(latest)).build());
        }

        void emit(Event... events) {
            for (Event e : events) {
                stream.onNext(SubscribeResponse.newBuilder().setEvent(e).build());
            }
        }

        void fail(Status status) {
            StreamObserver<SubscribeResponse> s = stream;
            stream = null;
            s.onError(status.asRuntimeException());
        }
    }
}
