package dev.agentgrid.bridge.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Bounded polling: asynchronous effects are awaited with a deadline, never with a bare sleep. */
public final class Poll {
    private Poll() {
    }

    /** Polls {@code probe} until it returns a value satisfying {@code done}, or fails after {@code within}. */
    public static <T> T until(Supplier<T> probe, Predicate<T> done, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + within + "; last value: " + last);
            }
            LockSupport.parkNanos(20_000_000);
            last = probe.get();
        }
        return last;
    }
}
