package dev.agentgrid.controlplane.task;

import dev.agentgrid.controlplane.store.Changes;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Tells the dispatcher that work may be placeable now (a task became PENDING, a slot freed, a
 * worker connected). Decouples the task logic from the dispatcher, which uses the task logic.
 */
@Singleton
public class DispatchSignal {
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Placer placer;

    /** Registers a listener; it must return quickly. */
    public void onWake(Runnable listener) {
        listeners.add(listener);
    }

    /** Wakes the listeners. */
    public void wake() {
        listeners.forEach(Runnable::run);
    }

    /** Places tasks inside a creating transaction (the dispatcher of this replica). */
    public interface Placer {
        /** See {@link DispatchSignal#prepare}. */
        PlacementRead prepare(Collection<String> agentTypes, Instant now);

        /** See {@link DispatchSignal#placeNow}. */
        Map<UUID, Task> place(Changes c, NewlyCreated created, PlacementRead read);
    }

    /** Registers what places tasks inside a caller's transaction. */
    public void onPlaceNow(Placer p) {
        placer = p;
    }

    /**
     * What to read ahead, with the project lock, for a transaction about to create tasks of these
     * agent types (the placeable ones) at {@code now}; pass it to {@link #placeNow}.
     */
    public PlacementRead prepare(Collection<String> agentTypes, Instant now) {
        Placer p = placer;
        return p == null || agentTypes.isEmpty() ? PlacementRead.NONE : p.prepare(agentTypes, now);
    }

    /**
     * Places what is placeable now inside the caller's transaction, which is creating the
     * placeable tasks {@code created} (not stored yet), so a task for an idle worker is assigned
     * in the transaction that creates it instead of in a dispatch round after it.
     *
     * @param read made by {@link #prepare} for this transaction and sent, or {@link PlacementRead#NONE}
     * @return the created tasks placed, by id, as the caller must insert them (assigned); their
     *     transitions are not recorded yet ({@link TaskTransitions#recordAll})
     */
    public Map<UUID, Task> placeNow(Changes c, NewlyCreated created, PlacementRead read) {
        Placer p = placer;
        return p == null ? Map.of() : p.place(c, created, read);
    }
}
