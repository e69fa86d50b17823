package dev.agentgrid.controlplane.task;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A read the dispatcher asks a creating transaction to send together with its project lock, so
 * that both cost one round trip: the stored pending tasks the new ones are placed among. Made
 * before the transaction's first statement, from what this replica knows (its workers and their
 * held slots), and used by {@link DispatchSignal#placeNow} later in the same transaction.
 */
public interface PlacementRead {
    /** Nothing to read ahead: the dispatcher reads what it needs when it places. */
    PlacementRead NONE = new PlacementRead() {
        @Override
        public String sql() {
            return null;
        }

        @Override
        public int bind(PreparedStatement ps, int from) {
            return from;
        }

        @Override
        public void read(ResultSet rs) {
            throw new IllegalStateException("nothing to read");
        }
    };

    /** The query (one statement, without a semicolon), or null for none. */
    String sql();

    /** Binds the query's parameters from position {@code from}; returns the position after them. */
    int bind(PreparedStatement ps, int from) throws SQLException;

    /** Takes the query's rows. */
    void read(ResultSet rs) throws SQLException;
}
