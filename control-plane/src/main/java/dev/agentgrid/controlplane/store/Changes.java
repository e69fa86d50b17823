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
 * dispatcher). Not thread-safe; lives for one transaction.
 */
public final class Changes {
    private final Instant now;
    private final List<Event> events = new ArrayList<>();
    private final List<Runnable> afterCommit = new ArrayList<>();
    // Keyed by (phase, key): iteration order is the order the actions run in.
    private final java.util.TreeMap<String, Runnable> beforeCommit = new java.util.TreeMap<>();

    /**
     * Groups of before-commit work, run in this order whatever order they were asked for in. Each
     * takes row locks of one table, so every transaction locks projects before agent types (and,
     * within a group, in key order). One lock order for all transactions is what keeps two of them
     * from each holding a row the other waits for: e.g. a task created in a project (which locks
     * the project first) and a task of that project finishing (which used to lock the agent type
     * first, then the project) deadlocked.
     */
    public enum Phase {
        /** Project rows: completion checks. */
        PROJECTS,
        /**
         * Agent type rows. Derived agent statuses no longer lock them in the transaction (they
         * are recomputed after the commit); the phase stays for work that must follow projects.
         */
        AGENT_TYPES
    }

    Changes(Instant now) {
        this.now = now;
    }

    /** The transaction's timestamp: every row it writes carries this time. */
    public Instant now() {
        return now;
    }

    /** Emits a durable event. */
    public void emit(String type, UUID projectId, UUID taskId, String workerId, String agentType, Struct data) {
        events.add(new Event(0, Ids.next(), type, projectId, taskId, workerId, agentType, Json.print(data), now));
    }

    /** Runs {@code action} after the transaction committed (not if it rolled back). */
    public void afterCommit(Runnable action) {
        afterCommit.add(action);
    }

    /**
     * Runs {@code action} once at the end of the transaction, before it commits, however often it
     * is asked for under the same key (e.g. recomputing an agent type's status once after several
     * of its tasks changed). Actions run by {@link Phase}, then by key.
     */
    public void beforeCommit(Phase phase, String key, Runnable action) {
        beforeCommit.putIfAbsent(phase.ordinal() + ":" + key, action);
    }

    /** Runs the before-commit actions in order, including any they add. */
    void runBeforeCommit() {
        java.util.Set<String> done = new java.util.HashSet<>();
        while (true) {
            var next = beforeCommit.entrySet().stream().filter(e -> !done.contains(e.getKey())).findFirst();
            if (next.isEmpty()) {
                return;
            }
            done.add(next.get().getKey());
            next.get().getValue().run();
        }
    }

    List<Event> events() {
        return events;
    }

    List<Runnable> afterCommitActions() {
        return afterCommit;
    }
}
