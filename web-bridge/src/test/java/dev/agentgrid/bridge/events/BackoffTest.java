package dev.agentgrid.bridge.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void delaysGrowBy1point6UpToTheMaximumAndResetAfterASuccess() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(5), () -> 0.5);
        assertEquals(Duration.ofMillis(1000), b.next());
        assertEquals(Duration.ofMillis(1600), b.next());
        assertEquals(Duration.ofMillis(2560), b.next());
        assertEquals(Duration.ofMillis(4096), b.next());
        assertEquals(Duration.ofMillis(5000), b.next());
        assertEquals(Duration.ofMillis(5000), b.next());
        b.reset();
        assertEquals(Duration.ofMillis(1000), b.next());
    }

    @Test
    void jitterSpreadsEachDelayByTwentyPercent() {
        assertEquals(Duration.ofMillis(800), new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 0.0).next());
        assertEquals(Duration.ofMillis(1200), new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 1.0).next());
        assertEquals(Duration.ofSeconds(30), new Backoff(Duration.ofSeconds(30), Duration.ofSeconds(30), () -> 1.0).next(),
                "never past the maximum");
    }
}
