package dev.agentgrid.controlplane.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentgrid.controlplane.testing.Poll;
import dev.agentgrid.controlplane.testing.PostgresLocks;
import dev.agentgrid.controlplane.testing.TestDatabases;
import dev.agentgrid.controlplane.testing.WorkerDriver;
import dev.agentgrid.controlplane.worker.WorkerSessions;
import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectResponse;
import io.micronaut.test.support.TestPropertyProvider;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Many workers connecting or leaving while the database is slow hold no thread each: their
 * arrivals and departures wait in group commits, not on the threads that handle their streams
 * (ten thousand workers reconnecting after a plane restart meant thousands of blocked threads).
 * The test makes every write wait by holding the event sequence row's lock. PostgreSQL only: H2
 * gives up on a lock after its timeout.
 */
@EnabledIfSystemProperty(named = TestDatabases.POSTGRES_ENABLED, matches = "true")
class WorkerStormPostgresTest extends dev.agentgrid.controlplane.testing.ControlPlaneTestBase
        implements TestPropertyProvider {
    private static final int WORKERS = 40;
    private static final Duration WAIT = Duration.ofSeconds(15);
    @Override
    public Map<String, String> getProperties() {
        return TestDatabases.postgres();
    }

    @Test
    void workersArrivingAndLeavingWhileWritesWaitHoldNoThreads() throws Exception {
        String prefix = "storm-" + UUID.randomUUID().toString().substring(0, 8);
        WorkerSessions sessions = ctx.getBean(WorkerSessions.class);
        List<WorkerDriver> drivers = new ArrayList<>();
        try (Connection locker = openConnection()) {
            locker.setAutoCommit(false);
            holdSequenceLock(locker);
            for (int i = 0; i < WORKERS; i++) {
                WorkerDriver w = new WorkerDriver(client.channel);
                w.send(ConnectRequest.newBuilder().setHello(WorkerDriver.hello(prefix + "-" + i, 1, "storm")).build());
                drivers.add(w);
            }
            Poll.until(() -> attached(sessions, prefix), n -> n == WORKERS, WAIT);
            Poll.until(() -> PostgresLocks.waiters(locker), n -> n >= 1, WAIT);
            Poll.until(() -> threadsIn("hello"), n -> n == 0, Duration.ofSeconds(2));
            locker.commit();
            for (WorkerDriver w : drivers) {
                w.next(ConnectResponse::hasWelcome);
            }

            holdSequenceLock(locker);
            drivers.forEach(WorkerDriver::close);
            Poll.until(() -> attached(sessions, prefix), n -> n == 0, WAIT);
            Poll.until(() -> PostgresLocks.waiters(locker), n -> n >= 1, WAIT);
            Poll.until(() -> threadsIn("disconnected"), n -> n == 0, Duration.ofSeconds(2));
            locker.commit();
            Poll.until(() -> offline(prefix), n -> n == WORKERS, WAIT);
        } finally {
            drivers.forEach(WorkerDriver::close);
        }
    }

    private static void holdSequenceLock(Connection c) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT last_seq FROM event_sequence WHERE id = 1 FOR UPDATE");
        }
    }

    private static long attached(WorkerSessions sessions, String prefix) {
        return sessions.all().stream().filter(ch -> ch.workerId().startsWith(prefix)).count();
    }

    /** Threads of this JVM (the plane runs in it) inside a worker stream's {@code method}. */
    private static long threadsIn(String method) {
        return Thread.getAllStackTraces().values().stream().filter(stack -> {
            for (StackTraceElement e : stack) {
                if (e.getClassName().equals(WorkerStream.class.getName()) && e.getMethodName().equals(method)) {
                    return true;
                }
            }
            return false;
        }).count();
    }

    private long offline(String prefix) {
        return store.read(() -> jdbc.prepareStatement("SELECT COUNT(*) FROM workers WHERE id LIKE ? AND status = 'OFFLINE'",
                ps -> {
                    ps.setString(1, prefix + "-%");
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }));
    }
}
