package dev.agentgrid.controlplane.event;

import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The event bus of a single control-plane replica. */
@Singleton
public class InProcessEventBus implements EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessEventBus.class);
    private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();

    @Override
    public void publish(List<Event> events) {
        for (Event e : events) {
            for (Consumer<Event> l : listeners) {
                try {
                    l.accept(e);
                } catch (RuntimeException ex) {
                    // One broken subscriber must not starve the others.
                    LOG.warn("event listener failed on {}", e.eventType(), ex);
                }
            }
        }
    }

    @Override
    public AutoCloseable subscribe(Consumer<Event> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
