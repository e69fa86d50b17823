package dev.agentgrid.controlplane.task;

import dev.agentgrid.controlplane.store.InList;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Stores the edges of the task dependency graph ({@code task_dependencies}). */
@Singleton
public class TaskDependencies {
    private final JdbcOperations jdbc;

    public TaskDependencies(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** Records that {@code taskId} waits for each of {@code upstream}. */
    public void add(UUID taskId, Collection<UUID> upstream) {
        if (upstream.isEmpty()) {
            return;
        }
        jdbc.prepareStatement("INSERT INTO task_dependencies (task_id, depends_on_id) VALUES (?, ?)", ps -> {
            for (UUID up : upstream) {
                ps.setObject(1, taskId);
                ps.setObject(2, up);
                ps.addBatch();
            }
            return ps.executeBatch();
        });
    }

    /** The tasks each of {@code taskIds} waits for, in a stable order. */
    public Map<UUID, List<UUID>> upstreamOf(Collection<UUID> taskIds) {
        return edgesFrom("task_id", "depends_on_id", List.copyOf(taskIds));
    }

    /**
     * The edges whose {@code from} column is one of {@code ids}, as each id's {@code to} values in
     * a stable order.
     */
    private Map<UUID, List<UUID>> edgesFrom(String from, String to, List<UUID> ids) {
        Map<UUID, List<UUID>> out = new LinkedHashMap<>();
        for (List<UUID> chunk : InList.chunks(ids)) {
            jdbc.prepareStatement("SELECT " + from + ", " + to + " FROM task_dependencies WHERE " + from + " IN ("
                    + InList.placeholders(chunk.size()) + ") ORDER BY " + from + ", " + to, ps -> {
                        InList.bind(ps, chunk);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                out.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
                                        .add(rs.getObject(2, UUID.class));
                            }
                        }
                        return null;
                    });
        }
        return out;
    }

    /** A batch's tasks, whose downstream tasks are read in one statement when one is first asked for. */
    private static final class ReadAhead {
        final java.util.Set<UUID> upstream;
        Map<UUID, List<UUID>> downstream; // null until read

        ReadAhead(java.util.Set<UUID> upstream) {
            this.upstream = upstream;
        }
    }

    /**
     * Has {@link #downstreamOf(Changes, UUID)} read the downstream tasks of all of
     * {@code taskIds} in one statement in this transaction, the first time it is asked for one of
     * them (a batch of worker reports asks for each task it finishes; a batch that finishes none,
     * say of acceptances, reads nothing).
     */
    public void readAhead(dev.agentgrid.controlplane.store.Changes c, Collection<UUID> taskIds) {
        c.scope(ReadAhead.class, new ReadAhead(java.util.Set.copyOf(taskIds)));
    }

    /** The tasks that wait for {@code taskId}, from this transaction's read-ahead if it covers it. */
    public List<UUID> downstreamOf(dev.agentgrid.controlplane.store.Changes c, UUID taskId) {
        ReadAhead ahead = c.scoped(ReadAhead.class);
        if (ahead != null && ahead.upstream.contains(taskId)) {
            if (ahead.downstream == null) {
                ahead.downstream = edgesFrom("depends_on_id", "task_id", List.copyOf(ahead.upstream));
            }
            return ahead.downstream.getOrDefault(taskId, List.of());
        }
        return downstreamOf(taskId);
    }

    private List<UUID> downstreamOf(UUID taskId) {
        return jdbc.prepareStatement("SELECT task_id FROM task_dependencies WHERE depends_on_id = ? ORDER BY task_id",
                ps -> {
                    ps.setObject(1, taskId);
                    List<UUID> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getObject(1, UUID.class));
                        }
                    }
                    return out;
                });
    }
}
