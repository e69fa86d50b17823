package dev.agentgrid.controlplane.worker;

import dev.agentgrid.controlplane.common.Ids;
import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.common.NotFoundException;
import dev.agentgrid.controlplane.event.EventTypes;
import dev.agentgrid.controlplane.store.Changes;
import dev.agentgrid.controlplane.store.Store;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** The stored side of workers: registration, heartbeats with metrics, connection state. */
@Singleton
public class WorkerRegistry {
    private final Store store;
    private final JdbcOperations jdbc;
    private final WorkerRepository workers;
    private final WorkerSettings settings;

    public WorkerRegistry(Store store, JdbcOperations jdbc, WorkerRepository workers, WorkerSettings settings) {
        this.store = store;
        this.jdbc = jdbc;
        this.workers = workers;
        this.settings = settings;
    }

    /** Records a worker's Hello: the worker is ONLINE in a new session. */
    public Worker register(WorkerRegistration r, UUID sessionId) {
        return store.write(c -> {
            Worker before = workers.findById(r.workerId()).orElse(null);
            Worker w = new Worker(r.workerId(), r.name(), r.hostname(), r.version(), Json.printStringMap(r.labels()),
                    Json.print(Json.value(r.agentTypes()).getListValue()), r.slots(), WorkerStatus.ONLINE,
                    r.inventoryJson(), before == null ? null : before.metricsJson(), sessionId,
                    before == null ? c.now() : before.createdAt(), c.now(), c.now(), c.now());
            Worker saved = before == null ? workers.save(w) : workers.update(w);
            emitStatus(c, saved, before == null ? null : before.status(), "connected");
            return saved;
        });
    }

    /**
     * Records a heartbeat of the current session: latest metrics, a history row at most every
     * {@link WorkerSettings#getMetricsHistoryInterval()}, and renewed leases of its attempts.
     *
     * @return false if the session is no longer the worker's current one
     */
    public boolean heartbeat(String workerId, UUID sessionId, String metricsJson, Instant capturedAtOrNull) {
        return store.write(c -> {
            Instant capturedAt = capturedAtOrNull == null ? c.now() : capturedAtOrNull;
            Worker w = workers.findById(workerId).orElse(null);
            if (w == null || !sessionId.equals(w.sessionId())) {
                return false;
            }
            jdbc.prepareStatement("UPDATE workers SET metrics_json = ?, last_heartbeat_at = ?, updated_at = ?"
                    + " WHERE id = ?", ps -> {
                        ps.setString(1, metricsJson);
                        ps.setTimestamp(2, Timestamp.from(c.now()));
                        ps.setTimestamp(3, Timestamp.from(c.now()));
                        ps.setString(4, workerId);
                        return ps.executeUpdate();
                    });
            Instant lastHistory = jdbc.prepareStatement(
                    "SELECT MAX(captured_at) FROM worker_metrics WHERE worker_id = ?", ps -> {
                        ps.setString(1, workerId);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            Timestamp t = rs.getTimestamp(1);
                            return t == null ? null : t.toInstant();
                        }
                    });
            if (lastHistory == null || !capturedAt.isBefore(lastHistory.plus(settings.getMetricsHistoryInterval()))) {
                jdbc.prepareStatement("INSERT INTO worker_metrics (id, worker_id, captured_at, metrics_json)"
                        + " VALUES (?, ?, ?, ?)", ps -> {
                            ps.setObject(1, Ids.next());
                            ps.setString(2, workerId);
                            ps.setTimestamp(3, Timestamp.from(capturedAt));
                            ps.setString(4, metricsJson);
                            return ps.executeUpdate();
                        });
                jdbc.prepareStatement("DELETE FROM worker_metrics WHERE worker_id = ? AND captured_at < ?", ps -> {
                    ps.setString(1, workerId);
                    ps.setTimestamp(2, Timestamp.from(c.now().minus(settings.getMetricsRetention())));
                    return ps.executeUpdate();
                });
            }
            jdbc.prepareStatement("UPDATE tasks SET lease_expires_at = ? WHERE worker_id = ?"
                    + " AND status IN ('ASSIGNED', 'RUNNING', 'WAITING_FOR_HITL')", ps -> {
                        ps.setTimestamp(1, Timestamp.from(c.now().plus(settings.lease())));
                        ps.setString(2, workerId);
                        return ps.executeUpdate();
                    });
            return true;
        });
    }

    /**
     * Moves a worker's session to DRAINING or OFFLINE; does nothing if {@code sessionId} is no
     * longer its current session (a newer connection superseded it).
     */
    public void changeStatus(String workerId, UUID sessionId, WorkerStatus status, String reason) {
        store.write(c -> {
            Worker w = workers.findById(workerId).orElse(null);
            if (w == null || !Objects.equals(sessionId, w.sessionId()) || w.status() == status) {
                return null;
            }
            Worker changed = workers.update(new Worker(w.id(), w.name(), w.hostname(), w.version(), w.labelsJson(),
                    w.agentTypesJson(), w.slots(), status, w.inventoryJson(), w.metricsJson(),
                    status == WorkerStatus.OFFLINE ? null : w.sessionId(), w.createdAt(), w.connectedAt(),
                    w.lastHeartbeatAt(), c.now()));
            emitStatus(c, changed, w.status(), reason);
            return null;
        });
    }

    /** Declares a worker lost: OFFLINE whatever its session, with the reason in the event. */
    public void markLost(String workerId, String reason) {
        store.write(c -> {
            Worker w = workers.findById(workerId).orElse(null);
            if (w == null || w.status() == WorkerStatus.OFFLINE) {
                return null;
            }
            Worker lost = workers.update(new Worker(w.id(), w.name(), w.hostname(), w.version(), w.labelsJson(),
                    w.agentTypesJson(), w.slots(), WorkerStatus.OFFLINE, w.inventoryJson(), w.metricsJson(), null,
                    w.createdAt(), w.connectedAt(), w.lastHeartbeatAt(), c.now()));
            emitStatus(c, lost, w.status(), reason);
            return null;
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
}
