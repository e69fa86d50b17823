package dev.agentgrid.controlplane.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code IN (?, ?, ...)} lists for statements over many ids: in chunks of {@link #MAX} (a
 * statement's parameters are limited, and very long lists plan badly), with their placeholders
 * and binding.
 */
public final class InList {
    /** Most values one list holds. */
    public static final int MAX = 1000;

    private InList() {
    }

    /** {@code values} in consecutive chunks of at most {@link #MAX}. */
    public static <T> List<List<T>> chunks(List<T> values) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i += MAX) {
            out.add(values.subList(i, Math.min(values.size(), i + MAX)));
        }
        return out;
    }

    /** {@code ?,?,...,?} for {@code n} values. */
    public static String placeholders(int n) {
        return "?,".repeat(n - 1) + "?";
    }

    /** Binds {@code values} to parameters {@code 1..n}, as objects; returns the next index. */
    public static int bind(PreparedStatement ps, List<?> values) throws SQLException {
        int i = 1;
        for (Object v : values) {
            ps.setObject(i++, v);
        }
        return i;
    }
}
