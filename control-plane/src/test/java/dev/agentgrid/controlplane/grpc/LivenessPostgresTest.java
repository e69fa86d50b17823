package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.testing.FakeClockFactory;
import dev.agentgrid.controlplane.testing.TestDatabases;
import io.micronaut.test.support.TestPropertyProvider;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Liveness on PostgreSQL. */
@EnabledIfSystemProperty(named = TestDatabases.POSTGRES_ENABLED, matches = "true")
class LivenessPostgresTest extends LivenessTest implements TestPropertyProvider {
    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(TestDatabases.postgres());
        p.put(FakeClockFactory.PROPERTY, "true");
        return p;
    }
}
