package dev.agentgrid.controlplane.common;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Provides the clock every time-dependent service takes; tests replace it with a fake one. */
@Factory
public class ClockFactory {
    /** The system clock in UTC. */
    @Singleton
    public Clock clock() {
        return Clock.systemUTC();
    }
}
