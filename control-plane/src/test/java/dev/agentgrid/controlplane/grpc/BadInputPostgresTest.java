package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.testing.TestDatabases;
import io.micronaut.test.support.TestPropertyProvider;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** {@link BadInputTest} on a fresh PostgreSQL database; runs with {@code -Dagentgrid.test.postgres=true}. */
@EnabledIfSystemProperty(named = TestDatabases.POSTGRES_ENABLED, matches = "true")
class BadInputPostgresTest extends BadInputTest implements TestPropertyProvider {
    @Override
    public Map<String, String> getProperties() {
        return TestDatabases.postgres();
    }
}
