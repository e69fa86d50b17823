package dev.agentgrid.controlplane.task;

import jakarta.inject.Singleton;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * Tells the dispatcher that work may be placeable now (a task became PENDING, a slot freed, a
 * worker connected). Decouples the task logic from the dispatcher, which uses the task logic.
 */
@Singleton
public class DispatchSignal {
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** Registers a listener; it must return quickly. */
    public void onWake(Runnable listener) {
        listeners.add(listener);
    }

    /** Wakes the listeners. */
    public void wake() {
        listeners.forEach(Runnable::run);
    }
}
