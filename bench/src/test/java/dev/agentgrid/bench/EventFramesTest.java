package dev.agentgrid.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventFramesTest {
    private static final String FRAME = "{\"event_type\":\"task_status_change\",\"seq\":42,\"project_id\":\"p-1\","
            + "\"task_id\":\"t-1\",\"data\":{\"project_id\":\"nested\",\"status\":\"pending\"},"
            + "\"timestamp\":\"2026-01-31T12:00:00.123456Z\"}";

    @Test
    void readsTheFramesOwnFields() {
        assertTrue(EventFrames.isType(FRAME, "task_status_change"));
        assertFalse(EventFrames.isType(FRAME, "task_status"), "a prefix is not the type");
        assertTrue(EventFrames.isProject(FRAME, "p-1"));
        assertFalse(EventFrames.isProject(FRAME, "nested"), "the frame's own project, not one inside data");
        assertFalse(EventFrames.isProject(FRAME, "p-"));
        assertEquals(42, EventFrames.seq(FRAME));
        Instant t = Instant.parse("2026-01-31T12:00:00.123456Z");
        assertEquals(t.getEpochSecond() * 1_000_000_000L + t.getNano(), new EventFrames().timestampEpochNanos(FRAME));
    }

    @Test
    void aFrameWithoutTheFieldsMatchesNothing() {
        String connected = "{\"event_type\":\"connected\",\"seq\":null,\"project_id\":null,\"data\":{}}";
        assertFalse(EventFrames.isProject(connected, "p-1"));
        assertEquals(-1, EventFrames.seq(connected));
        assertEquals(-1, new EventFrames().timestampEpochNanos(connected));
    }

    @Test
    void readsTheFieldsFromTheFramesUtf8BytesToo() {
        // As the fan-out clients scan frames: bytes seen as ASCII characters. A multi-byte
        // character before the fields moves them by bytes, not characters, and matches nothing.
        String frame = FRAME.replace("\"status\":\"pending\"", "\"status\":\"pending\",\"name\":\"caf\u00e9 \u2713\"");
        AsciiString bytes = new AsciiString(frame.getBytes(StandardCharsets.UTF_8), false);
        assertTrue(EventFrames.isType(bytes, "task_status_change"));
        assertTrue(EventFrames.isProject(bytes, "p-1"));
        assertFalse(EventFrames.isProject(bytes, "nested"));
        assertEquals(42, EventFrames.seq(bytes));
        assertEquals(new EventFrames().timestampEpochNanos(FRAME), new EventFrames().timestampEpochNanos(bytes));
    }
}
