package dev.agentgrid.controlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentgrid.controlplane.testing.CountingProxy;
import dev.agentgrid.controlplane.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes sent before a query in one prepared statement ({@link SqlWrite#before}, as the event
 * append sends a creating transaction's task rows): on PostgreSQL one round trip for them all,
 * every write applied, and a failing write fails the whole.
 */
class SqlWriteTest {
    private static final String COUNTER = "WITH s AS (UPDATE counter SET n = n + ? WHERE id = 1 RETURNING n) SELECT n FROM s";

    @Test
    void theStatementTextIsTheWritesThenTheQueryAndIsMadeOncePerCombination() {
        SqlWrite a = new SqlWrite("INSERT INTO a VALUES (?)", (ps, i) -> i + 1);
        SqlWrite b = new SqlWrite("UPDATE b SET n = ?", (ps, i) -> i + 1);
        String text = SqlWrite.before(List.of(a, b), COUNTER);
        assertEquals("INSERT INTO a VALUES (?); UPDATE b SET n = ?; " + COUNTER, text);
        assertSame(text, SqlWrite.before(List.of(new SqlWrite(a.sql(), (ps, i) -> i), b), COUNTER),
                "the same texts in the same order: the text made before");
        assertEquals("UPDATE b SET n = ?; INSERT INTO a VALUES (?); " + COUNTER, SqlWrite.before(List.of(b, a), COUNTER));
        assertSame(COUNTER, SqlWrite.before(List.of(), COUNTER), "no writes: the query alone");
    }

    @Test
    @EnabledIfSystemProperty(named = TestDatabases.POSTGRES_ENABLED, matches = "true")
    void writesAndTheQueryAfterThemAreOneRoundTripOnPostgres() throws Exception {
        try (CountingProxy proxy = CountingProxy.toNewPostgres()) {
            try (Connection c = proxy.connect()) {
                createTables(c);
                c.setAutoCommit(false);
                for (int round = 0; round < 10; round++) { // past the driver's prepare threshold
                    assertEquals(2L * (round + 1), writeTwoRowsAndCount(c, round));
                }
                int before = proxy.clientWrites();
                assertEquals(22L, writeTwoRowsAndCount(c, 10));
                assertEquals(1, proxy.clientWrites() - before, "two inserts and the counter's update and read");
                c.commit();
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT count(*), min(label) FROM rows_written")) {
                    rs.next();
                    assertEquals(22, rs.getInt(1));
                    assertEquals("row 0", rs.getString(2));
                }
                // A failing write (a duplicate key) fails the statement: the query after it does not run.
                assertThrows(SQLException.class, () -> writeTwoRowsAndCount(c, 10));
                c.rollback();
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT n FROM counter")) {
                    rs.next();
                    assertEquals(22, rs.getLong(1));
                }
            }
        }
    }

    /**
     * The event append can end its transaction: a COMMIT after the query goes in the same round
     * trip, and the driver's own commit then sends nothing (no transaction is open). If a write
     * fails, the COMMIT does not run and the transaction rolls back as usual.
     */
    @Test
    @EnabledIfSystemProperty(named = TestDatabases.POSTGRES_ENABLED, matches = "true")
    void aCommitAfterTheQueryEndsTheTransactionInTheSameRoundTrip() throws Exception {
        try (CountingProxy proxy = CountingProxy.toNewPostgres();
                Connection c = proxy.connect();
                Connection other = proxy.connectDirectly()) {
            createTables(c);
            c.setAutoCommit(false);
            for (int round = 0; round < 10; round++) { // past the driver's prepare threshold
                assertEquals(2L * (round + 1), writeTwoRowsAndCount(c, round, COUNTER + "; COMMIT"));
                c.commit();
            }
            assertEquals(20L, counter(c));
            int before = proxy.clientWrites();
            assertEquals(22L, writeTwoRowsAndCount(c, 10, COUNTER + "; COMMIT"));
            assertEquals(1, proxy.clientWrites() - before, "BEGIN, two inserts, the counter, COMMIT");
            assertEquals(22L, counter(other), "committed: another connection sees it");
            c.commit();
            assertEquals(1, proxy.clientWrites() - before, "the driver's commit sends nothing");

            assertThrows(SQLException.class, () -> writeTwoRowsAndCount(c, 10, COUNTER + "; COMMIT"),
                    "a duplicate key");
            c.rollback();
            assertEquals(22L, counter(other), "the failed transaction did not commit");
            assertEquals(22L, counter(c), "and the connection goes on");
            c.commit();
        }
    }

    private static void createTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE rows_written (id INT PRIMARY KEY, label TEXT)");
            s.execute("CREATE TABLE counter (id INT PRIMARY KEY, n BIGINT NOT NULL)");
            s.execute("INSERT INTO counter VALUES (1, 0)");
        }
    }

    private static long counter(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT n FROM counter")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Two rows with ids {@code 2 * round} and the next, then the counter raised by 2; returns it. */
    private static long writeTwoRowsAndCount(Connection c, int round) throws SQLException {
        return writeTwoRowsAndCount(c, round, COUNTER);
    }

    private static long writeTwoRowsAndCount(Connection c, int round, String query) throws SQLException {
        List<SqlWrite> writes = List.of(row(2 * round), row(2 * round + 1));
        try (PreparedStatement ps = c.prepareStatement(SqlWrite.before(writes, query))) {
            int i = SqlWrite.bindAll(writes, ps);
            ps.setLong(i, 2);
            try (ResultSet rs = SqlWrite.executeForRows(ps)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static SqlWrite row(int id) {
        return new SqlWrite("INSERT INTO rows_written (id, label) VALUES (?, ?)", (ps, from) -> {
            ps.setInt(from, id);
            ps.setString(from + 1, "row " + id);
            return from + 2;
        });
    }
}
