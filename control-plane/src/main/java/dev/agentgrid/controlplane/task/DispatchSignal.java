package dev.agentgrid.controlplane.task;

import dev.agentgrid.controlplane.store.Changes;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * Tells the dispatcher that work may be placeable now (a task became PENDING, a slot freed, a
 * worker connected). Decouples the task logic from the dispatcher, which uses the task logic.
 */
@Singleton
public class DispatchSignal {
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final List<BiFunction<Changes, NewlyCreated, Map<UUID, Task>>> placers = new CopyOnWriteArrayList<>();

    /** Registers a listener; it must return quickly. */
    public void onWake(Runnable listener) {
        listeners.add(listener);
    }

    /** Wakes the listeners. */
    public void wake() {
        listeners.forEach(Runnable::run);
    }

    /** Registers what places tasks inside a caller's transaction. */
    public void onPlaceNow(BiFunction<Changes, NewlyCreated, Map<UUID, Task>> placer) {
        placers.add(placer);
    }

    /**
     * Places what is placeable now inside the caller's transaction, which is creating the
     * placeable tasks {@code created} (not stored yet), so a task for an idle worker is assigned
     * in the transaction that creates it instead of in a dispatch round after it.
     *
     * @return the created tasks placed, by id, as the caller must insert them (assigned); their
     *     transitions are not recorded yet ({@link TaskTransitions#recordAll})
     */
    public Map<UUID, Task> placeNow(Changes c, NewlyCreated created) {
        Map<UUID, Task> placed = new HashMap<>();
        placers.forEach(p -> placed.putAll(p.apply(c, created)));
        return placed;
    }
}
