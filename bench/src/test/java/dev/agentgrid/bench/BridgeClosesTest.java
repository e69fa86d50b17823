package dev.agentgrid.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The bridge's close counters read from a {@code /healthz} body as the bridge writes it. */
class BridgeClosesTest {
    private static String healthz(long slow, long idle) {
        return "{\"api_status\":\"ok\",\"event_stream\":{\"status\":\"streaming\",\"last_seq\":61992},"
                + "\"websocket\":{\"open\":0,\"opened\":1000,\"closed_slow_consumer\":" + slow + ",\"closed_idle\":" + idle
                + ",\"closed_message_too_big\":0},\"checked_at\":\"2026-12-05T15:03:54Z\"}";
    }

    @Test
    void readsTheCountersAndTheirChange() {
        BridgeCloses before = BridgeCloses.parse(healthz(3, 105));
        assertEquals(new BridgeCloses(3, 105), before);
        assertEquals(new BridgeCloses(354, 2), BridgeCloses.parse(healthz(357, 107)).since(before));
    }

    @Test
    void aBodyWithoutTheCountersIsRefusedWithTheBody() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BridgeCloses.parse("{\"api_status\":\"ok\"}"));
        assertTrue(e.getMessage().contains("api_status"), e.getMessage());
    }
}
