package dev.agentgrid.controlplane.common;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Time helpers. */
public final class Times {
    private Times() {
    }

    /**
     * Now, truncated to microseconds: both databases store microseconds, so a value read back
     * equals the value written (page tokens compare them).
     */
    public static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
