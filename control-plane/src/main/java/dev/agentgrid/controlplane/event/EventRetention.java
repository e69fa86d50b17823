package dev.agentgrid.controlplane.event;

import dev.agentgrid.controlplane.common.Times;
import dev.agentgrid.controlplane.store.Store;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the event log bounded: events older than {@code agentgrid.events.retention} (env
 * {@code AGENTGRID_EVENTS_RETENTION}, default 30 days) are deleted every
 * {@code agentgrid.events.prune-interval} (default 1 h). A subscriber asking for deleted history
 * gets a resync. The state itself (tasks, HITL requests, artifacts) is kept in its tables.
 */
@Context
public class EventRetention {
    private static final Logger LOG = LoggerFactory.getLogger(EventRetention.class);

    private final Store store;
    private final EventLog log;
    private final Clock clock;
    private final Duration retention;
    private final ScheduledExecutorService scheduler;

    public EventRetention(Store store, EventLog log, Clock clock,
            @Value("${agentgrid.events.retention:30d}") Duration retention,
            @Value("${agentgrid.events.prune-interval:1h}") Duration interval) {
        this.store = store;
        this.log = log;
        this.clock = clock;
        this.retention = retention;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "event-retention");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                prune();
            } catch (RuntimeException e) {
                LOG.warn("event log pruning failed; retrying at the next interval", e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Deletes events older than the retention at the clock's current time.
     *
     * @return how many were deleted
     */
    public int prune() {
        int deleted = store.write(c -> log.deleteOlderThan(Times.now(clock).minus(retention)));
        if (deleted > 0) {
            LOG.info("pruned {} events older than {}", deleted, retention);
        }
        return deleted;
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}
