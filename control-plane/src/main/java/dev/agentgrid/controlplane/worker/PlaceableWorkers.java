package dev.agentgrid.controlplane.worker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * This replica's connected workers that serve at least one agent type, indexed by agent type: a
 * snapshot {@link WorkerSessions} rebuilds only after a worker came or went. Every create and
 * every dispatch round used to filter and copy all sessions; at ten thousand workers that was
 * three quarters of the plane's CPU, while the set of workers hardly ever changes between two
 * rounds. Draining is a flag a channel may raise at any time, so it is checked when workers are
 * taken from the snapshot, not when it is built.
 */
public final class PlaceableWorkers {
    static final PlaceableWorkers NONE = new PlaceableWorkers(-1, List.of());

    private final long version;
    private final List<WorkerChannel> all;
    private final Map<String, List<WorkerChannel>> byType;

    PlaceableWorkers(long version, Collection<WorkerChannel> channels) {
        this.version = version;
        List<WorkerChannel> kept = new ArrayList<>(channels.size());
        Map<String, List<WorkerChannel>> types = new TreeMap<>();
        for (WorkerChannel ch : channels) {
            List<String> served = ch.registration().agentTypes();
            if (served.isEmpty()) {
                continue;
            }
            kept.add(ch);
            for (String type : served) {
                types.computeIfAbsent(type, t -> new ArrayList<>()).add(ch);
            }
        }
        this.all = List.copyOf(kept);
        types.replaceAll((t, list) -> List.copyOf(list));
        this.byType = java.util.Collections.unmodifiableMap(types);
    }

    long version() {
        return version;
    }

    /** How many workers the snapshot holds (draining ones included). */
    public int size() {
        return all.size();
    }

    public boolean isEmpty() {
        return all.isEmpty();
    }

    /** The agent types some worker serves, in name order. */
    public Set<String> agentTypes() {
        return byType.keySet();
    }

    /**
     * The workers that take work, starting at {@code rotation} (modulo their number) and wrapping
     * around, so that equal workers share the load across rounds.
     */
    public List<WorkerChannel> inRotation(int rotation) {
        List<WorkerChannel> out = new ArrayList<>(all.size());
        int n = all.size();
        int from = n == 0 ? 0 : Math.floorMod(rotation, n);
        for (int i = 0; i < n; i++) {
            WorkerChannel ch = all.get((from + i) % n);
            if (!ch.isDraining()) {
                out.add(ch);
            }
        }
        return out;
    }

    /**
     * At most {@code limit} workers that take work and serve one of {@code types}, each type's
     * workers taken from {@code rotation} on and wrapping around; a worker serving several of the
     * types is listed once.
     */
    public List<WorkerChannel> serving(Collection<String> types, int limit, int rotation) {
        Set<WorkerChannel> out = new LinkedHashSet<>();
        for (String type : new java.util.TreeSet<>(types)) {
            List<WorkerChannel> workers = byType.getOrDefault(type, List.of());
            int n = workers.size();
            int from = n == 0 ? 0 : Math.floorMod(rotation, n);
            for (int i = 0; i < n && out.size() < limit; i++) {
                WorkerChannel ch = workers.get((from + i) % n);
                if (!ch.isDraining()) {
                    out.add(ch);
                }
            }
        }
        return new ArrayList<>(out);
    }
}
