package dev.agentgrid.controlplane.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What PostgreSQL says about lock waits, read over a test's own connection. */
public final class PostgresLocks {
    private PostgresLocks() {
    }

    /** Sessions of the connection's database waiting for a lock. */
    public static long waiters(Connection c) {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        + " AND datname = current_database()")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
