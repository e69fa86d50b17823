package dev.agentgrid.bridge.time;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The real scheduler: the system clock and one named daemon timer thread. */
@Singleton
public class SystemScheduler implements Scheduler {
    private static final Logger LOG = LoggerFactory.getLogger(SystemScheduler.class);

    private final Clock clock = Clock.systemUTC();
    private final ScheduledThreadPoolExecutor timer;

    public SystemScheduler() {
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "bridge-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> f = timer.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                // One failing task must not take the timer thread's other work down with it.
                LOG.warn("scheduled task failed", e);
            }
        }, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @PreDestroy
    void shutdown() {
        timer.shutdownNow();
    }
}
