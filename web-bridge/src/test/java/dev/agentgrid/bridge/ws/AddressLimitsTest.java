package dev.agentgrid.bridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.bridge.testing.FakeScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AddressLimitsTest {
    private final FakeScheduler time = new FakeScheduler();
    private final AddressLimits limits = new AddressLimits(2, 4, time);

    @Test
    void socketsPerAddressAreCountedAndReleased() {
        assertTrue(limits.tryOpen("10.0.0.1"));
        assertTrue(limits.tryOpen("10.0.0.1"));
        assertTrue(limits.full("10.0.0.1"));
        assertFalse(limits.tryOpen("10.0.0.1"));
        assertTrue(limits.tryOpen("10.0.0.2"), "other addresses have their own allowance");
        limits.release("10.0.0.1");
        assertEquals(1, limits.connections("10.0.0.1"));
        assertTrue(limits.tryOpen("10.0.0.1"));
    }

    @Test
    void messagesPerSecondAreABucketSharedByTheAddressesSocketsAndRefillWithTime() {
        limits.tryOpen("10.0.0.1");
        limits.tryOpen("10.0.0.1");
        for (int i = 0; i < 4; i++) {
            assertTrue(limits.tryMessage("10.0.0.1"), "burst of 4, message " + i);
        }
        assertFalse(limits.tryMessage("10.0.0.1"));
        time.advance(Duration.ofMillis(249));
        assertFalse(limits.tryMessage("10.0.0.1"), "a quarter second makes one token");
        time.advance(Duration.ofMillis(1));
        assertTrue(limits.tryMessage("10.0.0.1"));
        assertFalse(limits.tryMessage("10.0.0.1"));
        time.advance(Duration.ofMinutes(5));
        for (int i = 0; i < 4; i++) {
            assertTrue(limits.tryMessage("10.0.0.1"));
        }
        assertFalse(limits.tryMessage("10.0.0.1"), "idle time does not bank more than the burst");
    }

    @Test
    void anAddressWithoutSocketsLeavesNothingBehind() {
        limits.tryOpen("10.0.0.3");
        for (int i = 0; i < 4; i++) {
            limits.tryMessage("10.0.0.3");
        }
        limits.release("10.0.0.3");
        assertEquals(0, limits.connections("10.0.0.3"));
        limits.tryOpen("10.0.0.3");
        assertTrue(limits.tryMessage("10.0.0.3"));
    }
}
