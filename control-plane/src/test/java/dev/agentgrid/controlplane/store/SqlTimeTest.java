package dev.agentgrid.controlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.agentgrid.controlplane.testing.CountingProxy;
import dev.agentgrid.controlplane.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Instants bound by {@link SqlTime} read back equal on both databases, and cost PostgreSQL no extra round trip. */
class SqlTimeTest {
    private static final Instant AT = Instant.parse("2026-03-29T01:30:00.123456Z"); // a DST change in Europe

    @Test
    void instantsAndNullsReadBackEqualOnH2() throws SQLException {
        try (Connection c = TestDatabases.h2Connection()) {
            readsBackEqual(c);
        }
    }

    @Test
    @EnabledIfSystemProperty(named = TestDatabases.POSTGRES_ENABLED, matches = "true")
    void instantsAndNullsReadBackEqualOnPostgres() throws SQLException {
        try (Connection c = TestDatabases.postgresConnection()) {
            readsBackEqual(c);
        }
    }

    private static void readsBackEqual(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE times (id INT PRIMARY KEY, at TIMESTAMP WITH TIME ZONE)");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO times (id, at) VALUES (?, ?)")) {
            ps.setInt(1, 1);
            SqlTime.set(ps, 2, AT);
            ps.executeUpdate();
            ps.setInt(1, 2);
            SqlTime.setNullable(ps, 2, null);
            ps.executeUpdate();
            ps.setInt(1, 3);
            SqlTime.setNullable(ps, 2, AT.minusSeconds(1));
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id, at FROM times WHERE at <= ? OR at IS NULL ORDER BY id")) {
            SqlTime.set(ps, 1, AT);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(AT, rs.getTimestamp(2).toInstant(), "microseconds and zone kept");
                rs.next();
                assertNull(rs.getTimestamp(2));
                rs.next();
                assertEquals(AT.minusSeconds(1), rs.getTimestamp(2).toInstant(), "nullable, with a value");
            }
        }
    }

    /**
     * The dispatch reads' shape: a time parameter and a text column in the rows. Bound as a
     * {@link Timestamp} (untyped), the driver sent a Sync of its own before every execution once
     * it had described the statement, two round trips instead of one; bound typed, one.
     */
    @Test
    @EnabledIfSystemProperty(named = TestDatabases.POSTGRES_ENABLED, matches = "true")
    void aReadWithATimeParameterIsOneRoundTripOnPostgres() throws Exception {
        try (CountingProxy proxy = CountingProxy.toNewPostgres()) {
            try (Connection c = proxy.connect()) {
                c.setAutoCommit(false);
                String sql = "SELECT 'a label selector'::text AS label, ?::timestamptz AS at";
                assertEquals(1, roundTripsPerRead(c, proxy, sql, ps -> SqlTime.set(ps, 1, AT)), "typed");
                assertEquals(2, roundTripsPerRead(c, proxy, sql + " -- untyped",
                        ps -> ps.setTimestamp(1, Timestamp.from(AT))), "untyped, as it was: the proxy sees the extra Sync");
                c.rollback();
            }
        }
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Client-to-server flushes per execution once the statement is server-prepared (after 5 uses). */
    private static int roundTripsPerRead(Connection c, CountingProxy proxy, String sql, Binder binder)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < 10; i++) {
                read(ps, binder);
            }
            int before = proxy.clientWrites();
            int n = 20;
            for (int i = 0; i < n; i++) {
                read(ps, binder);
            }
            return Math.round((proxy.clientWrites() - before) / (float) n);
        }
    }

    private static void read(PreparedStatement ps, Binder binder) throws SQLException {
        binder.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertEquals("a label selector", rs.getString(1));
        }
    }
}
