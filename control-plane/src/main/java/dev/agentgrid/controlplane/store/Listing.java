package dev.agentgrid.controlplane.store;

import dev.agentgrid.controlplane.common.PageToken;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * A filtered, keyset-paginated listing of one table ordered by {@code (created_at, id)}: pages stay
 * stable while rows are added, and no page costs more than its own rows.
 *
 * @param <E> the row's entity type
 */
public final class Listing<E> {
    private final JdbcOperations jdbc;
    private final String table;
    private final Class<E> type;
    private final Function<E, PageToken> cursorOf;
    private final Function<String, Object> idOf;
    private final StringBuilder where = new StringBuilder();
    private String columns = "*";
    private final List<Object> args = new ArrayList<>();

    /**
     * @param cursorOf the cursor of a row (its created_at and id)
     * @param idOf turns a cursor's id back into the column's type
     */
    public Listing(JdbcOperations jdbc, String table, Class<E> type, Function<E, PageToken> cursorOf,
            Function<String, Object> idOf) {
        this.jdbc = jdbc;
        this.table = table;
        this.type = type;
        this.cursorOf = cursorOf;
        this.idOf = idOf;
    }

    /** Reads these columns (SQL select list) instead of every column, e.g. to leave large ones out. */
    public Listing<E> columns(String selectList) {
        this.columns = selectList;
        return this;
    }

    /** Adds {@code column = value} unless value is null. */
    public Listing<E> whereEquals(String column, Object value) {
        if (value != null) {
            where.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
        return this;
    }

    /** Adds {@code column IN (values)} unless values is empty. */
    public Listing<E> whereIn(String column, Collection<?> values) {
        if (!values.isEmpty()) {
            where.append(" AND ").append(column).append(" IN (").append("?,".repeat(values.size()));
            where.setLength(where.length() - 1);
            where.append(')');
            args.addAll(values);
        }
        return this;
    }

    /** Reads one page, oldest first or newest first. */
    public Page<E> page(int size, PageToken token, boolean newestFirst) {
        StringBuilder sql = new StringBuilder("SELECT ").append(columns).append(" FROM ").append(table).append(" WHERE 1 = 1").append(where);
        List<Object> all = new ArrayList<>(args);
        if (token != null) {
            String cmp = newestFirst ? "<" : ">";
            sql.append(" AND (created_at ").append(cmp).append(" ? OR (created_at = ? AND id ").append(cmp).append(" ?))");
            all.add(SqlTime.param(token.time()));
            all.add(SqlTime.param(token.time()));
            all.add(token.parseId(idOf));
        }
        String dir = newestFirst ? " DESC" : "";
        sql.append(" ORDER BY created_at").append(dir).append(", id").append(dir).append(" LIMIT ").append(size + 1);
        List<E> rows = jdbc.prepareStatement(sql.toString(), ps -> {
            for (int i = 0; i < all.size(); i++) {
                ps.setObject(i + 1, all.get(i));
            }
            List<E> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(jdbc.readEntity(rs, type));
                }
            }
            return out;
        });
        if (rows.size() <= size) {
            return new Page<>(rows, null);
        }
        List<E> page = rows.subList(0, size);
        return new Page<>(List.copyOf(page), cursorOf.apply(page.get(size - 1)));
    }

    /** Counts the rows matching the filters. */
    public long count() {
        return jdbc.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE 1 = 1" + where, ps -> {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** One page of rows and the cursor of the next page (null on the last). */
    public record Page<E>(List<E> items, PageToken next) {
    }

    /** A cursor from a row's time and id. */
    public static PageToken cursor(Instant createdAt, Object id) {
        return new PageToken(createdAt, id.toString());
    }
}
