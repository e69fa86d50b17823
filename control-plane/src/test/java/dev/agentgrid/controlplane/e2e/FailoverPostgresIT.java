package dev.agentgrid.controlplane.e2e;

import dev.agentgrid.controlplane.testing.TestDatabases;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** {@link FailoverScenarios} on PostgreSQL (a fresh database for the class). */
@EnabledIfSystemProperty(named = TestDatabases.POSTGRES_ENABLED, matches = "true")
class FailoverPostgresIT extends FailoverScenarios {
    @Override
    protected boolean onPostgres() {
        return true;
    }
}
