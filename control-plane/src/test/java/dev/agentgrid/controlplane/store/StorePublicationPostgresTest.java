package dev.agentgrid.controlplane.store;

import dev.agentgrid.controlplane.testing.TestDatabases;
import io.micronaut.test.support.TestPropertyProvider;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Publication order and nested writes on PostgreSQL, where an append commits in its own round trip. */
@EnabledIfSystemProperty(named = TestDatabases.POSTGRES_ENABLED, matches = "true")
class StorePublicationPostgresTest extends StorePublicationTest implements TestPropertyProvider {
    @Override
    public Map<String, String> getProperties() {
        return TestDatabases.postgres();
    }
}
