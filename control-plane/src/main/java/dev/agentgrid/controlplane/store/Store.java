package dev.agentgrid.controlplane.store;

import dev.agentgrid.controlplane.common.Times;
import dev.agentgrid.controlplane.event.Event;
import dev.agentgrid.controlplane.event.EventBus;
import dev.agentgrid.controlplane.event.EventLog;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs units of work in database transactions. A write's events go to the event log in the same
 * transaction (the outbox), and are published on the bus only after the commit, so a subscriber
 * never sees an event whose state change rolled back.
 */
@Singleton
public class Store {
    private static final Logger LOG = LoggerFactory.getLogger(Store.class);

    private final TransactionOperations<Connection> tx;
    private final EventLog eventLog;
    private final PublicationOrder publication;
    private final Clock clock;

    public Store(TransactionOperations<Connection> tx, EventLog eventLog, EventBus bus, Clock clock) {
        this.tx = tx;
        this.eventLog = eventLog;
        this.publication = new PublicationOrder(bus);
        this.clock = clock;
    }

    /**
     * Runs {@code work} in a write transaction, then its sends ({@link Changes#onCommitted}), then
     * publishes its events, then runs its after-commit actions.
     */
    public <T> T write(Function<Changes, T> work) {
        Changes changes = new Changes(Times.now(clock));
        Object[] appended = new Object[1];
        PublicationOrder.Slot[] slot = new PublicationOrder.Slot[1];
        T result;
        try {
            result = tx.executeWrite(status -> {
                T r = work.apply(changes);
                changes.runBeforeCommit();
                if (!changes.events().isEmpty()) {
                    slot[0] = publication.register(); // before the append takes its numbers
                }
                // Appending last, and committing with it when the transaction is this write's own,
                // holds the sequence lock for the shortest time.
                appended[0] = eventLog.append(changes.events(), changes.writesWithEvents(), status.isNewTransaction());
                return r;
            });
        } catch (RuntimeException | Error e) {
            if (slot[0] != null) {
                publication.complete(slot[0], null); // rolled back: nothing to publish, later ones may go
            }
            throw e;
        }
        runAll(changes.onCommittedSends(), "send after commit");
        @SuppressWarnings("unchecked")
        List<Event> events = changes.inEmissionOrder((List<Event>) appended[0]);
        if (slot[0] != null) {
            publication.complete(slot[0], events);
        } else {
            publication.publishNow(events);
        }
        runAll(changes.afterCommitActions(), "after-commit action");
        return result;
    }

    // The transaction committed: one failing action must not keep the others from running.
    private static void runAll(List<Runnable> actions, String what) {
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn("{} failed", what, e);
            }
        }
    }

    /** Runs {@code work} in a read-only transaction. */
    public <T> T read(Supplier<T> work) {
        return tx.executeRead(status -> work.get());
    }
}
