package dev.agentgrid.controlplane.task;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The placeable tasks a transaction has just inserted, as the dispatcher offers them to workers
 * before it commits. No other transaction can see or lock these rows yet, so their rows here are
 * current and need not be locked and read again; and those created without dependencies have no
 * handoffs to look up.
 *
 * @param rows the placeable tasks, by id, in creation order
 * @param withoutUpstream the ids among them that depend on no task
 */
public record NewlyCreated(Map<UUID, Task> rows, Set<UUID> withoutUpstream) {
    /** Nothing created in this transaction (a dispatch round). */
    public static final NewlyCreated NONE = new NewlyCreated(Map.of(), Set.of());

    public NewlyCreated {
        rows = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rows));
        withoutUpstream = Set.copyOf(withoutUpstream);
    }

    static NewlyCreated of(Collection<Task> placeable, Set<UUID> withoutUpstream) {
        Map<UUID, Task> rows = new LinkedHashMap<>();
        placeable.forEach(t -> rows.put(t.id(), t));
        return new NewlyCreated(rows, withoutUpstream);
    }

    /** Whether the task was created here with no dependencies, so it has no handoffs. */
    public boolean hasNoUpstream(UUID id) {
        return withoutUpstream.contains(id);
    }
}
