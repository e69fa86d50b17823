package dev.agentgrid.controlplane.testing;

import dev.agentgrid.controlplane.store.Store;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A control plane started for the test class on a random port, with a real gRPC channel to it.
 * Subclasses choose the database: H2 by default, PostgreSQL by implementing
 * {@link io.micronaut.test.support.TestPropertyProvider} with {@link TestDatabases#postgres()}.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ControlPlaneTestBase {
    private static final List<String> TABLES = List.of("projects", "tasks", "task_dependencies", "context_artifacts",
            "hitl_requests", "event_log", "workers", "worker_slots", "worker_metrics", "agent_statuses", "agent_status_history",
            "task_messages");

    @Inject
    protected GrpcEmbeddedServer server;
    @Inject
    protected JdbcOperations jdbc;
    @Inject
    protected Store store;
    @Inject
    protected io.micronaut.context.ApplicationContext ctx;

    protected GrpcClient client;

    @io.micronaut.context.annotation.Value("${agentgrid.db.url}")
    protected String databaseUrl;
    @io.micronaut.context.annotation.Value("${agentgrid.db.user}")
    protected String databaseUser;
    @io.micronaut.context.annotation.Value("${agentgrid.db.password:}")
    protected String databasePassword;

    /** A connection of the test's own to the plane's database, outside the plane's pool (e.g. to hold a lock). */
    protected java.sql.Connection openConnection() throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection(databaseUrl, databaseUser, databasePassword);
    }

    /** The database product this class must run on, as its configured URL says. */
    protected String expectedDatabase() {
        return databaseUrl.startsWith("jdbc:postgresql:") ? "PostgreSQL" : "H2";
    }

    @BeforeAll
    void openClient() {
        org.junit.jupiter.api.Assertions.assertEquals(expectedDatabase(), DatabaseProduct.of(store, jdbc),
                "the test runs on the database it claims");
        client = new GrpcClient(server.getPort());
    }

    /**
     * After every test: each worker has a slot row whose {@code held} is the number of attempts it
     * holds, as counted from the tasks (one statement, so one consistent view even while work goes on).
     */
    @AfterEach
    void heldSlotsMatchTheTasks() {
        List<String> wrong = store.read(() -> jdbc.prepareStatement("SELECT w.id, s.held, (SELECT COUNT(*)"
                + " FROM tasks t WHERE t.worker_id = w.id AND t.status IN ('ASSIGNED', 'RUNNING', 'WAITING_FOR_HITL'))"
                + " FROM workers w LEFT JOIN worker_slots s ON s.worker_id = w.id", ps -> {
                    List<String> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Object held = rs.getObject(2);
                            if (held == null || ((Number) held).longValue() != rs.getLong(3)) {
                                out.add(rs.getString(1) + ": held " + held + ", holds " + rs.getLong(3));
                            }
                        }
                    }
                    return out;
                }));
        org.junit.jupiter.api.Assertions.assertEquals(List.of(), wrong, "worker_slots out of step with the tasks");
    }

    @AfterAll
    void closeClient() throws InterruptedException {
        client.close();
    }

    /**
     * Everything a request could change, as one comparable value: row counts of every table, the
     * latest event sequence number and the latest update time of every mutable row.
     */
    protected List<Object> fingerprint() {
        // Agent statuses and project completion follow a change just after its commit: let them settle.
        derivedStateSettled();
        return store.read(() -> {
            List<Object> out = new ArrayList<>();
            for (String table : TABLES) {
                out.add(table + "=" + scalar("SELECT COUNT(*) FROM " + table));
            }
            out.add("seq=" + scalar("SELECT last_seq FROM event_sequence"));
            out.add("tasks.updated=" + scalar("SELECT MAX(updated_at) FROM tasks"));
            out.add("projects.updated=" + scalar("SELECT MAX(updated_at) FROM projects"));
            out.add("hitl.updated=" + scalar("SELECT MAX(updated_at) FROM hitl_requests"));
            out.add("agents.updated=" + scalar("SELECT MAX(last_activity) FROM agent_statuses"));
            return out;
        });
    }

    /** Waits until every agent status refresh asked for so far has been applied. */
    protected void derivedStateSettled() {
        try {
            org.junit.jupiter.api.Assertions.assertTrue(ctx.getBean(
                    dev.agentgrid.controlplane.agent.AgentStatusService.class).awaitIdle(java.time.Duration.ofSeconds(10)),
                    "agent statuses did not settle");
            org.junit.jupiter.api.Assertions.assertTrue(ctx.getBean(
                    dev.agentgrid.controlplane.project.ProjectCompletion.class).awaitIdle(java.time.Duration.ofSeconds(10)),
                    "project completion checks did not settle");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Object scalar(String sql) {
        return jdbc.prepareStatement(sql, ps -> {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1);
            }
        });
    }
}
