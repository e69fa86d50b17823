package dev.agentgrid.bridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.bridge.testing.BridgeTestBase;
import dev.agentgrid.bridge.testing.FakeScheduler;
import dev.agentgrid.bridge.testing.Poll;
import dev.agentgrid.bridge.testing.Received;
import dev.agentgrid.bridge.testing.WsClient;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Per-address limits and keepalive on real sockets, with the bridge's time in the test's hands
 * (a fake scheduler): nothing here waits for real seconds to pass.
 */
class WsLimitsTest extends BridgeTestBase {
    @Inject
    FakeScheduler time;

    @Override
    protected Map<String, String> bridgeProperties() {
        return Map.of("test.fake-scheduler", "true",
                "agentgrid.bridge.max-connections-per-address", "3",
                "agentgrid.bridge.max-messages-per-second", "5",
                "agentgrid.bridge.ping-interval", "20s",
                "agentgrid.bridge.idle-timeout", "60s");
    }

    @Test
    void aFourthSocketFromTheSameAddressIsRefusedWith429AndAllowedAgainOnceOneCloses() throws Exception {
        WsClient a = open("");
        try (WsClient b = open(""); WsClient c = open("")) {
            WsClient.Refusal refused = WsClient.refused(ws(""), Map.of());
            assertEquals(429, refused.status());
            assertTrue(refused.body().contains("too many connections"), refused.body());
            a.close();
            Poll.until(() -> http.get("/healthz").json().get("websocket").get("open").getNumberValue().intValue(),
                    n -> n == 2, WAIT);
            try (WsClient again = open("")) {
                again.send("{\"type\":\"ping\",\"id\":\"in\"}");
                assertEquals("ack", again.next(r -> "in".equals(r.id())).type());
            }
        }
    }

    @Test
    void messagesBeyondTheRateOfTheAddressGetErrorFramesUntilTimeMovesOn() throws Exception {
        try (WsClient c = open(""); WsClient sameAddress = open("")) {
            for (int i = 0; i < 4; i++) {
                c.send("{\"type\":\"ping\",\"id\":" + i + "}");
            }
            for (int i = 4; i < 7; i++) {
                sameAddress.send("{\"type\":\"ping\",\"id\":" + i + "}");
            }
            List<Received> replies = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                replies.add(c.next(r -> r.id() != null));
            }
            for (int i = 4; i < 7; i++) {
                replies.add(sameAddress.next(r -> r.id() != null));
            }
            long acks = replies.stream().filter(r -> "ack".equals(r.type())).count();
            List<Received> limited = replies.stream().filter(r -> "error".equals(r.type())).toList();
            assertEquals(5, acks, "five messages per second for the address, across its sockets: " + replies);
            assertEquals(2, limited.size());
            assertTrue(limited.stream().allMatch(r -> "RESOURCE_EXHAUSTED".equals(r.dataText("code"))), limited.toString());

            time.advance(Duration.ofMillis(400));
            c.send("{\"type\":\"ping\",\"id\":\"two\"}");
            c.send("{\"type\":\"ping\",\"id\":\"three\"}");
            c.send("{\"type\":\"ping\",\"id\":\"four\"}");
            assertEquals("ack", c.next(r -> "two".equals(r.id())).type());
            assertEquals("ack", c.next(r -> "three".equals(r.id())).type(), "0.4 s refills two messages");
            assertEquals("error", c.next(r -> "four".equals(r.id())).type());
            assertFalse(c.closed.isDone(), "rate-limited sockets stay open");
        }
    }

    @Test
    void theServerPingsEveryPingIntervalAndClosesASilentSocketAfterTheIdleTimeout() throws Exception {
        try (WsClient c = open("")) {
            time.advance(Duration.ofSeconds(19));
            assertEquals(0, c.pings.get());
            time.advance(Duration.ofSeconds(1));
            Poll.until(c.pings::get, n -> n == 1, WAIT);
            // A client that stops reading takes no pings and sends no pongs: it falls silent.
            c.pause();
            advanceUntilAnIdleClose();
            c.resume();
            WsClient.Closed closed = c.awaitClosed();
            assertEquals(4000, closed.code(), closed.toString());
            assertTrue(closed.reason().contains("idle"), closed.reason());
            assertTrue(c.pings.get() >= 2, "pings kept coming every 20 s: " + c.pings.get());
        }
    }

    @Test
    void aSocketThatSendsFramesStaysOpenPastTheIdleTimeout() throws Exception {
        try (WsClient c = open("")) {
            time.advance(Duration.ofSeconds(50));
            c.send("{\"type\":\"ping\",\"id\":\"alive\"}");
            assertEquals("ack", c.next(r -> "alive".equals(r.id())).type());
            time.advance(Duration.ofSeconds(50));
            c.send("{\"type\":\"ping\",\"id\":\"still\"}");
            assertEquals("ack", c.next(r -> "still".equals(r.id())).type());
            assertFalse(c.closed.isDone(), "100 s after opening, never 60 s silent");
            c.pause();
            advanceUntilAnIdleClose();
            c.resume();
            WsClient.Closed closed = c.awaitClosed();
            assertEquals(4000, closed.code(), closed.toString());
        }
    }

    private long idleCloses() {
        return http.get("/healthz").json().get("websocket").get("closed_idle").getNumberValue().longValue();
    }

    /**
     * Moves the bridge's time on second by second until it closes a socket as idle, and no
     * further, so that the close frame is not followed by dropping the connection (close-grace).
     * A paused client may still read the one frame it had asked for (a ping) and answer it, so
     * the exact second is not fixed; real time never matters.
     */
    private void advanceUntilAnIdleClose() {
        long before = idleCloses();
        Poll.until(() -> {
            time.advance(Duration.ofSeconds(1));
            return idleCloses();
        }, n -> n > before, WAIT);
    }
}
