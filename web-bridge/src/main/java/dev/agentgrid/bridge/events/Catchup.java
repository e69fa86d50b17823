package dev.agentgrid.bridge.events;

import dev.agentgrid.bridge.plane.Calls;
import dev.agentgrid.bridge.plane.PlaneChannel;
import dev.agentgrid.bridge.time.Scheduler;
import dev.agentgrid.proto.v1.Event;
import dev.agentgrid.proto.v1.ListEventsRequest;
import dev.agentgrid.proto.v1.ListEventsResponse;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Brings a resuming subscriber up to date: from the hub's ring when it reaches back far enough,
 * otherwise by paging the plane's log ({@code ListEvents}) until the pages meet the ring, then
 * live. History is paced by the subscriber's writing speed (one page at a time), and pages and
 * ring overlap only on seqs the hub's cursor drops, so nothing is sent twice or skipped.
 *
 * <p>Why a page ending short proves coverage: a short page read at time T holds every matching
 * event up to the plane's latest seq at T, which is at least the hub's position read just before
 * the call (the hub only sees committed events). So the subscriber has everything up to that
 * position, and the ring has what came after unless it has since been overwritten, in which case
 * another page is read.
 */
final class Catchup {
    /** Events per ListEvents page. */
    static final int PAGE = 500;
    /** Rounds of "the ring moved on while we read" before giving up with a resync. */
    static final int MAX_CHASE_ROUNDS = 20;
    /** How long to wait for the hub's first connection before failing a resume. */
    static final Duration RETRY = Duration.ofMillis(200);

    private final EventHub hub;
    private final PlaneChannel plane;
    private final Frames frames;
    private final Scheduler scheduler;
    private final java.util.concurrent.atomic.AtomicLong pages = new java.util.concurrent.atomic.AtomicLong();

    Catchup(EventHub hub, PlaneChannel plane, Frames frames, Scheduler scheduler) {
        this.hub = hub;
        this.plane = plane;
        this.frames = frames;
        this.scheduler = scheduler;
    }

    CompletableFuture<Void> resume(Subscriber s, long after) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        switch (hub.tryAttach(s, after, false)) {
            case ATTACHED:
                done.complete(null);
                break;
            case AHEAD:
                verifyExists(s, after, done);
                break;
            default:
                checkRetained(s, after, done);
        }
        return done;
    }

    /** The client claims a seq the hub has not seen yet: fine if the plane has it (another bridge was ahead). */
    private void verifyExists(Subscriber s, long after, CompletableFuture<Void> done) {
        list(after - 1, Subscriber.PageFilter.NONE, 1).whenComplete((r, err) -> {
            if (err != null) {
                done.completeExceptionally(err);
            } else if (r.getEventsCount() == 1 && r.getEvents(0).getSeq() == after) {
                attachAhead(s, after, done, 0);
            } else {
                hub.resyncAndAttach(s, "seq " + after + " is not in the control plane's log");
                done.complete(null);
            }
        });
    }

    private void attachAhead(Subscriber s, long after, CompletableFuture<Void> done, int waits) {
        EventHub.Attach a = hub.tryAttach(s, after, true);
        if (a == EventHub.Attach.UNKNOWN_POSITION) {
            retryLater(done, waits, () -> attachAhead(s, after, done, waits + 1));
        } else if (a == EventHub.Attach.ATTACHED) {
            done.complete(null);
        } else {
            // The ring moved past it while we checked: read the rest from the log.
            page(s, after, 0, 0, done);
        }
    }

    /** Before replaying from the log, checks that the first event after {@code after} is still there. */
    private void checkRetained(Subscriber s, long after, CompletableFuture<Void> done) {
        if (after == 0) {
            // "From the beginning" means from the oldest retained event, like the plane's Subscribe.
            page(s, 0, 0, 0, done);
            return;
        }
        list(after, Subscriber.PageFilter.NONE, 1).whenComplete((r, err) -> {
            if (err != null) {
                done.completeExceptionally(err);
            } else if (r.getEventsCount() == 0) {
                // Nothing after it: the client is up to date if its seq exists at all.
                verifyExists(s, after, done);
            } else if (r.getEvents(0).getSeq() != after + 1) {
                hub.resyncAndAttach(s, "the control plane no longer has the events after seq " + after
                        + " (oldest is " + r.getEvents(0).getSeq() + ")");
                done.complete(null);
            } else {
                page(s, after, 0, 0, done);
            }
        });
    }

    private void page(Subscriber s, long cursor, int chaseRounds, int waits, CompletableFuture<Void> done) {
        if (!s.isOpen()) {
            done.complete(null);
            return;
        }
        long hubPosition = hub.position();
        pages.incrementAndGet();
        list(cursor, s.pageFilter(), PAGE).whenComplete((r, err) -> {
            if (err != null) {
                done.completeExceptionally(err);
                return;
            }
            List<HubEvent> matching = new ArrayList<>(r.getEventsCount());
            for (Event e : r.getEventsList()) {
                HubEvent f = frames.event(e);
                if (s.wants(f)) {
                    matching.add(f);
                }
            }
            if (!matching.isEmpty()) {
                s.replay(matching);
            }
            long next = Math.max(cursor, r.getLastSeq());
            boolean reachedEnd = r.getEventsCount() < PAGE;
            long covered = reachedEnd ? Math.max(next, hubPosition) : next;
            s.replayBelow(PAGE).whenComplete((ignored, writeErr) -> {
                if (writeErr != null || !s.isOpen()) {
                    done.complete(null);
                    return;
                }
                switch (hub.tryAttach(s, covered, reachedEnd)) {
                    case ATTACHED:
                        done.complete(null);
                        break;
                    case UNKNOWN_POSITION:
                        retryLater(done, waits, () -> page(s, next, chaseRounds, waits + 1, done));
                        break;
                    case BEHIND_RING:
                        if (reachedEnd && chaseRounds >= MAX_CHASE_ROUNDS) {
                            hub.resyncAndAttach(s, "events arrive faster than the history can be replayed");
                            done.complete(null);
                        } else {
                            page(s, next, reachedEnd ? chaseRounds + 1 : chaseRounds, waits, done);
                        }
                        break;
                    default:
                        // AHEAD: a full page went past the hub's position; keep reading.
                        page(s, next, chaseRounds, waits, done);
                }
            });
        });
    }

    /** History pages read from the plane so far. */
    long pagesRead() {
        return pages.get();
    }

    private void retryLater(CompletableFuture<Void> done, int waits, Runnable again) {
        if ((long) waits * RETRY.toMillis() >= plane.callTimeout().toMillis()) {
            done.completeExceptionally(Status.UNAVAILABLE
                    .withDescription("the bridge is not connected to the control plane's event stream").asRuntimeException());
        } else {
            scheduler.schedule(RETRY, again);
        }
    }

    private CompletableFuture<ListEventsResponse> list(long after, Subscriber.PageFilter filter, int size) {
        ListEventsRequest.Builder b = ListEventsRequest.newBuilder().setAfterSeq(Math.max(0, after)).setPageSize(size);
        if (filter.projectId() != null) {
            b.setProjectId(filter.projectId());
        }
        if (filter.taskId() != null) {
            b.setTaskId(filter.taskId());
        }
        return Calls.of(plane.events().listEvents(b.build()));
    }
}
