package dev.agentgrid.bridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KeepaliveTest {
    private final Keepalive keepalive = new Keepalive(Duration.ofSeconds(20), Duration.ofSeconds(60));
    private final Instant t0 = Instant.parse("2030-01-01T00:00:00Z");

    private Keepalive.Action at(long seconds, long lastInbound, long lastPing) {
        return keepalive.decide(t0.plusSeconds(seconds), t0.plusSeconds(lastInbound), t0.plusSeconds(lastPing));
    }

    @Test
    void pingsEveryIntervalAndClosesAfterTheIdleTimeout() {
        assertEquals(Keepalive.Action.NOTHING, at(19, 0, 0));
        assertEquals(Keepalive.Action.PING, at(20, 0, 0));
        assertEquals(Keepalive.Action.NOTHING, at(21, 0, 20));
        assertEquals(Keepalive.Action.PING, at(40, 0, 20));
        assertEquals(Keepalive.Action.NOTHING, at(59, 0, 40));
        assertEquals(Keepalive.Action.CLOSE_IDLE, at(60, 0, 40));
        assertEquals(Keepalive.Action.NOTHING, at(60, 21, 45), "anything received (a pong) counts");
    }

    @Test
    void ticksFinelyEnoughButAtMostOnceASecond() {
        assertEquals(Duration.ofSeconds(1), keepalive.tick());
        assertEquals(Duration.ofMillis(50), new Keepalive(Duration.ofMillis(500), Duration.ofSeconds(2)).tick());
    }
}
