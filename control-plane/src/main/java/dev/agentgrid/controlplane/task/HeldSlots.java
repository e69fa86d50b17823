package dev.agentgrid.controlplane.task;

import dev.agentgrid.controlplane.store.Changes;
import dev.agentgrid.controlplane.store.SqlWrite;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps {@code worker_slots.held}, the number of attempts a worker holds (its tasks ASSIGNED,
 * RUNNING or WAITING_FOR_HITL), in step with the tasks: every status change records its effect
 * here, and the net change per worker is written once, just before the transaction commits. So
 * the dispatcher reads one number per worker instead of counting their tasks every round.
 *
 * <p>The rows are updated last and in worker id order, after the task rows the transaction
 * locked, the order the dispatcher locks them in too. Heartbeats never touch them (they update
 * {@code workers}), so this accounting never queues behind a heartbeat batch.
 */
@Singleton
public class HeldSlots {
    private final JdbcOperations jdbc;
    /**
     * {@code held} per worker as this replica last knew it: the value a dispatch round read, plus
     * what this replica committed since. Other replicas change it too and a read may race with a
     * commit, so it only plans a creating transaction's placement (without reading the rows, one
     * round trip less per create); taking the slots checks the row, and a plan that was wrong either
     * way ends in a dispatch round, which reads the rows again.
     */
    private final ConcurrentHashMap<String, Integer> known = new ConcurrentHashMap<>();

    public HeldSlots(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** Net changes of this transaction, by worker id (sorted: the rows are locked in this order). */
    private static final class Delta {
        final Map<String, Integer> byWorker = new TreeMap<>();
        /** The transitions' effect on each worker, whoever wrote it to the row (see {@link #alreadyTaken}). */
        final Map<String, Integer> effect = new HashMap<>();
    }

    /** Records {@code held} values just read from the rows. */
    public void read(Map<String, Integer> heldByWorker) {
        known.putAll(heldByWorker);
    }

    /** What {@link #read} and the commits since say each worker holds; null if any of them is not known. */
    public Map<String, Integer> known(Collection<String> workerIds) {
        Map<String, Integer> out = new HashMap<>();
        for (String id : workerIds) {
            Integer held = known.get(id);
            if (held == null) {
                return null;
            }
            out.put(id, held);
        }
        return out;
    }

    /** Forgets what the worker held: its session changed. */
    public void forget(String workerId) {
        known.remove(workerId);
    }

    /** Whether a task in this state takes one of its worker's slots. */
    private static boolean holdsSlot(Task t) {
        return t.workerId() != null && t.status().isOnWorker();
    }

    /** Records that a task went from {@code before} to {@code after} in this transaction. */
    public void changed(Changes c, Task before, Task after) {
        boolean held = holdsSlot(before);
        boolean holds = holdsSlot(after);
        if (held && holds && before.workerId().equals(after.workerId())) {
            return;
        }
        if (!held && !holds) {
            return;
        }
        Delta delta = delta(c);
        if (held) {
            delta.byWorker.merge(before.workerId(), -1, Integer::sum);
            delta.effect.merge(before.workerId(), -1, Integer::sum);
        }
        if (holds) {
            delta.byWorker.merge(after.workerId(), 1, Integer::sum);
            delta.effect.merge(after.workerId(), 1, Integer::sum);
        }
    }

    /**
     * Records that {@code n} slots of the worker were already added to its row in this transaction
     * (the dispatcher takes them before the tasks' transitions say so), so the net change written
     * at commit leaves them out.
     */
    public void alreadyTaken(Changes c, String workerId, int n) {
        delta(c).byWorker.merge(workerId, -n, Integer::sum);
    }

    private static final String ADD_HELD = "UPDATE worker_slots SET held = held + ? WHERE worker_id = ?";

    private Delta delta(Changes c) {
        Delta delta = c.scoped(Delta.class);
        if (delta == null) {
            Delta created = new Delta();
            c.scope(Delta.class, created);
            c.beforeCommit(() -> write(c, created));
            // Counted before the assignments go out (they are sent as soon as the transaction
            // commits), or a worker that finished one at once could free its slot here first.
            c.onCommitted(() -> created.effect.forEach((worker, n) ->
                    known.computeIfPresent(worker, (w, held) -> Math.max(0, held + n))));
            delta = created;
        }
        return delta;
    }

    /**
     * Writes the net changes, a few of them with the transaction's events (in the event append's
     * round trip on PostgreSQL: the last task of a worker's report batch frees its slot); the rows
     * in worker id order either way.
     */
    private void write(Changes c, Delta delta) {
        delta.byWorker.values().removeIf(n -> n == 0);
        if (delta.byWorker.isEmpty()) {
            return;
        }
        if (delta.byWorker.size() <= SqlWrite.MAX_ROWS) {
            delta.byWorker.forEach((worker, n) -> c.writeWithEvents(new SqlWrite(ADD_HELD, (ps, from) -> {
                ps.setInt(from, n);
                ps.setString(from + 1, worker);
                return from + 2;
            })));
            delta.byWorker.clear();
            return;
        }
        jdbc.prepareStatement(ADD_HELD, ps -> {
            for (var e : delta.byWorker.entrySet()) {
                ps.setInt(1, e.getValue());
                ps.setString(2, e.getKey());
                ps.addBatch();
            }
            return ps.executeBatch();
        });
        delta.byWorker.clear();
    }
}
