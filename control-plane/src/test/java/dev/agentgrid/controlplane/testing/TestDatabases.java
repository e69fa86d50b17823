package dev.agentgrid.controlplane.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * Databases for tests: each caller gets its own, so runs never share state. PostgreSQL databases
 * are created on the server named by {@code AGENTGRID_TEST_PG_URL} (default: the local one) and
 * dropped when the JVM exits.
 */
public final class TestDatabases {
    /** System property that turns the PostgreSQL variants of the tests on (CI sets it). */
    public static final String POSTGRES_ENABLED = "agentgrid.test.postgres";

    private static final String ADMIN_URL = env("AGENTGRID_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String USER = env("AGENTGRID_TEST_PG_USER", "postgres");
    private static final String PASSWORD = env("AGENTGRID_TEST_PG_PASSWORD", "");

    private TestDatabases() {
    }

    /** Properties pointing the control plane at a new, empty PostgreSQL database. */
    public static Map<String, String> postgres() {
        String name = "agentgrid_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + ADMIN_URL + " is required for the PostgreSQL tests"
                    + " (unset -D" + POSTGRES_ENABLED + " to skip them): " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(name)));
        String url = ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + name;
        return Map.of("agentgrid.db.url", url, "agentgrid.db.user", USER, "agentgrid.db.password", PASSWORD);
    }

    /** A connection to a new, empty PostgreSQL database ({@link #postgres}). */
    public static Connection postgresConnection() throws SQLException {
        Map<String, String> db = postgres();
        return DriverManager.getConnection(db.get("agentgrid.db.url"), db.get("agentgrid.db.user"),
                db.get("agentgrid.db.password"));
    }

    /** A connection to a new, empty in-memory H2 database (gone when the connection closes). */
    public static Connection h2Connection() throws SQLException {
        return DriverManager.getConnection("jdbc:h2:mem:test-" + UUID.randomUUID(), "sa", "");
    }

    private static void drop(String name) {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("could not drop test database " + name + ": " + e.getMessage());
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? fallback : v;
    }
}
