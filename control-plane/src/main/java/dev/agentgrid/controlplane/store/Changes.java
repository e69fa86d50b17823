package dev.agentgrid.controlplane.store;

import dev.agentgrid.controlplane.common.Ids;
import com.google.protobuf.Struct;
import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.event.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What one write transaction records besides its rows: the durable events it emits (appended to
 * the log in the same transaction) and actions to run once it committed (e.g. waking the
 * dispatcher). Derived state (agent statuses, project completion) is recomputed after the
 * commit by {@link CoalescingWriter}s, so busy transactions do not queue on those rows. Not
 * thread-safe; lives for one transaction.
 */
public final class Changes {
    private final Instant now;
    private final List<Event> events = new ArrayList<>();
    private final List<LiveAt> liveAt = new ArrayList<>();
    private final List<Runnable> afterCommit = new ArrayList<>();
    private final List<Runnable> onCommitted = new ArrayList<>();
    private final List<Runnable> beforeCommit = new ArrayList<>();
    private final List<SqlWrite> withEvents = new ArrayList<>();
    private final java.util.Map<Class<?>, Object> scoped = new java.util.HashMap<>();

    Changes(Instant now) {
        this.now = now;
    }

    /** The transaction's timestamp: every row it writes carries this time. */
    public Instant now() {
        return now;
    }

    /** Emits a durable event. */
    public void emit(String type, UUID projectId, UUID taskId, String workerId, String agentType, Struct data) {
        events.add(event(type, projectId, taskId, workerId, agentType, data));
    }

    /**
     * Publishes a live-only event (not stored, {@code seq} 0) once the transaction committed, in
     * the order of emission among the transaction's durable events: a batch that applies a task's
     * output and then its failure publishes the output first, as separate transactions would.
     */
    public void emitLive(String type, UUID projectId, UUID taskId, String workerId, String agentType, Struct data) {
        liveAt.add(new LiveAt(events.size(), event(type, projectId, taskId, workerId, agentType, data)));
    }

    /** An event of this transaction, not yet numbered ({@code seq} 0). */
    private Event event(String type, UUID projectId, UUID taskId, String workerId, String agentType, Struct data) {
        return new Event(0, Ids.next(), type, projectId, taskId, workerId, agentType, Json.print(data), now);
    }

    /** Runs {@code action} after the transaction committed (not if it rolled back). */
    public void afterCommit(Runnable action) {
        afterCommit.add(action);
    }

    /**
     * Runs {@code send} as soon as the transaction committed, before its events are published
     * and before the {@link #afterCommit} actions: for handing work to a worker's stream, which
     * should not wait for this transaction's turn to publish (that waits for every transaction
     * that took the event sequence before this one to publish first). Only for sends that neither
     * block nor write: a write here would wait for this transaction's own publication.
     */
    public void onCommitted(Runnable send) {
        onCommitted.add(send);
    }

    /**
     * Runs {@code action} at the end of the transaction's work, before its events are appended
     * and it commits (e.g. writing back rows a batch changed in memory). Actions run in the order
     * they were asked for, including any they ask for.
     */
    public void beforeCommit(Runnable action) {
        beforeCommit.add(action);
    }

    /**
     * Sends {@code write} with the transaction's events: after every other statement of the
     * transaction, in the order asked, and on PostgreSQL in the event append's round trip (see
     * {@code EventLog#append}). Only for a write nothing else in the transaction needs done before
     * (no read of its rows, no row that refers to them).
     */
    public void writeWithEvents(SqlWrite write) {
        withEvents.add(write);
    }

    List<SqlWrite> writesWithEvents() {
        return withEvents;
    }

    void runBeforeCommit() {
        for (int i = 0; i < beforeCommit.size(); i++) {
            beforeCommit.get(i).run();
        }
    }

    /**
     * What a component keeps for this transaction only, e.g. the rows a batch read ahead; null if
     * nothing was kept under {@code type}.
     */
    public <T> T scoped(Class<T> type) {
        return type.cast(scoped.get(type));
    }

    /** Keeps {@code value} for this transaction, under its type. */
    public <T> void scope(Class<T> type, T value) {
        scoped.put(type, value);
    }

    List<Event> events() {
        return events;
    }

    /**
     * What to publish after the commit: the durable events as numbered by the log, with the live
     * ones between them where they were emitted.
     */
    List<Event> inEmissionOrder(List<Event> numbered) {
        if (liveAt.isEmpty()) {
            return numbered;
        }
        List<Event> out = new ArrayList<>(numbered.size() + liveAt.size());
        int next = 0;
        for (LiveAt l : liveAt) {
            while (next < l.durableBefore()) {
                out.add(numbered.get(next++));
            }
            out.add(l.event());
        }
        out.addAll(numbered.subList(next, numbered.size()));
        return out;
    }

    /** A live event emitted after {@code durableBefore} durable ones. */
    private record LiveAt(int durableBefore, Event event) {
    }

    List<Runnable> afterCommitActions() {
        return afterCommit;
    }

    List<Runnable> onCommittedSends() {
        return onCommitted;
    }
}
