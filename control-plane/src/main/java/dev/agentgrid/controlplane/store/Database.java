package dev.agentgrid.controlplane.store;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

/** Which database the plane runs on, for the few statements written differently for each; asked once. */
@Singleton
public class Database {
    private final JdbcOperations jdbc;
    private volatile Boolean postgres;

    public Database(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** Whether it is PostgreSQL (else the embedded H2). */
    public boolean postgres() {
        Boolean known = postgres;
        if (known == null) {
            known = "PostgreSQL".equals(jdbc.execute(connection -> connection.getMetaData().getDatabaseProductName()));
            postgres = known;
        }
        return known;
    }
}
