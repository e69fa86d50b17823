package dev.agentgrid.controlplane.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The subscription's ordering rules without a database or a network: an in-memory log, a sink
 * that records what it is sent and can refuse more (flow control), and drains run inline.
 */
class EventSubscriptionTest {
    private final UUID project = UUID.randomUUID();
    private final List<Event> log = new ArrayList<>();
    private final List<Long> sent = new ArrayList<>();
    private boolean ready = true;

    private final LogReader reader = new LogReader() {
        @Override
        public long latestSeq() {
            return log.isEmpty() ? 0 : log.get(log.size() - 1).seq();
        }

        @Override
        public List<Event> read(long after, long upTo, EventFilter filter, int limit) {
            return log.stream().filter(e -> e.seq() > after && e.seq() <= upTo && filter.matches(e)).limit(limit)
                    .toList();
        }
    };

    private final EventSink sink = new EventSink() {
        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void send(Event event) {
            sent.add(event.seq());
        }

        @Override
        public void resync(long oldestSeq, long latestSeq) {
        }

        @Override
        public void fail(Throwable error) {
            throw new AssertionError(error);
        }

        @Override
        public void complete() {
        }
    };

    private Event commit(UUID projectId) {
        Event e = new Event(log.size() + 1, UUID.randomUUID(), "task_status_change", projectId, null, null, null, "{}",
                Instant.EPOCH);
        log.add(e);
        return e;
    }

    private EventSubscription subscribe(EventFilter filter, long after) {
        return new EventSubscription(reader, filter, false, after, sink, Runnable::run);
    }

    @Test
    void replaysTheLogAfterTheGivenSequenceThenFollowsLiveEvents() {
        commit(project);
        commit(project);
        commit(project);
        EventSubscription s = subscribe(EventFilter.ALL, 1);
        s.schedule();
        assertEquals(List.of(2L, 3L), sent);
        s.offer(commit(project));
        assertEquals(List.of(2L, 3L, 4L), sent);
    }

    @Test
    void liveEventsPublishedOutOfOrderAreDeliveredInOrderOnce() {
        EventSubscription s = subscribe(EventFilter.ALL, 0);
        s.schedule();
        Event e1 = commit(project);
        Event e2 = commit(project);
        Event e3 = commit(project);
        s.offer(e2); // arrives first: a gap, so 1..2 are read from the log
        s.offer(e1); // already covered: skipped
        s.offer(e3);
        assertEquals(List.of(1L, 2L, 3L), sent);
    }

    @Test
    void aFilteredSubscriberSkipsOtherProjectsWithoutSeeingGaps() {
        UUID other = UUID.randomUUID();
        EventFilter mine = new EventFilter(project, null, null, Set.of());
        EventSubscription s = subscribe(mine, 0);
        s.schedule();
        s.offer(commit(other));
        s.offer(commit(project));
        s.offer(commit(other));
        s.offer(commit(project));
        assertEquals(List.of(2L, 4L), sent);
    }

    @Test
    void aSubscriberThatCannotKeepUpLosesNothingDurable() {
        EventSubscription s = subscribe(EventFilter.ALL, 0);
        ready = false;
        for (int i = 0; i < EventSubscription.MAX_BUFFERED + 50; i++) {
            s.offer(commit(project)); // the buffer overflows and is dropped
        }
        assertEquals(List.of(), sent, "nothing sent while the transport is not ready");
        ready = true;
        s.schedule();
        assertEquals(log.size(), sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(i + 1L, sent.get(i));
        }
    }

    @Test
    void eventsCommittedElsewhereAreFoundByTheHeadCheck() {
        EventSubscription s = subscribe(EventFilter.ALL, 0);
        s.schedule();
        commit(project); // committed by another replica: never offered on this bus
        commit(project);
        s.schedule();
        assertEquals(List.of(), sent, "nothing announced it yet");
        s.checkHead();
        assertEquals(List.of(), sent, "one check: it may still be on its way from this replica");
        s.checkHead();
        assertEquals(List.of(1L, 2L), sent, "still ahead at the next check: read from the log");
    }

    /** A subscription to every event, live ones included, from the start. */
    private EventSubscription withLiveEvents() {
        return new EventSubscription(reader, EventFilter.ALL, true, 0, sink, Runnable::run);
    }

    /** A task's live output (not stored: seq 0). */
    private Event liveOutput() {
        return new Event(0, UUID.randomUUID(), "new_message", project, null, null, null, "{}", Instant.EPOCH);
    }

    @Test
    void aCompletionCommittedJustBeforeACheckWaitsForTheOutputPublishedBeforeIt() {
        EventSubscription s = withLiveEvents();
        s.schedule();
        Event completion = commit(project); // committed here, its publication not yet through
        s.checkHead();
        assertEquals(List.of(), sent, "not read from the log at the first check that sees it");
        s.offer(liveOutput());
        s.offer(completion);
        assertEquals(List.of(0L, 1L), sent, "the output, then the completion, as published");
        s.checkHead();
        s.checkHead();
        assertEquals(List.of(0L, 1L), sent, "nothing twice");
    }

    @Test
    void aHeadCheckSendsWhatWasPublishedBeforeItBeforeReadingTheLog() {
        EventSubscription s = withLiveEvents();
        s.schedule();
        ready = false; // the client is slow: a task's live output waits in the buffer
        s.offer(liveOutput());
        commit(project); // its completion committed, not yet published to this subscriber
        s.checkHead();
        ready = true;
        s.schedule();
        assertEquals(List.of(0L), sent, "the output; the completion may still be on its way");
        s.checkHead(); // still not published at the next check
        assertEquals(List.of(0L, 1L), sent, "the output, then the completion from the log");
        s.offer(log.get(0)); // published late: already sent
        assertEquals(List.of(0L, 1L), sent);
    }

    @Test
    void closedSubscriptionSendsNothingMore() {
        EventSubscription s = subscribe(EventFilter.ALL, 0);
        s.schedule();
        s.offer(commit(project));
        s.close();
        s.offer(commit(project));
        s.schedule();
        assertEquals(List.of(1L), sent);
    }
}
