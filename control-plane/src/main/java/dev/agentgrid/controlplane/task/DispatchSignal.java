package dev.agentgrid.controlplane.task;

import dev.agentgrid.controlplane.store.Changes;
import jakarta.inject.Singleton;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Tells the dispatcher that work may be placeable now (a task became PENDING, a slot freed, a
 * worker connected). Decouples the task logic from the dispatcher, which uses the task logic.
 */
@Singleton
public class DispatchSignal {
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<Changes, NewlyCreated>> placers = new CopyOnWriteArrayList<>();

    /** Registers a listener; it must return quickly. */
    public void onWake(Runnable listener) {
        listeners.add(listener);
    }

    /** Wakes the listeners. */
    public void wake() {
        listeners.forEach(Runnable::run);
    }

    /** Registers what places tasks inside a caller's transaction. */
    public void onPlaceNow(BiConsumer<Changes, NewlyCreated> placer) {
        placers.add(placer);
    }

    /**
     * Places what is placeable now inside the caller's transaction, which just created the
     * placeable tasks {@code created}, so a task for an idle worker is assigned in the
     * transaction that created it instead of in a dispatch round after it.
     */
    public void placeNow(Changes c, NewlyCreated created) {
        placers.forEach(p -> p.accept(c, created));
    }
}
