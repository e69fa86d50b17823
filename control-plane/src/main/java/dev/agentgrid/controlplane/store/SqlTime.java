package dev.agentgrid.controlplane.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * Instants as statement parameters. Two rules of the PostgreSQL driver decide how:
 * <ul>
 * <li>A {@link Timestamp} goes untyped, so the driver describes the statement first; once a
 * statement is described and its rows have a column of unbounded size (text), the driver sends a
 * Sync round trip of its own before every execution of it (dispatch reads paid that on every
 * create and every round). So a time that is never null goes typed ({@link #set}).</li>
 * <li>The driver sends a NULL time untyped too. With the task update's nullable times typed when
 * set, its trace showed it prepared again ("does not match new parameter types") whenever the
 * NULLs moved, at most task changes. So a column that may be NULL is bound untyped either way
 * ({@link #setNullable}), as before; such parameters are in writes, which return no rows.</li>
 * </ul>
 */
public final class SqlTime {
    private SqlTime() {
    }

    /** Sets parameter {@code index} to {@code value}, never null, typed {@code TIMESTAMP WITH TIME ZONE}. */
    public static void set(PreparedStatement ps, int index, Instant value) throws SQLException {
        ps.setObject(index, param(Objects.requireNonNull(value, "a time parameter")));
    }

    /** Sets parameter {@code index} to {@code value} or NULL, untyped either way. */
    public static void setNullable(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.TIMESTAMP);
        } else {
            ps.setTimestamp(index, Timestamp.from(value));
        }
    }

    /** {@code value} as an object to pass to {@link PreparedStatement#setObject(int, Object)}, typed. */
    public static OffsetDateTime param(Instant value) {
        return OffsetDateTime.ofInstant(value, ZoneOffset.UTC);
    }
}
