package dev.agentgrid.controlplane.testing;

import dev.agentgrid.controlplane.store.Store;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import java.sql.SQLException;

/** Names the database a test context really talks to, so a PostgreSQL test cannot pass on H2. */
public final class DatabaseProduct {
    private DatabaseProduct() {
    }

    /** The JDBC product name, e.g. "PostgreSQL" or "H2". */
    public static String of(Store store, JdbcOperations jdbc) {
        return store.read(() -> {
            try {
                return jdbc.getConnection().getMetaData().getDatabaseProductName();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
