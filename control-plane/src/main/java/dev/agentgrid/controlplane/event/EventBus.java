package dev.agentgrid.controlplane.event;

import java.util.List;
import java.util.function.Consumer;

/**
 * Carries committed durable events and live-only telemetry to subscribers, after the fact. Order
 * across publishers is not guaranteed; subscribers that need order use the sequence numbers and
 * read gaps from the {@link EventLog}.
 */
public interface EventBus {
    /** Delivers events to every listener. Listeners must not block. */
    void publish(List<Event> events);

    /**
     * Registers a listener.
     *
     * @return closes the registration
     */
    AutoCloseable subscribe(Consumer<Event> listener);
}
