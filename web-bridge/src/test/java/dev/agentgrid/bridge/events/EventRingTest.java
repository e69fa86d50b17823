package dev.agentgrid.bridge.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventRingTest {
    private static HubEvent event(long seq, String project) {
        return new HubEvent(seq, "task_status_change", project, null, null, new byte[0]);
    }

    private static List<Long> seqs(List<HubEvent> events) {
        return events.stream().map(HubEvent::seq).toList();
    }

    @Test
    void keepsTheMostRecentEventsAndCoversResumesFromItsBase() {
        EventRing ring = new EventRing(3);
        ring.reset(10);
        assertTrue(ring.covers(10), "an empty ring covers its position");
        for (long s = 11; s <= 15; s++) {
            ring.add(event(s, s % 2 == 0 ? "a" : "b"));
        }
        assertEquals(12, ring.base(), "11 and 12 were evicted; 13..15 kept");
        assertEquals(15, ring.last());
        assertFalse(ring.covers(11));
        assertTrue(ring.covers(12));
        assertEquals(List.of(13L, 14L, 15L), seqs(ring.after(12, e -> true)));
        assertEquals(List.of(15L), seqs(ring.after(14, e -> true)));
        assertEquals(List.of(), seqs(ring.after(15, e -> true)));
        assertEquals(List.of(14L), seqs(ring.after(12, e -> "a".equals(e.projectId()))));
        assertThrows(IllegalArgumentException.class, () -> ring.after(11, e -> true));
    }

    @Test
    void refusesAGapSoThatWhatItHoldsIsAlwaysContiguous() {
        EventRing ring = new EventRing(4);
        ring.reset(0);
        ring.add(event(1, "a"));
        assertThrows(IllegalArgumentException.class, () -> ring.add(event(3, "a")));
        assertThrows(IllegalArgumentException.class, () -> ring.add(event(1, "a")));
    }

    @Test
    void resetForgetsEverything() {
        EventRing ring = new EventRing(4);
        ring.reset(0);
        ring.add(event(1, "a"));
        ring.reset(100);
        assertEquals(0, ring.size());
        assertTrue(ring.covers(100));
        assertFalse(ring.covers(1));
        ring.add(event(101, "a"));
        assertEquals(List.of(101L), seqs(ring.after(100, e -> true)));
    }
}
