package dev.agentgrid.bridge.events;

import io.micronaut.core.annotation.Nullable;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A client of the hub (one WebSocket session). The hub calls it from its stream thread while
 * holding its lock, so every method must return at once: frames go into the subscriber's own
 * bounded queue, never onto the network directly.
 */
public interface Subscriber {
    /** Whether the subscriber wants this frame (its rooms match). */
    boolean wants(HubEvent e);

    /** A live frame, in order. The subscriber bounds its queue and closes itself when it overflows. */
    void send(HubEvent e);

    /** Replayed frames, in order, to be written before any live frame. Sent in pages the hub paces. */
    void replay(List<HubEvent> frames);

    /** Whether it is still connected; a catch-up for a gone subscriber stops. */
    boolean isOpen();

    /** Completes once fewer than {@code frames} replayed frames wait to be written. */
    CompletableFuture<Void> replayBelow(int frames);

    /** What the plane can filter on when pages of history are read for this subscriber. */
    PageFilter pageFilter();

    /**
     * The plane-side filter for reading history: a project or a task, or nothing (the hub then
     * filters every event itself).
     *
     * @param projectId project id, or null
     * @param taskId task id, or null
     */
    record PageFilter(@Nullable String projectId, @Nullable String taskId) {
        /** No plane-side filter. */
        public static final PageFilter NONE = new PageFilter(null, null);
    }
}
