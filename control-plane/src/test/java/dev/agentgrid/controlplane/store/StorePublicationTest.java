package dev.agentgrid.controlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import dev.agentgrid.controlplane.event.EventBus;
import dev.agentgrid.controlplane.testing.ControlPlaneTestBase;
import io.micronaut.transaction.TransactionOperations;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Writes from many threads at once reach the bus in sequence order, every number once (one
 * replica: no gaps), and a write inside a transaction that is not its own commits with that
 * transaction, not with its events. On H2 here; on PostgreSQL, where the append commits in its own
 * round trip, in {@link StorePublicationPostgresTest}.
 */
class StorePublicationTest extends ControlPlaneTestBase {
    private static final int THREADS = 8;
    private static final int WRITES = 100;

    @Test
    void concurrentWritesPublishEveryNumberOnceInSequenceOrder() throws Exception {
        String type = "publication-" + UUID.randomUUID();
        List<Long> seqs = new CopyOnWriteArrayList<>();
        long before = latestSeq();
        AtomicLong emitted = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (AutoCloseable sub = ctx.getBean(EventBus.class).subscribe(e -> {
            if (e.durable()) {
                seqs.add(e.seq());
            }
        })) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < WRITES; i++) {
                        int events = 1 + (thread + i) % 3;
                        emitted.addAndGet(events);
                        store.write(c -> {
                            for (int e = 0; e < events; e++) {
                                c.emit(type, null, null, null, null, Struct.getDefaultInstance());
                            }
                            return null;
                        });
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            // Every number from the first on, in order (a background write may add some at the end).
            List<Long> seen = seqs.stream().filter(s -> s > before).toList();
            List<Long> expected = LongStream.rangeClosed(before + 1, before + seen.size()).boxed().toList();
            assertEquals(expected, seen);
            assertEquals(emitted.get(), countOf(type));
            assertTrue(seen.size() >= emitted.get(), "every event of the writes was published");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWriteInsideAnOuterTransactionRollsBackWithIt() {
        String type = "nested-" + UUID.randomUUID();
        @SuppressWarnings("unchecked")
        TransactionOperations<Connection> tx = ctx.getBean(TransactionOperations.class);
        long before = latestSeq();
        assertThrows(IllegalStateException.class, () -> tx.executeWrite(status -> {
            store.write(c -> {
                c.emit(type, null, null, null, null, Struct.getDefaultInstance());
                return null;
            });
            throw new IllegalStateException("the outer transaction fails after the inner write");
        }));
        assertEquals(0, countOf(type), "the inner write's event rolled back with the outer transaction");
        assertEquals(before, latestSeq());

        tx.executeWrite(status -> store.write(c -> {
            c.emit(type, null, null, null, null, Struct.getDefaultInstance());
            return null;
        }));
        assertEquals(1, countOf(type), "and commits with it");
    }

    private long latestSeq() {
        return store.read(() -> jdbc.prepareStatement("SELECT last_seq FROM event_sequence", ps -> {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }));
    }

    private long countOf(String type) {
        return store.read(() -> jdbc.prepareStatement("SELECT COUNT(*) FROM event_log WHERE event_type = ?", ps -> {
            ps.setString(1, type);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }));
    }
}
