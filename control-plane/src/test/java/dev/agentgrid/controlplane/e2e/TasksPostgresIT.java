package dev.agentgrid.controlplane.e2e;

import dev.agentgrid.controlplane.testing.TestDatabases;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** {@link TaskScenarios} on PostgreSQL (a fresh database for the class). */
@EnabledIfSystemProperty(named = TestDatabases.POSTGRES_ENABLED, matches = "true")
class TasksPostgresIT extends TaskScenarios {
    @Override
    protected boolean onPostgres() {
        return true;
    }
}
