package dev.agentgrid.controlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.controlplane.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * On PostgreSQL the dispatcher's index holds only PENDING tasks (V5, which leaves H2 as it is):
 * finished tasks never enter it, the dispatcher's and liveness monitor's reads still use an index
 * when most tasks are finished, and lease renewals stay HOT updates.
 */
@EnabledIfSystemProperty(named = TestDatabases.POSTGRES_ENABLED, matches = "true")
class PendingDispatchIndexTest {

    @Test
    void finishedTasksStayOutOfTheDispatchIndexAndTheHotReadsUseIndexes() throws SQLException {
        try (Connection c = migratedDatabase(); Statement s = c.createStatement()) {
            UUID project = insertProject(s);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO tasks (id, project_id, agent_type, instructions,"
                    + " input_json, status, status_reason, attempt, max_attempts, retry_initial_ms, retry_coefficient,"
                    + " retry_max_ms, timeout_ms, priority, label_selector_json, requires_approval, approval_question,"
                    + " unfinished_deps, worker_id, lease_expires_at, created_at, updated_at) VALUES (?, ?, 't', '', '{}',"
                    + " ?, '', 1, 1, 1000, 2.0, 1000, 1000, 0, '{}', FALSE, '', 0, ?, ?, CURRENT_TIMESTAMP,"
                    + " CURRENT_TIMESTAMP)")) {
                for (int i = 0; i < 20_000; i++) {
                    String status = i % 100 == 0 ? "PENDING" : i % 100 == 1 ? "RUNNING" : "COMPLETED";
                    ps.setObject(1, UUID.randomUUID());
                    ps.setObject(2, project);
                    ps.setString(3, status);
                    ps.setString(4, status.equals("PENDING") ? null : "w");
                    ps.setObject(5, status.equals("RUNNING") ? java.time.OffsetDateTime.now() : null);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            s.execute("ANALYZE tasks");
            long indexed = scalar(s, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'tasks_dispatch_idx'");
            assertTrue(indexed <= 200, "only the 200 PENDING tasks are indexed, not " + indexed);
            assertTrue(plan(s, "SELECT id FROM tasks WHERE status = 'PENDING' AND agent_type = 't'"
                    + " AND unfinished_deps = 0 ORDER BY priority DESC, created_at, id LIMIT 16")
                    .contains("tasks_dispatch_idx"), "candidates read by the dispatch index");
            String leases = plan(s, "SELECT id FROM tasks WHERE status IN ('ASSIGNED', 'RUNNING', 'WAITING_FOR_HITL')"
                    + " AND lease_expires_at IS NOT NULL AND lease_expires_at < now() ORDER BY lease_expires_at");
            assertTrue(leases.contains("Index") && !leases.contains("Seq Scan on tasks"),
                    "expired leases read through an index:\n" + leases);
            // Heartbeats renew every held task's lease each interval: with the column in an index
            // those updates could not be HOT and would write every index of the table.
            assertEquals(0, scalar(s, "SELECT COUNT(*) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                    + " AND a.attnum = ANY (i.indkey) WHERE i.indrelid = 'tasks'::regclass"
                    + " AND a.attname = 'lease_expires_at'"), "lease_expires_at is in no index");
        }
    }

    /**
     * Right after a burst of creates autovacuum has not analyzed the table yet, and PostgreSQL
     * guessed one pending task: with an index over every status that also matched the candidates
     * read, it read all pending tasks through it and sorted them, every round (V7).
     */
    @Test
    void candidatesAreReadInIndexOrderBeforeTheTableIsAnalyzed() throws SQLException {
        try (Connection c = migratedDatabase(); Statement s = c.createStatement()) {
            s.execute("ANALYZE tasks"); // as a fresh plane's table: analyzed while (nearly) empty
            UUID project = insertProject(s);
            s.execute("INSERT INTO tasks (id, project_id, agent_type, instructions, input_json, status, status_reason,"
                    + " attempt, max_attempts, retry_initial_ms, retry_coefficient, retry_max_ms, timeout_ms, priority,"
                    + " label_selector_json, requires_approval, approval_question, unfinished_deps, worker_id,"
                    + " finished_at, created_at, updated_at)"
                    + " SELECT gen_random_uuid(), '" + project + "', 'burst', '', '{}', CASE WHEN i % 10 = 0 THEN"
                    + " 'COMPLETED' ELSE 'PENDING' END, '', 1, 1, 1000, 2.0, 1000, 1000, 0, '{}', FALSE, '', 0,"
                    + " CASE WHEN i % 10 = 0 THEN 'w' END, CASE WHEN i % 10 = 0 THEN CURRENT_TIMESTAMP END,"
                    + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM generate_series(1, 20000) i");
            String candidates = plan(s, "(SELECT id, agent_type, priority, created_at, label_selector_json FROM tasks"
                    + " WHERE status = 'PENDING' AND agent_type = 'burst' AND unfinished_deps = 0"
                    + " AND (not_before IS NULL OR not_before <= now()) ORDER BY priority DESC, created_at, id LIMIT 64)");
            assertTrue(candidates.contains("tasks_dispatch_idx") && !candidates.contains("Sort"),
                    "candidates read in the dispatch index's order, not sorted:\n" + candidates);
            // The agent status reads still seek their (now partial) indexes.
            assertTrue(plan(s, "SELECT id, updated_at FROM tasks WHERE status = 'RUNNING' AND agent_type = 'burst'"
                    + " ORDER BY updated_at DESC LIMIT 1").contains("tasks_agent_activity_idx"), "current task");
            assertTrue(plan(s, "SELECT id, status, error_message, finished_at FROM tasks WHERE agent_type = 'burst'"
                    + " AND finished_at IS NOT NULL ORDER BY finished_at DESC, id DESC LIMIT 1")
                    .contains("tasks_agent_finished_idx"), "last finished task");
            assertTrue(plan(s, "SELECT id FROM tasks WHERE worker_id = 'w' AND status IN ('ASSIGNED', 'RUNNING',"
                    + " 'WAITING_FOR_HITL') ORDER BY id").contains("tasks_worker_idx"), "a worker's held tasks");
        }
    }

    /** A connection to a new PostgreSQL database with every migration applied. */
    private static Connection migratedDatabase() throws SQLException {
        Map<String, String> db = TestDatabases.postgres();
        String url = db.get("agentgrid.db.url");
        String user = db.get("agentgrid.db.user");
        String password = db.get("agentgrid.db.password");
        Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").load().migrate();
        return DriverManager.getConnection(url, user, password);
    }

    private static UUID insertProject(Statement s) throws SQLException {
        UUID project = UUID.randomUUID();
        s.execute("INSERT INTO projects (id, name, description, product_idea, template_id, status, status_reason,"
                + " created_at, updated_at) VALUES ('" + project + "', 'p', '', '', '', 'ACTIVE', '',"
                + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
        return project;
    }

    private static long scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String plan(Statement s, String sql) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
        }
        return out.toString();
    }
}
