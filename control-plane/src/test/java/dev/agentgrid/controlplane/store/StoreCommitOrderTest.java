package dev.agentgrid.controlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Struct;
import dev.agentgrid.controlplane.event.EventBus;
import dev.agentgrid.controlplane.testing.ControlPlaneTestBase;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What a write does once it committed, in order: its sends (an assignment to a worker's stream
 * need not wait for the transaction's turn to publish), then its events, then its after-commit
 * actions; none of them if it rolled back.
 */
class StoreCommitOrderTest extends ControlPlaneTestBase {

    @Test
    void sendsGoOutBeforeTheEventsAndTheAfterCommitActionsAfterThem() throws Exception {
        String type = "order-" + UUID.randomUUID();
        List<String> seen = new CopyOnWriteArrayList<>();
        try (AutoCloseable sub = ctx.getBean(EventBus.class).subscribe(e -> {
            if (e.eventType().startsWith(type)) {
                seen.add(e.eventType().substring(type.length() + 1));
            }
        })) {
            store.write(c -> {
                c.afterCommit(() -> seen.add("after"));
                c.emit(type + ":event", null, null, null, null, Struct.getDefaultInstance());
                c.onCommitted(() -> seen.add("sent"));
                c.onCommitted(() -> {
                    throw new IllegalStateException("a broken send");
                });
                c.onCommitted(() -> seen.add("sent too"));
                return null;
            });
            assertEquals(List.of("sent", "sent too", "event", "after"), seen,
                    "a failing send stops neither the other sends nor the publication");

            seen.clear();
            assertThrows(IllegalStateException.class, () -> store.write(c -> {
                c.emit(type + ":event", null, null, null, null, Struct.getDefaultInstance());
                c.onCommitted(() -> seen.add("sent"));
                c.afterCommit(() -> seen.add("after"));
                throw new IllegalStateException("rolled back");
            }));
            assertEquals(List.of(), seen, "nothing of a rolled-back write");
        }
    }
}
