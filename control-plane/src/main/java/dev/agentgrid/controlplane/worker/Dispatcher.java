package dev.agentgrid.controlplane.worker;

import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.stats.PlaneStats;
import dev.agentgrid.controlplane.store.Changes;
import dev.agentgrid.controlplane.store.InList;
import dev.agentgrid.controlplane.store.SqlTime;
import dev.agentgrid.controlplane.store.Store;
import dev.agentgrid.controlplane.task.DispatchSignal;
import dev.agentgrid.controlplane.task.HeldSlots;
import dev.agentgrid.controlplane.task.NewlyCreated;
import dev.agentgrid.controlplane.task.PlacementRead;
import dev.agentgrid.controlplane.task.Task;
import dev.agentgrid.controlplane.task.TaskStatus;
import dev.agentgrid.controlplane.task.TaskRows;
import dev.agentgrid.controlplane.task.TaskTransitions;
import io.micronaut.context.annotation.Context;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.annotation.PreDestroy;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places pending tasks on connected workers: a task goes to a worker that serves its agent type
 * and carries every label of its selector, highest priority first, then oldest, never beyond the
 * worker's free slots. A round places tasks on all of this replica's workers in one transaction
 * (see {@link #claim}). Runs on one thread, woken by {@link DispatchSignal} and by a periodic tick
 * (for retries whose backoff has passed).
 */
@Context
public class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /**
     * Candidate rows read per free slot when a first read of one per slot left a task unplaced
     * for its labels, so label mismatches do not starve matching tasks behind them.
     */
    private static final int OVERFETCH = 8;
    /** Most tasks one round reads, so one transaction stays short. */
    private static final int MAX_CANDIDATES = 4096;
    /** Above this many workers a round first checks that anything is placeable (see {@link #claim}). */
    private static final int PROBE_ABOVE_WORKERS = 1000;
    /** Most workers a creating transaction offers its new tasks to (see {@link #placeNow}). */
    private static final int PLACE_NOW_WORKERS = 64;
    /** Agent types whose candidates one statement reads (two parameters each). */
    private static final int TYPES_PER_QUERY = 100;

    private final Store store;
    private final JdbcOperations jdbc;
    private final WorkerSessions sessions;
    private final TaskTransitions transitions;
    private final HandoffContexts handoffs;
    private final WorkerSettings settings;
    private final PlaneStats stats;
    private final TaskRows rows;
    private final WorkerQueries workerQueries;
    private final java.time.Clock clock;
    private final HeldSlots heldSlots;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicInteger rotation = new AtomicInteger();

    public Dispatcher(Store store, JdbcOperations jdbc, WorkerSessions sessions, TaskTransitions transitions,
            HandoffContexts handoffs, WorkerSettings settings, DispatchSignal signal, PlaneStats stats, TaskRows rows,
            WorkerQueries workerQueries, java.time.Clock clock, HeldSlots heldSlots) {
        this.clock = clock;
        this.heldSlots = heldSlots;
        this.stats = stats;
        this.workerQueries = workerQueries;
        this.rows = rows;
        this.store = store;
        this.jdbc = jdbc;
        this.sessions = sessions;
        this.transitions = transitions;
        this.handoffs = handoffs;
        this.settings = settings;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dispatcher");
            t.setDaemon(true);
            return t;
        });
        signal.onWake(this::wake);
        signal.onPlaceNow(new DispatchSignal.Placer() {
            @Override
            public PlacementRead prepare(Collection<String> agentTypes, java.time.Instant now) {
                return readAhead(agentTypes, now);
            }

            @Override
            public Map<UUID, Task> place(Changes c, NewlyCreated created, PlacementRead read) {
                return placeNow(c, created, read);
            }
        });
        executor.scheduleWithFixedDelay(this::wake, 1, 1, TimeUnit.SECONDS);
    }

    /** Asks for a dispatch round soon; rounds asked for while one is pending coalesce. */
    public void wake() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this::round);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                scheduled.set(false); // shutting down
            }
        }
    }

    private void round() {
        scheduled.set(false);
        PlaceableWorkers workers = sessions.placeable();
        if (workers.isEmpty()) {
            return;
        }
        try {
            long start = System.nanoTime();
            // Reading every worker's slots costs a statement per thousand workers; most rounds
            // (one per finished task) find nothing to place, which one indexed read tells first.
            if (workers.size() > PROBE_ABOVE_WORKERS && !anyPlaceable(workers.agentTypes())) {
                return;
            }
            List<WorkerChannel> open = workers.inRotation(rotation.getAndIncrement());
            if (open.isEmpty()) {
                return; // all draining
            }
            Map<WorkerChannel, List<Assignment>> claimed = store.write(c -> {
                Map<WorkerChannel, List<Assignment>> chosen = claim(c, open, NewlyCreated.NONE, null);
                c.onCommitted(() -> deliver(chosen));
                return chosen;
            });
            stats.latency(PlaneStats.DISPATCH_CLAIM).recordSince(start);
            if (count(claimed) >= MAX_CANDIDATES / OVERFETCH) {
                wake(); // a full round: there may be more to place
            }
        } catch (RuntimeException e) {
            LOG.warn("dispatch round failed", e);
        }
    }

    /** Whether a task of one of these agent types waits to be placed now. */
    private boolean anyPlaceable(java.util.Set<String> agentTypes) {
        Map<String, Integer> oneOfEach = new TreeMap<>();
        agentTypes.forEach(t -> oneOfEach.put(t, 1));
        java.time.Instant now = dev.agentgrid.controlplane.common.Times.now(clock);
        return store.read(() -> !candidates(oneOfEach, 1, now).isEmpty());
    }

    /**
     * A round inside the transaction that just created tasks: an idle worker gets one without
     * waiting for that transaction's commit, a wake-up and a round of its own. The same claim as
     * a round, so the tasks placed are the ones a round would have placed, in the same order. It
     * offers them to at most {@link #PLACE_NOW_WORKERS} workers serving their agent types (the
     * creating transaction holds its project's lock meanwhile: with ten thousand workers, reading
     * every worker's slots per create queued the creates until they starved the connection pool);
     * if it placed fewer than were created, a round follows.
     *
     * @return the created tasks placed, by id, assigned but not stored (the creator inserts them so)
     */
    private Map<UUID, Task> placeNow(Changes c, NewlyCreated created, PlacementRead read) {
        Set<String> types = new HashSet<>();
        created.rows().values().forEach(t -> types.add(t.agentType()));
        ReadAhead ahead = read instanceof ReadAhead r && r.types.containsAll(types) && r.now.equals(c.now()) ? r : null;
        List<WorkerChannel> workers = ahead != null ? ahead.workers
                : sessions.placeable().serving(types, PLACE_NOW_WORKERS, rotation.getAndIncrement());
        Map<WorkerChannel, List<Assignment>> claimed = workers.isEmpty() ? Map.of() : claim(c, workers, created, ahead);
        Map<UUID, Task> placed = new HashMap<>();
        claimed.values().forEach(list -> list.forEach(a -> {
            if (created.rows().containsKey(a.task().id())) {
                placed.put(a.task().id(), a.task());
            }
        }));
        c.onCommitted(() -> deliver(claimed));
        if (!placed.keySet().containsAll(created.rows().keySet())) {
            c.afterCommit(this::wake);
        }
        return placed;
    }

    /**
     * What a creating transaction reads with its project lock (see {@link PlacementRead}): the
     * workers its tasks will be offered to and their held slots, as this replica knows them now,
     * and the candidates a plan with those figures reads. Nothing to read when a worker's held
     * slots are not known here (its slot rows are read when placing) or no slot is free.
     */
    private ReadAhead readAhead(Collection<String> agentTypes, java.time.Instant now) {
        List<WorkerChannel> workers = sessions.placeable().serving(agentTypes, PLACE_NOW_WORKERS,
                rotation.getAndIncrement());
        Map<String, Integer> held = workers.isEmpty() ? Map.of()
                : heldSlots.known(workers.stream().map(WorkerChannel::workerId).toList());
        Map<String, Integer> free = held == null ? Map.of() : freeByType(workers, held);
        return new ReadAhead(Set.copyOf(agentTypes), workers, held, free, now);
    }

    /** A read ahead for one creating transaction; its candidates are set once read. */
    private final class ReadAhead implements PlacementRead {
        final Set<String> types;
        final List<WorkerChannel> workers;
        final Map<String, Integer> held; // null: not all known
        final java.time.Instant now;
        private final List<Map.Entry<String, Integer>> free;
        private final String sql;
        List<Candidate> candidates; // null until read

        ReadAhead(Set<String> types, List<WorkerChannel> workers, Map<String, Integer> held,
                Map<String, Integer> freeByType, java.time.Instant now) {
            this.types = types;
            this.workers = workers;
            this.held = held;
            this.now = now;
            this.free = List.copyOf(freeByType.entrySet());
            this.sql = free.isEmpty() || free.size() > TYPES_PER_QUERY ? null : candidatesSql(free, 1);
        }

        @Override
        public String sql() {
            return sql;
        }

        @Override
        public int bind(java.sql.PreparedStatement ps, int from) throws java.sql.SQLException {
            return bindCandidates(ps, from, free, now);
        }

        @Override
        public void read(ResultSet rs) throws java.sql.SQLException {
            List<Candidate> out = new ArrayList<>();
            readCandidates(rs, out);
            candidates = ordered(out);
        }
    }

    /** Sends committed assignments to their workers. */
    private void deliver(Map<WorkerChannel, List<Assignment>> claimed) {
        claimed.forEach((worker, assignments) -> assignments.forEach(worker::assign));
        stats.count(PlaneStats.TASKS_ASSIGNED, count(claimed));
    }

    private static int count(Map<WorkerChannel, List<Assignment>> claimed) {
        return claimed.values().stream().mapToInt(List::size).sum();
    }

    /** A connected worker with free slots, while a round fills them. */
    private static final class Open {
        final WorkerChannel channel;
        int free;

        Open(WorkerChannel channel, int free) {
            this.channel = channel;
            this.free = free;
        }
    }

    /**
     * Claims matching tasks for every worker with free slots, in the current transaction:
     * candidates are read without locks and matched to workers in memory; only the chosen tasks
     * are then locked with {@code FOR UPDATE SKIP LOCKED} and checked again (so two dispatchers,
     * here or in another replica, never take the same task), and then the chosen workers' slot
     * rows are locked and their sessions checked (so a worker that reconnected elsewhere gets
     * nothing from here).
     * Locks: tasks first, never waited for; worker slot rows after, in id order.
     */
    private Map<WorkerChannel, List<Assignment>> claim(Changes c, List<WorkerChannel> workers, NewlyCreated created,
            ReadAhead ahead) {
        // Read without locks, to plan; checked again under the workers' locks below. A creating
        // transaction plans with what this replica knows instead, when it knows every worker (as
        // it knew them when it read ahead, if it did: the candidates read then fit those figures).
        List<String> ids = workers.stream().map(WorkerChannel::workerId).toList();
        Map<String, Integer> held = ahead != null ? ahead.held
                : created == NewlyCreated.NONE ? null : heldSlots.known(ids);
        if (held == null) {
            held = workerQueries.usedSlots(ids);
            heldSlots.read(held);
        }
        // Most tasks have no label selector, so the first read takes one candidate per free slot;
        // only if a selector left a task unplaced while slots of its type stayed free is it read
        // again with room for mismatches.
        Plan plan = plan(workers, held, 1, c.now(), created, ahead == null ? null : ahead.candidates);
        if (plan.mismatchedWithRoom) {
            plan = plan(workers, held, OVERFETCH, c.now(), created, null);
        }
        return plan.byWorker.isEmpty() ? Map.of() : lockAndAssign(c, plan.byWorker, created);
    }

    /** The tasks a round places on each worker, before locking. */
    private static final class Plan {
        final Map<WorkerChannel, List<Candidate>> byWorker = new LinkedHashMap<>();
        /** A full read left a task unplaced for want of a matching worker while its type had free slots. */
        boolean mismatchedWithRoom;
    }

    /**
     * Matches the first placeable tasks of each type with free slots (up to {@code perSlot} per
     * free slot) to workers, in placement order, rotating over equal workers. Tasks being created
     * are not stored yet: they join the stored candidates here.
     *
     * @param readAhead the candidates for these workers and figures, one per free slot, if read already
     */
    private Plan plan(List<WorkerChannel> workers, Map<String, Integer> held, int perSlot, java.time.Instant now,
            NewlyCreated created, List<Candidate> readAhead) {
        Plan plan = new Plan();
        Map<String, List<Open>> byType = new HashMap<>();
        for (WorkerChannel ch : workers) {
            int free = ch.registration().slots() - held.getOrDefault(ch.workerId(), 0);
            if (free > 0) {
                Open o = new Open(ch, free);
                for (String type : ch.registration().agentTypes()) {
                    byType.computeIfAbsent(type, k -> new ArrayList<>()).add(o);
                }
            }
        }
        Map<String, Integer> freeByType = freeByType(workers, held);
        if (freeByType.isEmpty()) {
            return plan;
        }
        List<Candidate> candidates = readAhead != null && perSlot == 1 ? readAhead
                : candidates(freeByType, perSlot, now);
        Map<String, Integer> readByType = new HashMap<>();
        candidates.forEach(t -> readByType.merge(t.agentType(), 1, Integer::sum));
        if (!created.rows().isEmpty()) {
            candidates = new ArrayList<>(candidates);
            for (Task t : created.rows().values()) {
                if (freeByType.containsKey(t.agentType())) {
                    candidates.add(new Candidate(t.id(), t.agentType(), t.priority(), t.createdAt(),
                            t.labelSelectorJson()));
                }
            }
            candidates.sort(PLACEMENT_ORDER);
        }
        Set<String> unplacedTypes = new HashSet<>();
        Map<String, Integer> cursors = new HashMap<>();
        for (Candidate t : candidates) {
            List<Open> open = byType.get(t.agentType());
            Map<String, String> selector = Json.parseStringMap(t.labelSelectorJson());
            int from = cursors.getOrDefault(t.agentType(), 0);
            boolean placed = false;
            for (int i = 0; i < open.size() && !placed; i++) {
                int k = (from + i) % open.size();
                Open o = open.get(k);
                if (o.free > 0 && matches(selector, o.channel.registration().labels())) {
                    o.free--;
                    plan.byWorker.computeIfAbsent(o.channel, ch -> new ArrayList<>()).add(t);
                    cursors.put(t.agentType(), k + 1);
                    placed = true;
                }
            }
            if (!placed) {
                unplacedTypes.add(t.agentType());
            }
        }
        for (String type : unplacedTypes) {
            boolean full = readByType.getOrDefault(type, 0) >= Math.min(MAX_CANDIDATES, freeByType.get(type) * perSlot);
            if (full && byType.get(type).stream().anyMatch(o -> o.free > 0)) {
                plan.mismatchedWithRoom = true;
            }
        }
        return plan;
    }

    /** Locks the planned tasks and the chosen workers' slot rows, and assigns what is still free. */
    private Map<WorkerChannel, List<Assignment>> lockAndAssign(Changes c, Map<WorkerChannel, List<Candidate>> plan,
            NewlyCreated created) {
        Map<UUID, WorkerChannel> owner = new HashMap<>();
        plan.forEach((ch, tasks) -> tasks.forEach(t -> owner.put(t.id(), ch)));
        // Tasks first (never waited for: one another dispatcher holds is left to it).
        List<Task> locked = lockPending(owner.keySet(), created, c.now());
        // Then the workers' slots, under the slot rows' locks: a slot may have been taken since the
        // unlocked read (by a dispatcher of another replica the worker was connected to a moment
        // ago), or the worker's session may have changed.
        Map<String, List<Task>> byWorker = new TreeMap<>();
        Map<String, UUID> sessionOf = new HashMap<>();
        for (Task t : locked) {
            WorkerChannel ch = owner.get(t.id());
            byWorker.computeIfAbsent(ch.workerId(), w -> new ArrayList<>()).add(t);
            sessionOf.put(ch.workerId(), ch.sessionId());
        }
        Set<String> granted = takeSlots(c, byWorker, sessionOf);
        List<Task> chosen = new ArrayList<>(locked.size());
        for (Task t : locked) {
            if (granted.contains(owner.get(t.id()).workerId())) {
                chosen.add(t);
            }
        }
        if (chosen.size() < owner.size()) {
            c.afterCommit(this::wake); // some were taken meanwhile: their slots stay free for another round
        }
        // Stored tasks are updated; the ones being created are inserted assigned by their creator.
        List<Task> stored = new ArrayList<>(chosen.size());
        List<Task> creating = new ArrayList<>();
        chosen.forEach(t -> (created.rows().containsKey(t.id()) ? creating : stored).add(t));
        java.util.function.Function<Task, String> reason = t -> "assigned to " + owner.get(t.id()).workerId();
        java.util.function.BiFunction<Task, Task.Builder, Task.Builder> change = (t, b) -> b
                .workerId(owner.get(t.id()).workerId()).leaseExpiresAt(c.now().plus(settings.lease()));
        List<Task> assigned = new ArrayList<>(transitions.applyAll(c, stored, TaskStatus.ASSIGNED, reason, change));
        assigned.addAll(transitions.changeAll(c, creating, TaskStatus.ASSIGNED, reason, change));
        assigned.sort(java.util.Comparator.comparing(Task::id)); // the order they were locked and are sent in
        Map<UUID, List<Handoff>> handoffsByTask = handoffs.forTasks(assigned, created::upstreamOf);
        Map<WorkerChannel, List<Assignment>> out = new LinkedHashMap<>();
        for (Task a : assigned) {
            out.computeIfAbsent(owner.get(a.id()), ch -> new ArrayList<>()).add(new Assignment(a,
                    handoffsByTask.get(a.id()), c.now().plus(Duration.ofMillis(a.timeoutMs()))));
        }
        return out;
    }

    /** A pending task as matching needs it; its whole row is read when it is locked. */
    private record Candidate(UUID id, String agentType, int priority, java.time.Instant createdAt,
            String labelSelectorJson) {
    }

    private static final java.util.Comparator<Candidate> PLACEMENT_ORDER = java.util.Comparator
            .comparingInt(Candidate::priority).reversed().thenComparing(Candidate::createdAt)
            .thenComparing(Candidate::id);

    /**
     * The first placeable tasks of each agent type, highest priority then oldest first, up to
     * {@code perSlot} per free slot of the type. One ordered index range per type (a union of
     * per-type queries): with all types in one IN list the database would sort every pending
     * task of those types each round, which was the plane's most expensive statement.
     */
    private List<Candidate> candidates(Map<String, Integer> freeByType, int perSlot, java.time.Instant now) {
        List<Candidate> out = new ArrayList<>();
        List<Map.Entry<String, Integer>> types = List.copyOf(freeByType.entrySet());
        for (int from = 0; from < types.size(); from += TYPES_PER_QUERY) {
            List<Map.Entry<String, Integer>> chunk = types.subList(from, Math.min(types.size(), from + TYPES_PER_QUERY));
            jdbc.prepareStatement(candidatesSql(chunk, perSlot), ps -> {
                bindCandidates(ps, 1, chunk, now);
                try (ResultSet rs = ps.executeQuery()) {
                    readCandidates(rs, out);
                }
                return null;
            });
        }
        return ordered(out);
    }

    /** The candidates read for these types and free slots (see {@link #candidates}). */
    private static String candidatesSql(List<Map.Entry<String, Integer>> freeByType, int perSlot) {
        StringBuilder sql = new StringBuilder();
        for (var type : freeByType) {
            if (sql.length() > 0) {
                sql.append(" UNION ALL ");
            }
            sql.append("(SELECT id, agent_type, priority, created_at, label_selector_json FROM tasks")
                    .append(" WHERE status = 'PENDING' AND agent_type = ? AND unfinished_deps = 0")
                    .append(" AND (not_before IS NULL OR not_before <= ?)")
                    .append(" ORDER BY priority DESC, created_at, id LIMIT ")
                    .append(Math.min(MAX_CANDIDATES, type.getValue() * perSlot)).append(')');
        }
        return sql.toString();
    }

    private static int bindCandidates(java.sql.PreparedStatement ps, int from,
            List<Map.Entry<String, Integer>> freeByType, java.time.Instant now) throws java.sql.SQLException {
        int i = from;
        for (var type : freeByType) {
            ps.setString(i++, type.getKey());
            SqlTime.set(ps, i++, now);
        }
        return i;
    }

    private static void readCandidates(ResultSet rs, List<Candidate> out) throws java.sql.SQLException {
        while (rs.next()) {
            out.add(new Candidate(rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3),
                    rs.getTimestamp(4).toInstant(), rs.getString(5)));
        }
    }

    private static List<Candidate> ordered(List<Candidate> out) {
        out.sort(PLACEMENT_ORDER);
        return out.size() > MAX_CANDIDATES ? out.subList(0, MAX_CANDIDATES) : out;
    }

    /** Free slots by agent type, over the workers serving each (sorted by type). */
    private static Map<String, Integer> freeByType(List<WorkerChannel> workers, Map<String, Integer> held) {
        Map<String, Integer> out = new TreeMap<>();
        for (WorkerChannel ch : workers) {
            int free = ch.registration().slots() - held.getOrDefault(ch.workerId(), 0);
            if (free > 0) {
                for (String type : ch.registration().agentTypes()) {
                    out.merge(type, free, Integer::sum);
                }
            }
        }
        return out;
    }

    /**
     * Locks the chosen tasks that are still placeable, in id order, skipping any another
     * transaction holds (it may be placing them too); the rows returned are current. Tasks this
     * transaction is creating are not stored yet and are its own: they are taken as they are.
     */
    private List<Task> lockPending(Collection<UUID> ids, NewlyCreated created, java.time.Instant now) {
        List<UUID> sorted = new ArrayList<>(ids);
        Collections.sort(sorted);
        List<Task> out = new ArrayList<>(sorted.size());
        List<UUID> older = new ArrayList<>(sorted.size());
        for (UUID id : sorted) {
            Task mine = created.rows().get(id);
            if (mine != null) {
                out.add(mine);
            } else {
                older.add(id);
            }
        }
        for (List<UUID> chunk : InList.chunks(older)) {
            out.addAll(rows.select("WHERE id IN (" + InList.placeholders(chunk.size()) + ") AND status = 'PENDING'"
                    + " AND unfinished_deps = 0 AND (not_before IS NULL OR not_before <= ?)"
                    + " ORDER BY id FOR UPDATE SKIP LOCKED",
                    ps -> SqlTime.set(ps, InList.bind(ps, chunk), now)));
        }
        out.sort(java.util.Comparator.comparing(Task::id));
        return out;
    }

    /**
     * Takes the slots for the tasks planned on each worker, in worker id order: a worker gets all
     * of them if its slot row still carries the channel's session and has room for them all, else
     * none this round (a round follows). One conditional update per worker, in one JDBC batch: the
     * row lock, the session check and the count were three statements. The slot row, not the
     * worker row, is the lock: a change of session (connect, drain, offline) writes it too, and
     * heartbeats, which update the worker rows all the time, never wait for a placement.
     *
     * @return the workers whose slots were taken
     */
    private Set<String> takeSlots(Changes c, Map<String, List<Task>> byWorker, Map<String, UUID> sessionOf) {
        if (byWorker.isEmpty()) {
            return Set.of();
        }
        List<String> ids = List.copyOf(byWorker.keySet());
        int[] updated = jdbc.prepareStatement("UPDATE worker_slots SET held = held + ?"
                + " WHERE worker_id = ? AND session_id = ? AND held + ? <= slots", ps -> {
                    for (String id : ids) {
                        int n = byWorker.get(id).size();
                        ps.setInt(1, n);
                        ps.setString(2, id);
                        ps.setObject(3, sessionOf.get(id));
                        ps.setInt(4, n);
                        ps.addBatch();
                    }
                    return ps.executeBatch();
                });
        Set<String> granted = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            if (updated[i] > 0) {
                granted.add(ids.get(i));
                heldSlots.alreadyTaken(c, ids.get(i), byWorker.get(ids.get(i)).size());
            }
        }
        return granted;
    }

    /** Whether a worker's labels satisfy a selector: every selector entry present with an equal value. */
    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
