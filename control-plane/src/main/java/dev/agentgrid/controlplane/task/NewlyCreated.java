package dev.agentgrid.controlplane.task;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The placeable tasks a transaction is creating, as the dispatcher offers them to workers before
 * they are stored: the dispatcher plans with these rows as they are, and the creator inserts each
 * placed task as already assigned (one insert instead of an insert and an update). Their
 * dependency edges are not stored yet either, so their upstream tasks are given here.
 *
 * @param rows the placeable tasks, by id, in creation order
 * @param upstream the tasks each of them waits for, in {@link #UPSTREAM_ORDER}
 */
public record NewlyCreated(Map<UUID, Task> rows, Map<UUID, List<UUID>> upstream) {
    /** Nothing created in this transaction (a dispatch round). */
    public static final NewlyCreated NONE = new NewlyCreated(Map.of(), Map.of());

    /**
     * The order in which the database sorts uuids (bytes, unsigned), which is the order
     * {@link TaskDependencies#upstreamOf} gives: a task placed at creation gets its handoffs in
     * the order a dispatch round would give them.
     */
    public static final Comparator<UUID> UPSTREAM_ORDER = (a, b) -> {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    };

    public NewlyCreated {
        rows = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rows));
        Map<UUID, List<UUID>> sorted = new LinkedHashMap<>();
        upstream.forEach((id, ups) -> sorted.put(id, ups.stream().sorted(UPSTREAM_ORDER).toList()));
        upstream = java.util.Collections.unmodifiableMap(sorted);
    }

    static NewlyCreated of(Collection<Task> placeable, Map<UUID, ? extends Collection<UUID>> upstream) {
        Map<UUID, Task> rows = new LinkedHashMap<>();
        Map<UUID, List<UUID>> ups = new LinkedHashMap<>();
        placeable.forEach(t -> {
            rows.put(t.id(), t);
            Collection<UUID> u = upstream.get(t.id());
            ups.put(t.id(), u == null ? List.of() : List.copyOf(u));
        });
        return new NewlyCreated(rows, ups);
    }

    /** The tasks a task created here waits for; null for a task not created here (ask the database). */
    public List<UUID> upstreamOf(UUID id) {
        return upstream.get(id);
    }
}
