package dev.agentgrid.controlplane.worker;

import dev.agentgrid.controlplane.store.SqlTime;
import dev.agentgrid.controlplane.task.HeldSlots;
import dev.agentgrid.controlplane.common.Ids;
import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.common.NotFoundException;
import dev.agentgrid.controlplane.event.EventTypes;
import dev.agentgrid.controlplane.store.Changes;
import dev.agentgrid.controlplane.store.InList;
import dev.agentgrid.controlplane.store.GroupCommit;
import dev.agentgrid.controlplane.store.Store;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.UUID;

/** The stored side of workers: registration, heartbeats with metrics, connection state. */
@Singleton
public class WorkerRegistry {
    private final Store store;
    private final JdbcOperations jdbc;
    private final WorkerRepository workers;
    private final WorkerSettings settings;
    private final HeldSlots heldSlots;
    private final GroupCommit<Beat, Boolean> heartbeats;
    private final Map<String, Instant> lastHistory = new ConcurrentHashMap<>();

    public WorkerRegistry(Store store, JdbcOperations jdbc, WorkerRepository workers, WorkerSettings settings,
            HeldSlots heldSlots) {
        this.heldSlots = heldSlots;
        this.store = store;
        this.jdbc = jdbc;
        this.workers = workers;
        this.settings = settings;
        this.heartbeats = new GroupCommit<>("heartbeats", 512, 20_000, this::applyBeats);
    }

    /** Records a worker's Hello: the worker is ONLINE in a new session. */
    public Worker register(WorkerRegistration r, UUID sessionId) {
        return store.write(c -> register(c, r, sessionId));
    }

    /** {@link #register(WorkerRegistration, UUID)} in the caller's transaction. */
    public Worker register(Changes c, WorkerRegistration r, UUID sessionId) {
        {
            Worker before = workers.findById(r.workerId()).orElse(null);
            Worker w = new Worker(r.workerId(), r.name(), r.hostname(), r.version(), Json.printStringMap(r.labels()),
                    Json.print(Json.value(r.agentTypes()).getListValue()), r.slots(), WorkerStatus.ONLINE,
                    r.inventoryJson(), before == null ? null : before.metricsJson(), sessionId,
                    before == null ? c.now() : before.createdAt(), c.now(), c.now(), c.now());
            Worker saved = before == null ? workers.save(w) : workers.update(w);
            if (before == null) {
                jdbc.prepareStatement("INSERT INTO worker_slots (worker_id, held, session_id, slots) VALUES (?, 0, ?, ?)",
                        ps -> {
                            ps.setString(1, r.workerId());
                            ps.setObject(2, sessionId);
                            ps.setInt(3, r.slots());
                            return ps.executeUpdate();
                        });
            } else {
                syncSlots(r.workerId(), sessionId, r.slots());
            }
            emitStatus(c, saved, before == null ? null : before.status(), "connected");
            return saved;
        }
    }

    /**
     * Records a heartbeat of the current session: latest metrics, a history row at most every
     * {@link WorkerSettings#getMetricsHistoryInterval()}, and renewed leases of its attempts.
     * Heartbeats of all workers share transactions (see {@link GroupCommit}), and the caller does
     * not wait for the commit: the future says whether the session was still current. Ten
     * thousand workers waiting for their heartbeats' commits would hold ten thousand threads.
     */
    public java.util.concurrent.CompletableFuture<Boolean> heartbeatAsync(String workerId, UUID sessionId,
            String metricsJson, Instant capturedAtOrNull) {
        return heartbeats.submitAsync(new Beat(workerId, sessionId, metricsJson, capturedAtOrNull));
    }

    /**
     * Renews a worker's liveness and its attempts' leases without new metrics (it proved alive by
     * another message), without waiting for the commit.
     *
     * @return completes with false if the session is no longer the worker's current one
     */
    public java.util.concurrent.CompletableFuture<Boolean> renew(String workerId, UUID sessionId) {
        return heartbeats.submitAsync(new Beat(workerId, sessionId, null, null));
    }

    /** A heartbeat; without metrics, a renewal. */
    private record Beat(String workerId, UUID sessionId, String metricsJson, Instant capturedAtOrNull) {
    }

    /** Applies heartbeats with one JDBC batch per statement kind, in one transaction. */
    private List<Boolean> applyBeats(List<Beat> arrived) {
        // Worker rows are locked in id order in every batch (arrivals too), so batches never
        // wait on each other in a circle.
        List<Beat> beats = new ArrayList<>(arrived);
        beats.sort(java.util.Comparator.comparing(Beat::workerId));
        List<Boolean> sorted = applySorted(beats);
        java.util.Map<Beat, Boolean> byBeat = new java.util.IdentityHashMap<>();
        for (int i = 0; i < beats.size(); i++) {
            byBeat.put(beats.get(i), sorted.get(i));
        }
        List<Boolean> out = new ArrayList<>(arrived.size());
        arrived.forEach(b -> out.add(byBeat.get(b)));
        return out;
    }

    private List<Boolean> applySorted(List<Beat> beats) {
        return store.write(c -> {
            List<Boolean> current = touch(c, beats);
            List<Beat> live = new ArrayList<>();
            for (int i = 0; i < beats.size(); i++) {
                if (current.get(i)) {
                    live.add(beats.get(i));
                }
            }
            List<Beat> history = new ArrayList<>();
            Map<String, Instant> newestHistory = lastHistory(live.stream().filter(b -> b.metricsJson() != null)
                    .map(Beat::workerId).toList());
            for (Beat b : live) {
                if (b.metricsJson() == null) {
                    continue; // a renewal: no metrics to keep
                }
                Instant last = newestHistory.get(b.workerId());
                if (last == null || !capturedAt(b, c).isBefore(last.plus(settings.getMetricsHistoryInterval()))) {
                    history.add(b);
                }
            }
            if (!history.isEmpty()) {
                writeHistory(c, history);
            }
            if (!live.isEmpty()) {
                renewLeases(c, live);
            }
            return current;
        });
    }

    /**
     * Updates the beating workers' rows with one JDBC batch, in the batch's id order. A single
     * joined {@code UPDATE … FROM unnest(…)} was tried on PostgreSQL: fast while the table was
     * fresh, but as heartbeats left dead row versions faster than autovacuum removed them its
     * batches slowed until, in the 10,000-worker benchmark, heartbeats fell a minute behind and
     * leases expired. Statements by primary key do not depend on the table's size.
     *
     * @return per beat, whether its session is still the worker's current one
     */
    private List<Boolean> touch(Changes c, List<Beat> beats) {
        int[] updated = jdbc.prepareStatement("UPDATE workers SET metrics_json = COALESCE(?, metrics_json),"
                + " last_heartbeat_at = ?,"
                + " updated_at = ? WHERE id = ? AND session_id = ?", ps -> {
                    for (Beat b : beats) {
                        ps.setString(1, b.metricsJson());
                        SqlTime.set(ps, 2, c.now());
                        SqlTime.set(ps, 3, c.now());
                        ps.setString(4, b.workerId());
                        ps.setObject(5, b.sessionId());
                        ps.addBatch();
                    }
                    return ps.executeBatch();
                });
        List<Boolean> current = new ArrayList<>(beats.size());
        for (int n : updated) {
            current.add(n > 0 || n == java.sql.Statement.SUCCESS_NO_INFO);
        }
        return current;
    }

    /**
     * Renews the leases of the attempts these workers hold. Rows another transaction has locked
     * are skipped, never waited for: that transaction is changing the attempt anyway, the next
     * heartbeat renews it, and a heartbeat batch that waited for task rows while holding worker
     * rows deadlocked with report batches (each then retried alone, and the heartbeats fell
     * behind their leases).
     */
    private void renewLeases(Changes c, List<Beat> live) {
        List<String> workerIds = live.stream().map(Beat::workerId).distinct().toList();
        java.time.Instant until = c.now().plus(settings.lease());
        List<UUID> held = new ArrayList<>();
        for (List<String> chunk : InList.chunks(workerIds)) {
            jdbc.prepareStatement("SELECT id FROM tasks WHERE worker_id IN (" + InList.placeholders(chunk.size())
                    + ") AND status IN ('ASSIGNED', 'RUNNING', 'WAITING_FOR_HITL') ORDER BY id FOR UPDATE SKIP LOCKED",
                    ps -> {
                        InList.bind(ps, chunk);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                held.add(rs.getObject(1, UUID.class));
                            }
                        }
                        return null;
                    });
        }
        if (held.isEmpty()) {
            return;
        }
        jdbc.prepareStatement("UPDATE tasks SET lease_expires_at = ? WHERE id = ?", ps -> {
            for (UUID id : held) {
                SqlTime.set(ps, 1, until);
                ps.setObject(2, id);
                ps.addBatch();
            }
            return ps.executeBatch();
        });
    }

    private static Instant capturedAt(Beat b, Changes c) {
        return b.capturedAtOrNull() == null ? c.now() : b.capturedAtOrNull();
    }

    /**
     * When each worker's newest history row was captured (absent: none): remembered, and read
     * once after a start for the workers not seen since, with one statement per thousand (ten
     * thousand workers' first heartbeats were ten thousand queries).
     */
    private Map<String, Instant> lastHistory(List<String> workerIds) {
        Map<String, Instant> out = new java.util.HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String id : workerIds) {
            Instant known = lastHistory.get(id);
            if (known != null) {
                out.put(id, known);
            } else if (!out.containsKey(id)) {
                unknown.add(id);
            }
        }
        for (List<String> chunk : InList.chunks(unknown.stream().distinct().toList())) {
            jdbc.prepareStatement("SELECT worker_id, MAX(captured_at) FROM worker_metrics WHERE worker_id IN ("
                    + InList.placeholders(chunk.size()) + ") GROUP BY worker_id", ps -> {
                        InList.bind(ps, chunk);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                out.put(rs.getString(1), rs.getTimestamp(2).toInstant());
                            }
                        }
                        return null;
                    });
        }
        return out;
    }

    private void writeHistory(Changes c, List<Beat> history) {
        jdbc.prepareStatement("INSERT INTO worker_metrics (id, worker_id, captured_at, metrics_json)"
                + " VALUES (?, ?, ?, ?)", ps -> {
                    for (Beat b : history) {
                        ps.setObject(1, Ids.next());
                        ps.setString(2, b.workerId());
                        SqlTime.set(ps, 3, capturedAt(b, c));
                        ps.setString(4, b.metricsJson());
                        ps.addBatch();
                    }
                    return ps.executeBatch();
                });
        java.time.Instant retainedFrom = c.now().minus(settings.getMetricsRetention());
        for (List<String> chunk : InList.chunks(history.stream().map(Beat::workerId).distinct().toList())) {
            jdbc.prepareStatement("DELETE FROM worker_metrics WHERE worker_id IN (" + InList.placeholders(chunk.size())
                    + ") AND captured_at < ?", ps -> {
                        SqlTime.set(ps, InList.bind(ps, chunk), retainedFrom);
                        return ps.executeUpdate();
                    });
        }
        // Remembered only once committed, so a rolled-back batch does not skip a history row.
        c.afterCommit(() -> history.forEach(b -> lastHistory.merge(b.workerId(), capturedAt(b, c),
                (a, n) -> n.isAfter(a) ? n : a)));
    }

    /**
     * Moves a worker's session to DRAINING or OFFLINE; does nothing if {@code sessionId} is no
     * longer its current session (a newer connection superseded it).
     */
    public void changeStatus(String workerId, UUID sessionId, WorkerStatus status, String reason) {
        store.write(c -> {
            changeStatus(c, workerId, sessionId, status, reason);
            return null;
        });
    }

    /** {@link #changeStatus(String, UUID, WorkerStatus, String)} in the current transaction. */
    public void changeStatus(Changes c, String workerId, UUID sessionId, WorkerStatus status, String reason) {
        Worker w = workers.findById(workerId).orElse(null);
        if (w == null || !Objects.equals(sessionId, w.sessionId()) || w.status() == status) {
            return;
        }
        syncSlots(workerId, status == WorkerStatus.OFFLINE ? null : w.sessionId(), w.slots());
        Worker changed = workers.update(new Worker(w.id(), w.name(), w.hostname(), w.version(), w.labelsJson(),
                w.agentTypesJson(), w.slots(), status, w.inventoryJson(), w.metricsJson(),
                status == WorkerStatus.OFFLINE ? null : w.sessionId(), w.createdAt(), w.connectedAt(),
                w.lastHeartbeatAt(), c.now()));
        emitStatus(c, changed, w.status(), reason);
    }

    /** Declares a worker lost: OFFLINE whatever its session, with the reason in the event. */
    public void markLost(String workerId, String reason) {
        store.write(c -> {
            Worker w = workers.findById(workerId).orElse(null);
            if (w == null || w.status() == WorkerStatus.OFFLINE) {
                return null;
            }
            syncSlots(workerId, null, w.slots());
            Worker lost = workers.update(new Worker(w.id(), w.name(), w.hostname(), w.version(), w.labelsJson(),
                    w.agentTypesJson(), w.slots(), WorkerStatus.OFFLINE, w.inventoryJson(), w.metricsJson(), null,
                    w.createdAt(), w.connectedAt(), w.lastHeartbeatAt(), c.now()));
            emitStatus(c, lost, w.status(), reason);
            return null;
        });
    }

    /**
     * Writes the worker's session (null once offline) and slots onto its slot row, in the
     * transaction that changes them in {@code workers}. The dispatcher takes slots with a
     * conditional update of that row, so a session change waits for a placement in progress, and
     * a placement after it sees the new session.
     */
    private void syncSlots(String workerId, UUID sessionIdOrNull, int slots) {
        heldSlots.forget(workerId);
        jdbc.prepareStatement("UPDATE worker_slots SET session_id = ?, slots = ? WHERE worker_id = ?", ps -> {
            ps.setObject(1, sessionIdOrNull);
            ps.setInt(2, slots);
            ps.setString(3, workerId);
            return ps.executeUpdate();
        });
    }

    /** The stored worker. */
    public Worker get(String workerId) {
        return store.read(() -> workers.findById(workerId))
                .orElseThrow(() -> new NotFoundException("worker '" + workerId + "' not found"));
    }

    private static void emitStatus(Changes c, Worker w, WorkerStatus previous, String reason) {
        c.emit(EventTypes.WORKER_STATUS, null, null, w.id(), null, Json.object(
                "worker_id", w.id(),
                "name", w.name(),
                "hostname", w.hostname(),
                "status", w.status(),
                "previous_status", previous,
                "agent_types", Json.parseValue(w.agentTypesJson()),
                "labels", Json.parseStruct(w.labelsJson()),
                "slots", w.slots(),
                "reason", reason,
                "timestamp", c.now()));
    }

    @jakarta.annotation.PreDestroy
    void close() {
        heartbeats.close();
    }
}
