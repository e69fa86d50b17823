package dev.agentgrid.controlplane.worker;

import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.common.NotFoundException;
import dev.agentgrid.controlplane.common.PageToken;
import dev.agentgrid.controlplane.store.InList;
import dev.agentgrid.controlplane.store.Listing;
import dev.agentgrid.controlplane.store.SqlTime;
import dev.agentgrid.controlplane.store.Store;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reads registered workers and their retained metrics. */
@Singleton
public class WorkerQueries {
    private final Store store;
    private final JdbcOperations jdbc;
    private final WorkerRepository workers;

    public WorkerQueries(Store store, JdbcOperations jdbc, WorkerRepository workers) {
        this.store = store;
        this.jdbc = jdbc;
        this.workers = workers;
    }

    /** One worker. */
    public Worker get(String id) {
        return store.read(() -> workers.findById(id))
                .orElseThrow(() -> new NotFoundException("worker '" + id + "' not found"));
    }

    /**
     * A page of workers in registration order. Agent type and labels are stored as JSON, so they
     * are matched here: a page is filled by reading on until it is full.
     */
    public Listing.Page<Worker> list(Collection<WorkerStatus> statuses, String agentType,
            Map<String, String> labelSelector, int pageSize, PageToken token) {
        return store.read(() -> {
            List<Worker> out = new ArrayList<>();
            PageToken cursor = token;
            while (true) {
                Listing.Page<Worker> page = new Listing<>(jdbc, "workers", Worker.class,
                        w -> Listing.cursor(w.createdAt(), w.id()), id -> id)
                        .whereIn("status", statuses.stream().map(Enum::name).toList())
                        .page(pageSize, cursor, false);
                for (Worker w : page.items()) {
                    if (matches(w, agentType, labelSelector)) {
                        out.add(w);
                        if (out.size() == pageSize) {
                            boolean more = page.next() != null || w != page.items().get(page.items().size() - 1);
                            return new Listing.Page<>(out, more ? Listing.cursor(w.createdAt(), w.id()) : null);
                        }
                    }
                }
                if (page.next() == null) {
                    return new Listing.Page<>(out, null);
                }
                cursor = page.next();
            }
        });
    }

    /**
     * Attempts each worker holds now (assigned, running or waiting for a human), as kept by
     * {@link dev.agentgrid.controlplane.task.HeldSlots}; joins the caller's transaction if any.
     */
    public Map<String, Integer> usedSlots(Collection<String> workerIds) {
        Map<String, Integer> out = new java.util.HashMap<>();
        for (List<String> chunk : InList.chunks(List.copyOf(workerIds))) {
            store.read(() -> jdbc.prepareStatement("SELECT worker_id, held FROM worker_slots WHERE worker_id IN ("
                    + InList.placeholders(chunk.size()) + ")", ps -> {
                        InList.bind(ps, chunk);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                out.put(rs.getString(1), rs.getInt(2));
                            }
                        }
                        return null;
                    }));
        }
        return out;
    }

    private static boolean matches(Worker w, String agentType, Map<String, String> labelSelector) {
        if (agentType != null && Json.parseValue(w.agentTypesJson()).getListValue().getValuesList().stream()
                .noneMatch(v -> v.getStringValue().equals(agentType))) {
            return false;
        }
        Map<String, String> labels = Json.parseStringMap(w.labelsJson());
        return labelSelector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** A page of a worker's retained metrics (JSON), newest first. */
    public Listing.Page<WorkerMetric> metricsHistory(String workerId, Instant since, int pageSize, PageToken token) {
        return store.read(() -> {
            workers.findById(workerId).orElseThrow(() -> new NotFoundException("worker '" + workerId + "' not found"));
            UUID cursorId = token == null ? null : token.parseId(UUID::fromString);
            String sql = "SELECT * FROM worker_metrics WHERE worker_id = ?"
                    + (since == null ? "" : " AND captured_at >= ?")
                    + (token == null ? "" : " AND (captured_at < ? OR (captured_at = ? AND id < ?))")
                    + " ORDER BY captured_at DESC, id DESC LIMIT " + (pageSize + 1);
            List<WorkerMetric> rows = jdbc.prepareStatement(sql, ps -> {
                int i = 1;
                ps.setString(i++, workerId);
                if (since != null) {
                    SqlTime.set(ps, i++, since);
                }
                if (token != null) {
                    SqlTime.set(ps, i++, token.time());
                    SqlTime.set(ps, i++, token.time());
                    ps.setObject(i, cursorId);
                }
                List<WorkerMetric> list = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        list.add(jdbc.readEntity(rs, WorkerMetric.class));
                    }
                }
                return list;
            });
            if (rows.size() <= pageSize) {
                return new Listing.Page<>(rows, null);
            }
            WorkerMetric last = rows.get(pageSize - 1);
            return new Listing.Page<>(List.copyOf(rows.subList(0, pageSize)),
                    Listing.cursor(last.capturedAt(), last.id()));
        });
    }
}
