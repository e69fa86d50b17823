package dev.agentgrid.controlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentgrid.controlplane.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The migration that adds {@code worker_slots} counts what each worker already holds, so a plane
 * upgraded with attempts in flight never places more than a worker's slots.
 */
class HeldSlotsMigrationTest {
    private static final UUID BUSY_SESSION = UUID.fromString("5e55e55e-0000-4000-8000-000000000001");

    @Test
    void onH2() throws SQLException {
        check("jdbc:h2:mem:held_" + UUID.randomUUID().toString().replace("-", "")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa", "");
    }

    @Test
    @EnabledIfSystemProperty(named = TestDatabases.POSTGRES_ENABLED, matches = "true")
    void onPostgres() throws SQLException {
        Map<String, String> db = TestDatabases.postgres();
        check(db.get("agentgrid.db.url"), db.get("agentgrid.db.user"), db.get("agentgrid.db.password"));
    }

    private static void check(String url, String user, String password) throws SQLException {
        Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").target("3").load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            UUID project = UUID.randomUUID();
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO projects (id, name, description, product_idea, template_id, status, status_reason,"
                        + " created_at, updated_at) VALUES ('" + project + "', 'p', '', '', '', 'ACTIVE', '',"
                        + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
                for (String w : new String[] {"busy", "idle"}) {
                    s.execute("INSERT INTO workers (id, name, hostname, version, labels_json, agent_types_json, slots,"
                            + " status, inventory_json, session_id, created_at, updated_at) VALUES ('" + w + "', '" + w
                            + "', 'h', '1', '{}', '[\"t\"]', 8, 'ONLINE', '{}', "
                            + (w.equals("busy") ? "'" + BUSY_SESSION + "'" : "NULL")
                            + ", CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
                }
            }
            // busy holds three (one of each held status); its finished and released tasks do not count.
            String[][] tasks = {{"ASSIGNED", "busy"}, {"RUNNING", "busy"}, {"WAITING_FOR_HITL", "busy"},
                {"COMPLETED", "busy"}, {"FAILED", "busy"}, {"PENDING", null}, {"COMPLETED", "idle"}};
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO tasks (id, project_id, agent_type, instructions,"
                    + " input_json, status, status_reason, attempt, max_attempts, retry_initial_ms, retry_coefficient,"
                    + " retry_max_ms, timeout_ms, priority, label_selector_json, requires_approval, approval_question,"
                    + " unfinished_deps, worker_id, created_at, updated_at) VALUES (?, ?, 't', '', '{}', ?, '', 1, 1,"
                    + " 1000, 2.0, 1000, 1000, 0, '{}', FALSE, '', 0, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")) {
                for (String[] t : tasks) {
                    ps.setObject(1, UUID.randomUUID());
                    ps.setObject(2, project);
                    ps.setString(3, t[0]);
                    ps.setString(4, t[1]);
                    ps.executeUpdate();
                }
            }
        }
        Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").load().migrate();
        Map<String, String> slots = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(url, user, password);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT worker_id, held, slots, session_id FROM worker_slots")) {
            while (rs.next()) {
                slots.put(rs.getString(1), rs.getInt(2) + " of " + rs.getInt(3) + ", session " + rs.getObject(4));
            }
        }
        // The later migration copies each worker's slots and session onto its slot row.
        assertEquals(Map.of("busy", "3 of 8, session " + BUSY_SESSION, "idle", "0 of 8, session null"), slots);
    }
}
