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
    private final java.util.LinkedHashMap<String, Runnable> beforeCommit = new java.util.LinkedHashMap<>();

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
     * of its tasks changed).
     */
    public void beforeCommit(String key, Runnable action) {
        beforeCommit.putIfAbsent(key, action);
    }

    /** Runs the before-commit actions, including any they add. */
    void runBeforeCommit() {
        java.util.Set<String> done = new java.util.HashSet<>();
        boolean ran = true;
        while (ran) {
            ran = false;
            for (var entry : List.copyOf(beforeCommit.entrySet())) {
                if (done.add(entry.getKey())) {
                    entry.getValue().run();
                    ran = true;
                }
            }
        }
    }

    List<Event> events() {
        return events;
    }

    List<Runnable> afterCommitActions() {
        return afterCommit;
    }
}
