package dev.agentgrid.controlplane.testing;

import dev.agentgrid.controlplane.common.ClockFactory;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Replaces the system clock with a {@link MutableClock} in test classes that ask for it. */
@Factory
@Requires(property = FakeClockFactory.PROPERTY, value = "true")
public class FakeClockFactory {
    /** Set to true to run a context on a fake clock. */
    public static final String PROPERTY = "agentgrid.test.fake-clock";

    @Singleton
    @Replaces(value = Clock.class, factory = ClockFactory.class)
    MutableClock clock() {
        return new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }
}
