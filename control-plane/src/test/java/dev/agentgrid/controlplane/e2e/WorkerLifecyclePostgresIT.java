package dev.agentgrid.controlplane.e2e;

import dev.agentgrid.controlplane.testing.TestDatabases;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** {@link WorkerLifecycleScenarios} on PostgreSQL (a fresh database for the class). */
@EnabledIfSystemProperty(named = TestDatabases.POSTGRES_ENABLED, matches = "true")
class WorkerLifecyclePostgresIT extends WorkerLifecycleScenarios {
    @Override
    protected boolean onPostgres() {
        return true;
    }
}
