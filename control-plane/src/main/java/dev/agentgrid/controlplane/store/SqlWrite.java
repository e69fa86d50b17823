package dev.agentgrid.controlplane.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A statement whose only result a transaction needs is that it succeeded, so it can be sent
 * later, together with others ({@link Changes#writeWithEvents}).
 *
 * @param sql one statement, without a terminating semicolon
 * @param binder binds its parameters
 */
public record SqlWrite(String sql, Binder binder) {
    /**
     * Most rows a caller sends with the events (more go at once, in a JDBC batch): each count
     * makes another statement text, which the driver prepares on its own.
     */
    public static final int MAX_ROWS = 8;

    /**
     * The statement texts made so far, by their parts: callers' texts are constants, and few of
     * them combine (a few row counts of a few writes). Building the text for every transaction
     * was about 5 % of the plane's allocation in the latency benchmark (JFR). Past
     * {@link #MAX_TEXTS} texts, new ones are built each time instead of kept.
     */
    private static final Map<List<String>, String> TEXTS = new ConcurrentHashMap<>();
    private static final int MAX_TEXTS = 1024;

    /** Binds a statement's parameters from a position on (it may share its prepared statement). */
    @FunctionalInterface
    public interface Binder {
        /** @return the position after the last parameter bound */
        int bind(PreparedStatement ps, int from) throws SQLException;
    }

    /**
     * One prepared statement of {@code writes} and then {@code query}: the PostgreSQL driver sends
     * its statements as one pipeline, so they cost one round trip. Bind with {@link #bindAll},
     * then the query's parameters; read with {@link #executeForRows}.
     */
    public static String before(List<SqlWrite> writes, String query) {
        if (writes.isEmpty()) {
            return query;
        }
        List<String> parts = new ArrayList<>(writes.size() + 1);
        writes.forEach(w -> parts.add(w.sql()));
        parts.add(query);
        String text = TEXTS.get(parts);
        if (text == null) {
            text = String.join("; ", parts);
            if (TEXTS.size() < MAX_TEXTS) {
                TEXTS.putIfAbsent(parts, text);
            }
        }
        return text;
    }

    /** Binds every write's parameters from position 1; returns the position after them. */
    public static int bindAll(List<SqlWrite> writes, PreparedStatement ps) throws SQLException {
        int i = 1;
        for (SqlWrite w : writes) {
            i = w.binder().bind(ps, i);
        }
        return i;
    }

    /** Executes a statement made by {@link #before}: skips the writes' update counts; the query's rows. */
    public static ResultSet executeForRows(PreparedStatement ps) throws SQLException {
        boolean rows = ps.execute();
        while (!rows) {
            if (ps.getUpdateCount() == -1) {
                throw new SQLException("the statement after the writes returned no rows");
            }
            rows = ps.getMoreResults();
        }
        return ps.getResultSet();
    }
}
