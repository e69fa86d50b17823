package dev.agentgrid.controlplane.task;

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
        Map<UUID, List<UUID>> out = new LinkedHashMap<>();
        if (taskIds.isEmpty()) {
            return out;
        }
        String in = "?,".repeat(taskIds.size());
        return jdbc.prepareStatement("SELECT task_id, depends_on_id FROM task_dependencies WHERE task_id IN ("
                + in.substring(0, in.length() - 1) + ") ORDER BY task_id, depends_on_id", ps -> {
                    int i = 1;
                    for (UUID id : taskIds) {
                        ps.setObject(i++, id);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
                                    .add(rs.getObject(2, UUID.class));
                        }
                    }
                    return out;
                });
    }

    /** The tasks that wait for {@code taskId}. */
    public List<UUID> downstreamOf(UUID taskId) {
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
