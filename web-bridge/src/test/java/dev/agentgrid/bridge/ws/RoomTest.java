package dev.agentgrid.bridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.bridge.events.HubEvent;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RoomTest {
    private final String project = UUID.randomUUID().toString();
    private final String task = UUID.randomUUID().toString();
    private final HubEvent taskEvent = new HubEvent(1, "task_status_change", project, task, "w1", new byte[0]);
    private final HubEvent agentEvent = new HubEvent(2, "agent_status_change", null, task, null, new byte[0]);

    @Test
    void roomsMatchOnTheEventsOwnIds() {
        assertTrue(Room.parse("global").matches(agentEvent));
        assertTrue(Room.parse("project:" + project).matches(taskEvent));
        assertFalse(Room.parse("project:" + project).matches(agentEvent), "agent status has no project");
        assertTrue(Room.parse("task:" + task).matches(agentEvent));
        assertTrue(Room.parse("worker:w1").matches(taskEvent));
        assertFalse(Room.parse("worker:w2").matches(taskEvent));
    }

    @Test
    void namesRoundTripAndUuidsAreCanonical() {
        assertEquals("project:" + project, Room.parse("project:" + project.toUpperCase()).name());
        assertEquals(Room.GLOBAL, Room.parse("global"));
    }

    @Test
    void badNamesAreRefusedWithAMessageForTheClient() {
        assertThrows(IllegalArgumentException.class, () -> Room.parse("project:123"));
        assertThrows(IllegalArgumentException.class, () -> Room.parse("task:"));
        assertThrows(IllegalArgumentException.class, () -> Room.parse("worker:" + "x".repeat(200)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Room.parse("kitchen"));
        assertTrue(e.getMessage().contains("unknown room"), e.getMessage());
    }
}
