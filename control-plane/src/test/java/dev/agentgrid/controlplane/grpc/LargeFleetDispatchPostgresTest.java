package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.testing.TestDatabases;
import io.micronaut.test.support.TestPropertyProvider;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Placement over a large fleet on PostgreSQL. */
@EnabledIfSystemProperty(named = TestDatabases.POSTGRES_ENABLED, matches = "true")
class LargeFleetDispatchPostgresTest extends LargeFleetDispatchTest implements TestPropertyProvider {
    @Override
    public Map<String, String> getProperties() {
        return TestDatabases.postgres();
    }
}
