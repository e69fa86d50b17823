package dev.agentgrid.controlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Struct;
import dev.agentgrid.controlplane.event.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A transaction's live events are published among its durable ones in the order they were
 * emitted: one batch may apply a task's output (live) and then its failure (durable), and a
 * subscriber must see them in that order, as it would from two transactions.
 */
class ChangesTest {
    private static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");

    private static List<Event> numbered(Changes c) {
        List<Event> out = new ArrayList<>();
        long seq = 41;
        for (Event e : c.events()) {
            out.add(e.withSeq(++seq));
        }
        return out;
    }

    @Test
    void liveEventsKeepTheirPlaceAmongTheDurableOnes() {
        Changes c = new Changes(NOW);
        c.emitLive("output-before-anything", null, null, null, null, Struct.getDefaultInstance());
        c.emit("accepted", null, null, null, null, Struct.getDefaultInstance());
        c.emitLive("output", null, null, null, null, Struct.getDefaultInstance());
        c.emitLive("progress", null, null, null, null, Struct.getDefaultInstance());
        c.emit("failed", null, null, null, null, Struct.getDefaultInstance());
        c.emit("project-failed", null, null, null, null, Struct.getDefaultInstance());
        c.emitLive("after-all", null, null, null, null, Struct.getDefaultInstance());
        List<Event> published = c.inEmissionOrder(numbered(c));
        assertEquals(List.of("output-before-anything", "accepted", "output", "progress", "failed", "project-failed",
                "after-all"), published.stream().map(Event::eventType).toList());
        assertEquals(List.of(0L, 42L, 0L, 0L, 43L, 44L, 0L), published.stream().map(Event::seq).toList(),
                "durable events as numbered by the log");
    }

    @Test
    void withoutLiveEventsTheDurableOnesAreAllThereIs() {
        Changes c = new Changes(NOW);
        c.emit("a", null, null, null, null, Struct.getDefaultInstance());
        List<Event> n = numbered(c);
        assertEquals(n, c.inEmissionOrder(n));
        assertEquals(List.of(), new Changes(NOW).inEmissionOrder(List.of()));
    }
}
