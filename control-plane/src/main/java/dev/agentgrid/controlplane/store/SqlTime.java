package dev.agentgrid.controlplane.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Instants as statement parameters, typed {@code TIMESTAMP WITH TIME ZONE} (the type of every
 * time column). Why typed: a {@link java.sql.Timestamp} parameter goes to PostgreSQL untyped, so
 * the driver describes the statement first; once a statement is described and its rows have a
 * column of unbounded size (text), the driver sends a Sync round trip of its own before every
 * execution of it. Dispatch reads paid that on every create and every round.
 */
public final class SqlTime {
    private SqlTime() {
    }

    /** Sets parameter {@code index} to {@code value}, or to NULL. */
    public static void set(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, param(value));
        }
    }

    /** {@code value} as an object to pass to {@link PreparedStatement#setObject(int, Object)}. */
    public static OffsetDateTime param(Instant value) {
        return OffsetDateTime.ofInstant(value, ZoneOffset.UTC);
    }
}
