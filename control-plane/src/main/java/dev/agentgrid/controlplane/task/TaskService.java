package dev.agentgrid.controlplane.task;

import dev.agentgrid.controlplane.common.Ids;
import dev.agentgrid.controlplane.common.AlreadyExistsException;
import dev.agentgrid.controlplane.common.FailedPreconditionException;
import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.common.NotFoundException;
import dev.agentgrid.controlplane.common.PageToken;
import dev.agentgrid.controlplane.common.Violations;
import dev.agentgrid.controlplane.hitl.HitlRequests;
import dev.agentgrid.controlplane.project.Project;
import dev.agentgrid.controlplane.project.ProjectRepository;
import dev.agentgrid.controlplane.project.ProjectStatus;
import dev.agentgrid.controlplane.store.Changes;
import dev.agentgrid.controlplane.store.Database;
import dev.agentgrid.controlplane.store.Listing;
import dev.agentgrid.controlplane.store.Store;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntFunction;

/** Creates, reads, cancels and retries tasks. */
@Singleton
public class TaskService {
    /** Most tasks one GetProject returns. */
    public static final int PROJECT_TASK_LIMIT = 1000;

    private final Store store;
    private final JdbcOperations jdbc;
    private final TaskRepository tasks;
    private final TaskDependencies dependencies;
    private final ProjectRepository projects;
    private final HitlRequests hitl;
    private final TaskTransitions transitions;
    private final DispatchSignal dispatch;
    private final TaskRows taskRows;
    private final Database database;

    public TaskService(Store store, JdbcOperations jdbc, TaskRepository tasks, TaskDependencies dependencies,
            ProjectRepository projects, HitlRequests hitl, TaskTransitions transitions, DispatchSignal dispatch,
            TaskRows taskRows, Database database) {
        this.store = store;
        this.database = database;
        this.taskRows = taskRows;
        this.dispatch = dispatch;
        this.jdbc = jdbc;
        this.tasks = tasks;
        this.dependencies = dependencies;
        this.projects = projects;
        this.hitl = hitl;
        this.transitions = transitions;
    }

    /**
     * Adds one task to an ACTIVE project. With a request id seen before, returns the task created
     * then.
     */
    public Task create(UUID projectId, NewTask spec, String requestId) {
        return store.write(c -> {
            if (requestId != null) {
                Optional<Task> earlier = tasks.findByRequestId(requestId);
                if (earlier.isPresent()) {
                    if (!earlier.get().projectId().equals(projectId)) {
                        throw new AlreadyExistsException("request_id '" + requestId
                                + "' was used for a task of another project");
                    }
                    return earlier.get();
                }
            }
            PlacementRead read = dispatch.prepare(placeableTypes(List.of(spec)), c.now());
            lockActiveProject(projectId, read);
            return createAll(c, projectId, List.of(spec), List.of("task"), i -> requestId, true, read).get(0);
        });
    }

    /**
     * Adds several tasks to an ACTIVE project in one transaction: all of them, or none if any is
     * invalid. With a request id seen before, returns the tasks created then, in request order.
     */
    public List<Task> createBatch(UUID projectId, List<NewTask> specs, List<String> fields, String requestId) {
        return store.write(c -> {
            if (requestId != null) {
                List<Task> earlier = earlierBatch(requestId);
                if (!earlier.isEmpty()) {
                    if (!earlier.get(0).projectId().equals(projectId)) {
                        throw new AlreadyExistsException("request_id '" + requestId
                                + "' was used for tasks of another project");
                    }
                    return earlier;
                }
            }
            PlacementRead read = dispatch.prepare(placeableTypes(specs), c.now());
            lockActiveProject(projectId, read);
            return createAll(c, projectId, specs, fields, i -> requestId == null ? null : batchRequestId(requestId, i),
                    true, read);
        });
    }

    /**
     * Locks the project until the transaction ends (so it cannot complete or be cancelled while
     * tasks are added) and checks that it is ACTIVE. On PostgreSQL a share lock: tasks created in
     * the same project at once do not wait for each other (an exclusive lock queued every CreateTask
     * of a busy project behind the one placing its task, until they timed out), while a change of
     * the project's status still waits for them. H2 has no share row locks. Hand-written: through
     * the repository this one statement cost an eighth of a CreateTask call's CPU. On PostgreSQL
     * the dispatcher's read ahead ({@code read}) goes in the same round trip; on H2, after it.
     */
    private void lockActiveProject(UUID projectId, PlacementRead read) {
        boolean postgres = database.postgres();
        String lock = "SELECT status FROM projects WHERE id = ? " + (postgres ? "FOR SHARE" : "FOR UPDATE");
        boolean together = postgres && read.sql() != null;
        String status = jdbc.prepareStatement(together ? lock + "; " + read.sql() : lock, ps -> {
            ps.setObject(1, projectId);
            if (together) {
                read.bind(ps, 2);
            }
            ps.execute();
            String found;
            try (java.sql.ResultSet rs = ps.getResultSet()) {
                found = rs.next() ? rs.getString(1) : null;
            }
            if (together) {
                if (!ps.getMoreResults()) {
                    throw new java.sql.SQLException("the placement read after the project lock returned no rows");
                }
                try (java.sql.ResultSet rs = ps.getResultSet()) {
                    read.read(rs);
                }
            }
            return found;
        });
        if (status == null) {
            throw new NotFoundException("project " + projectId + " not found");
        }
        if (!ProjectStatus.ACTIVE.name().equals(status)) {
            throw new FailedPreconditionException("project " + projectId + " is " + status
                    + "; tasks can be added only to an ACTIVE project");
        }
        if (read.sql() != null && !together) {
            jdbc.prepareStatement(read.sql(), ps -> {
                read.bind(ps, 1);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    read.read(rs);
                }
                return null;
            });
        }
    }

    /** The agent types of the specs that could be placed as they are created (no dependency, no gate). */
    private static Set<String> placeableTypes(List<NewTask> specs) {
        Set<String> types = new HashSet<>();
        for (NewTask spec : specs) {
            if (spec.dependsOn().isEmpty() && !spec.requiresApproval()) {
                types.add(spec.agentType());
            }
        }
        return types;
    }

    // Each task of a batch keeps its own key, so a repeated batch is found task by task.
    private static String batchRequestId(String requestId, int index) {
        return requestId + "/" + index;
    }

    private List<Task> earlierBatch(String requestId) {
        List<Task> out = new ArrayList<>();
        for (int i = 0; ; i++) {
            Optional<Task> t = tasks.findByRequestId(batchRequestId(requestId, i));
            if (t.isEmpty()) {
                return out;
            }
            out.add(t.get());
        }
    }

    /**
     * Stores new tasks of a project in the current transaction, resolving dependencies on
     * sibling keys and on existing tasks of the project.
     *
     * @param fields the request field of each spec, for error messages (e.g. "tasks[2]")
     * @param requestIds the idempotency key to store with each spec's task (null for none)
     */
    public List<Task> createAll(Changes c, UUID projectId, List<NewTask> specs, List<String> fields,
            IntFunction<String> requestIds) {
        return createAll(c, projectId, specs, fields, requestIds, false, PlacementRead.NONE);
    }

    /**
     * @param lastInTransaction nothing after this call in the transaction reads the new tasks, so
     *     their rows may be written with the transaction's events
     * @param read what the dispatcher read ahead for placing them ({@link DispatchSignal#prepare})
     */
    private List<Task> createAll(Changes c, UUID projectId, List<NewTask> specs, List<String> fields,
            IntFunction<String> requestIds, boolean lastInTransaction, PlacementRead read) {
        Map<String, UUID> keys = new HashMap<>();
        List<UUID> ids = new ArrayList<>();
        Violations v = new Violations();
        for (int i = 0; i < specs.size(); i++) {
            UUID id = Ids.next();
            ids.add(id);
            String key = specs.get(i).key();
            if (key != null && !key.isEmpty() && keys.put(key, id) != null) {
                v.add(fields.get(i) + ".key", "duplicate key '" + key + "'");
            }
        }
        List<Set<UUID>> upstream = new ArrayList<>();
        Map<UUID, Task> existing = lockUpstream(projectId, specs, keys);
        for (int i = 0; i < specs.size(); i++) {
            Set<UUID> ups = new LinkedHashSet<>();
            List<String> deps = specs.get(i).dependsOn();
            for (int j = 0; j < deps.size(); j++) {
                String dep = deps.get(j);
                String field = fields.get(i) + ".depends_on[" + j + "]";
                UUID up = keys.get(dep);
                if (up == null) {
                    UUID id = uuidOrNull(dep);
                    up = id != null && existing.containsKey(id) ? id : null;
                }
                if (up == null) {
                    v.add(field, "'" + Violations.abbreviate(dep) + "' is neither a task of this project nor a key"
                            + " of a task in this request");
                } else if (up.equals(ids.get(i))) {
                    v.add(field, "a task cannot depend on itself");
                } else {
                    ups.add(up);
                }
            }
            upstream.add(ups);
        }
        v.throwIfAny();
        rejectCycles(ids, upstream, fields);
        for (Task up : existing.values()) {
            if (up.status() == TaskStatus.FAILED || up.status() == TaskStatus.CANCELLED) {
                throw new FailedPreconditionException("dependency " + up.id() + " is " + up.status()
                        + " and will never complete");
            }
        }

        List<Task> created = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            NewTask s = specs.get(i);
            int unfinished = (int) upstream.get(i).stream()
                    .filter(id -> !existing.containsKey(id) || existing.get(id).status() != TaskStatus.COMPLETED)
                    .count();
            // A gate opens when the task could run: at once, or once its dependencies completed.
            boolean gateNow = s.requiresApproval() && unfinished == 0;
            TaskStatus status = gateNow ? TaskStatus.WAITING_FOR_HITL : TaskStatus.PENDING;
            Task t = new Task.Builder()
                    .id(ids.get(i)).projectId(projectId).agentType(s.agentType()).instructions(s.instructions())
                    .inputJson(s.inputJson()).status(status)
                    .statusReason(gateNow ? "waiting for approval" : unfinished > 0
                            ? "waiting for " + unfinished + " dependencies" : "created")
                    .attempt(1).retryPolicy(s.retryPolicy()).timeoutMs(s.timeout().toMillis())
                    .priority(s.priority()).labelSelectorJson(Json.printStringMap(s.labelSelector()))
                    .requiresApproval(s.requiresApproval()).approvalQuestion(s.approvalQuestion())
                    .unfinishedDeps(unfinished)
                    .requestId(requestIds.apply(i))
                    .createdAt(c.now()).updatedAt(c.now())
                    .build();
            created.add(t);
        }
        // Placed before they are stored: a task an idle worker takes is inserted assigned, one
        // statement instead of an insert and an update. Returned and announced as created
        // (PENDING) all the same; the assignment follows in the same commit.
        List<Task> placeable = created.stream()
                .filter(t -> t.status() == TaskStatus.PENDING && t.unfinishedDeps() == 0).toList();
        Map<UUID, Task> placed = Map.of();
        if (!placeable.isEmpty()) {
            Map<UUID, Set<UUID>> upstreamOf = new HashMap<>();
            for (int i = 0; i < specs.size(); i++) {
                upstreamOf.put(ids.get(i), upstream.get(i));
            }
            placed = dispatch.placeNow(c, NewlyCreated.of(placeable, upstreamOf), read);
        }
        List<Task> rows = new ArrayList<>(created.size());
        for (Task t : created) {
            rows.add(placed.getOrDefault(t.id(), t));
        }
        // One batched insert instead of a round trip per task (hand-written: the repository's
        // generic mapping cost more than the statement). Sent with the events, one round trip
        // fewer, unless rows that refer to the tasks follow (dependency edges, approval gates).
        boolean referred = upstream.stream().anyMatch(u -> !u.isEmpty())
                || created.stream().anyMatch(t -> t.status() == TaskStatus.WAITING_FOR_HITL);
        if (lastInTransaction && !referred) {
            taskRows.insertWithEvents(c, rows);
        } else {
            taskRows.insertAll(rows);
        }
        for (int i = 0; i < specs.size(); i++) {
            dependencies.add(ids.get(i), upstream.get(i));
        }
        List<Task> before = new ArrayList<>(placed.size());
        List<Task> after = new ArrayList<>(placed.size());
        for (Task t : created) {
            transitions.emitStatusChange(c, t, null);
            if (t.status() == TaskStatus.WAITING_FOR_HITL) {
                hitl.openGate(c, t);
            }
            if (placed.containsKey(t.id())) {
                before.add(t);
                after.add(placed.get(t.id()));
            }
        }
        transitions.recordAll(c, before, after);
        return created;
    }

    /**
     * The existing tasks of the project that the specs depend on, locked until the commit: a task
     * finishing meanwhile releases only the downstream tasks its transaction can see, so without
     * the lock one that completed just after this read would leave the new task waiting forever.
     * Locked in id order, as worker reports lock tasks.
     */
    private Map<UUID, Task> lockUpstream(UUID projectId, List<NewTask> specs, Map<String, UUID> keys) {
        Set<UUID> ids = new HashSet<>();
        for (NewTask spec : specs) {
            for (String dep : spec.dependsOn()) {
                UUID id = keys.containsKey(dep) ? null : uuidOrNull(dep);
                if (id != null) {
                    ids.add(id);
                }
            }
        }
        Map<UUID, Task> out = new HashMap<>();
        if (!ids.isEmpty()) {
            for (Task t : taskRows.lockAll(ids)) {
                if (t.projectId().equals(projectId)) {
                    out.put(t.id(), t);
                }
            }
        }
        return out;
    }

    private static UUID uuidOrNull(String s) {
        try {
            return s.length() == 36 ? UUID.fromString(s) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void rejectCycles(List<UUID> ids, List<Set<UUID>> upstream, List<String> fields) {
        Map<UUID, Integer> index = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            index.put(ids.get(i), i);
        }
        // Kahn's algorithm over the edges between new tasks; what is left over lies on a cycle.
        int[] indegree = new int[ids.size()];
        List<List<Integer>> down = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            down.add(new ArrayList<>());
        }
        for (int i = 0; i < ids.size(); i++) {
            for (UUID up : upstream.get(i)) {
                Integer u = index.get(up);
                if (u != null) {
                    indegree[i]++;
                    down.get(u).add(i);
                }
            }
        }
        java.util.ArrayDeque<Integer> ready = new java.util.ArrayDeque<>();
        for (int i = 0; i < ids.size(); i++) {
            if (indegree[i] == 0) {
                ready.add(i);
            }
        }
        Set<Integer> done = new HashSet<>();
        while (!ready.isEmpty()) {
            int i = ready.poll();
            done.add(i);
            for (int d : down.get(i)) {
                if (--indegree[d] == 0) {
                    ready.add(d);
                }
            }
        }
        if (done.size() < ids.size()) {
            Violations v = new Violations();
            for (int i = 0; i < ids.size(); i++) {
                if (!done.contains(i)) {
                    v.add(fields.get(i) + ".depends_on", "dependency cycle");
                }
            }
            v.throwIfAny();
        }
    }

    /** One task. */
    public Task get(UUID id) {
        return store.read(() -> tasks.findById(id)).orElseThrow(() -> notFound(id));
    }

    /** The tasks each task waits for. */
    public Map<UUID, List<UUID>> dependenciesOf(Collection<UUID> taskIds) {
        return store.read(() -> dependencies.upstreamOf(taskIds));
    }

    /** A filtered page of tasks, oldest first. */
    public Listing.Page<Task> list(UUID projectId, Collection<TaskStatus> statuses, String agentType, int pageSize,
            PageToken token) {
        return store.read(() -> new Listing<>(jdbc, "tasks", Task.class, t -> Listing.cursor(t.createdAt(), t.id()),
                UUID::fromString)
                .whereEquals("project_id", projectId)
                .whereIn("status", statuses.stream().map(Enum::name).toList())
                .whereEquals("agent_type", agentType)
                .page(pageSize, token, false));
    }

    /**
     * Cancels an unfinished task.
     *
     * @throws FailedPreconditionException if it is finished
     */
    public Task cancel(UUID id, String reason) {
        return store.write(c -> cancel(c, tasks.findByIdForUpdate(id).orElseThrow(() -> notFound(id)), reason));
    }

    /** Cancels a task read under lock in the current transaction, closing its open HITL requests. */
    public Task cancel(Changes c, Task task, String reason) {
        if (task.status().isTerminal()) {
            throw new FailedPreconditionException("task " + task.id() + " is " + task.status()
                    + "; only an unfinished task can be cancelled");
        }
        String why = reason == null || reason.isBlank() ? "cancelled by user" : reason;
        return transitions.stopOnWorker(c, task, TaskStatus.CANCELLED, why);
    }

    /**
     * Puts a FAILED or CANCELLED task back to PENDING as its next attempt; a task whose approval
     * gate was never passed waits for approval again. Reopens its project if it had ended.
     */
    public Task retry(UUID id) {
        return store.write(c -> {
            Task task = tasks.findByIdForUpdate(id).orElseThrow(() -> notFound(id));
            if (task.status() != TaskStatus.FAILED && task.status() != TaskStatus.CANCELLED) {
                throw new FailedPreconditionException("task " + id + " is " + task.status()
                        + "; only a FAILED or CANCELLED task can be retried");
            }
            Project p = projects.findByIdForUpdate(task.projectId()).orElseThrow();
            if (p.status() == ProjectStatus.CANCELLED) {
                throw new FailedPreconditionException("project " + p.id() + " is CANCELLED; its tasks cannot be retried");
            }
            if (p.status() != ProjectStatus.ACTIVE) {
                projects.update(p.withStatus(ProjectStatus.ACTIVE, "task " + id + " retried", c.now()));
                c.emit(dev.agentgrid.controlplane.event.EventTypes.WORKFLOW_EVENT, p.id(), null, null, null,
                        Json.object("event", "project_reopened", "project_id", p.id().toString(),
                                "message", "Project '" + p.name() + "' reopened: task " + id + " retried"));
            }
            Task pending = transitions.apply(c, task, TaskStatus.PENDING, "retried by user",
                    b -> b.attempt(task.attempt() + 1).notBefore(null).error(null, null).outputJson(null)
                            .progress(null, null, null));
            if (task.requiresApproval() && !hitl.gatePassed(task.id())) {
                pending = transitions.apply(c, pending, TaskStatus.WAITING_FOR_HITL, "waiting for approval", b -> b);
                hitl.openGate(c, pending);
            }
            return pending;
        });
    }

    private static NotFoundException notFound(UUID id) {
        return new NotFoundException("task " + id + " not found");
    }
}
