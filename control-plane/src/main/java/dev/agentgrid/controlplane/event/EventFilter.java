package dev.agentgrid.controlplane.event;

import io.micronaut.core.annotation.Nullable;
import java.util.Set;
import java.util.UUID;

/** Which events a reader wants; null fields match everything, an empty type set all types. */
public record EventFilter(@Nullable UUID projectId, @Nullable UUID taskId, @Nullable String workerId,
        Set<String> eventTypes) {

    /** Matches every event. */
    public static final EventFilter ALL = new EventFilter(null, null, null, Set.of());

    /** Whether an event passes this filter. */
    public boolean matches(Event e) {
        return (projectId == null || projectId.equals(e.projectId()))
                && (taskId == null || taskId.equals(e.taskId()))
                && (workerId == null || workerId.equals(e.workerId()))
                && (eventTypes.isEmpty() || eventTypes.contains(e.eventType()));
    }
}
