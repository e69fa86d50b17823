package dev.agentgrid.controlplane.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentgrid.controlplane.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * {@link NewlyCreated#UPSTREAM_ORDER} is the order both databases sort uuids in, so a task placed
 * at its creation lists its handoffs as a dispatch round (which reads the stored edges) would.
 * Java's own {@code UUID.compareTo} is not: it compares signed halves.
 */
class NewlyCreatedOrderTest {
    @Test
    void upstreamOrderIsH2sUuidOrder() throws SQLException {
        try (Connection c = TestDatabases.h2Connection()) {
            sortsAsTheDatabase(c);
        }
    }

    @Test
    @EnabledIfSystemProperty(named = TestDatabases.POSTGRES_ENABLED, matches = "true")
    void upstreamOrderIsPostgresUuidOrder() throws SQLException {
        try (Connection c = TestDatabases.postgresConnection()) {
            sortsAsTheDatabase(c);
        }
    }

    private static void sortsAsTheDatabase(Connection c) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            ids.add(new UUID(random.nextLong(), random.nextLong()));
        }
        // Halves with the sign bit set and clear, equal high halves: where signed and unsigned differ.
        ids.add(new UUID(Long.MIN_VALUE, 1));
        ids.add(new UUID(Long.MAX_VALUE, -1));
        ids.add(new UUID(5, Long.MIN_VALUE));
        ids.add(new UUID(5, Long.MAX_VALUE));
        ids.add(new UUID(-1, -1));
        ids.add(new UUID(0, 0));
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE uuid_order (id UUID PRIMARY KEY)");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO uuid_order (id) VALUES (?)")) {
            for (UUID id : ids) {
                ps.setObject(1, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        List<UUID> stored = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM uuid_order ORDER BY id")) {
            while (rs.next()) {
                stored.add(rs.getObject(1, UUID.class));
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE uuid_order");
        }
        assertEquals(stored, ids.stream().sorted(NewlyCreated.UPSTREAM_ORDER).toList());
    }
}
