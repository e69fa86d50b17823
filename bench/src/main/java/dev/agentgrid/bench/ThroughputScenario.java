package dev.agentgrid.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import dev.agentgrid.proto.v1.CreateTasksRequest;
import dev.agentgrid.proto.v1.CreateTasksResponse;
import dev.agentgrid.proto.v1.Event;
import dev.agentgrid.proto.v1.ListTasksRequest;
import dev.agentgrid.proto.v1.ListTasksResponse;
import dev.agentgrid.proto.v1.Task;
import dev.agentgrid.proto.v1.TaskSpec;
import dev.agentgrid.proto.v1.TaskStatus;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How fast the platform gets many no-op tasks done: batches of CreateTasks (several in flight)
 * into one project served by a few simulated workers with many slots, timed from the first create
 * call to the last COMPLETED event. Fails if a task was lost, assigned twice or completed twice.
 */
public final class ThroughputScenario implements Scenario {
    @Override
    public String name() {
        return "throughput";
    }

    private Options planeOptions;
    private PlaneCpu planeCpu;

    @Override
    public void run(Options options, Report report) throws Exception {
        int tasks = options.integer("tasks", 20_000);
        int workers = options.integer("workers", 32);
        int slots = options.integer("slots", 64);
        int batch = options.integer("batch", 1000);
        int inflight = options.integer("inflight", 4);
        Duration stall = options.duration("stall-timeout", Duration.ofSeconds(60));
        String db = options.string("db", "unknown");
        int warmup = options.integer("warmup-tasks", 20_000);
        int warmupRounds = options.integer("warmup-rounds", 3);
        planeCpu = PlaneCpu.of(options);
        planeOptions = options;
        for (int r = 0; r < warmupRounds && warmup > 0; r++) {
            // The plane's JIT compiles its hot paths during the first thousands of tasks: first,
            // unreported rounds keep compilation out of the measured figure (their lines say so).
            report.note("warm-up round %d of %d tasks (reported as throughput_warmup)", r + 1, warmup);
            round(warmup, workers, slots, batch, inflight, stall, db, report, "throughput_warmup");
            // What the warm-up left the JIT to compile, and the compilation of its own ListTasks
            // check, would otherwise run during the measured round (one C2 thread on two cores).
            planeCpu.awaitQuiet(report);
        }
        round(tasks, workers, slots, batch, inflight, stall, db, report, name());
    }

    private void round(int tasks, int workers, int slots, int batch, int inflight, Duration stall, String db,
            Report report, String lineName) throws Exception {
        if (tasks < 1 || batch < 1 || batch > 1000 || inflight < 1 || workers < 1) {
            throw new IllegalArgumentException("expected tasks >= 1, 1 <= batch <= 1000, inflight >= 1, workers >= 1");
        }
        String runId = RunIds.next();
        String agentType = "bench-noop-" + runId;

        ConcurrentHashMap<String, AtomicInteger> assigned = new ConcurrentHashMap<>();
        ConcurrentHashMap<String, AtomicInteger> completed = new ConcurrentHashMap<>();
        AtomicInteger distinctCompleted = new AtomicInteger();
        AtomicInteger unsuccessful = new AtomicInteger();
        AtomicLong lastCompletedNanos = new AtomicLong();

        try (PlaneConnection plane = PlaneConnection.open(planeOptions, 4);
                BenchProject project = BenchProject.create(plane, name(), runId);
                EventTail tail = project.tail(e -> {
                    String status = BenchProject.stringField(e, "status");
                    if (status.equalsIgnoreCase("COMPLETED")) {
                        if (completed.computeIfAbsent(e.getTaskId(), k -> new AtomicInteger()).incrementAndGet() == 1) {
                            distinctCompleted.incrementAndGet();
                        }
                        lastCompletedNanos.set(System.nanoTime());
                    } else if (status.equalsIgnoreCase("FAILED") || status.equalsIgnoreCase("CANCELLED")) {
                        if (!e.getAgentType().startsWith("bench-hold-")) {
                            unsuccessful.incrementAndGet();
                        }
                    }
                }, Duration.ofSeconds(30));
                SimulatedWorkerFleet fleet = new SimulatedWorkerFleet(plane, runId, agentType, slots,
                        (worker, task, at) -> assigned.computeIfAbsent(task.getTaskId(), k -> new AtomicInteger())
                                .incrementAndGet(), report)) {
            report.note("project %s, %d workers x %d slots of %s", project.id(), workers, slots, agentType);
            fleet.connect(workers, 1000, Duration.ofSeconds(30));

            Set<String> created = ConcurrentHashMap.newKeySet();
            AtomicReference<Throwable> createFailure = new AtomicReference<>();
            Semaphore permits = new Semaphore(inflight);
            planeCpu.start();
            long start = System.nanoTime();
            for (int from = 0, n = 0; from < tasks && createFailure.get() == null; from += batch, n++) {
                int size = Math.min(batch, tasks - from);
                CreateTasksRequest.Builder req = CreateTasksRequest.newBuilder()
                        .setProjectId(project.id())
                        .setRequestId("bench-" + runId + "-" + n)
                        .setOmitSpecs(true);
                for (int i = 0; i < size; i++) {
                    req.addTasks(TaskSpec.newBuilder().setAgentType(agentType).setInstructions("noop " + (from + i)));
                }
                permits.acquire();
                Futures.addCallback(plane.tasksAsync().createTasks(req.build()), new FutureCallback<CreateTasksResponse>() {
                    @Override
                    public void onSuccess(CreateTasksResponse r) {
                        r.getTasksList().forEach(t -> created.add(t.getId()));
                        permits.release();
                    }

                    @Override
                    public void onFailure(Throwable t) {
                        createFailure.compareAndSet(null, t);
                        permits.release();
                    }
                }, MoreExecutors.directExecutor());
            }
            permits.acquire(inflight);
            long createdAt = System.nanoTime();
            if (createFailure.get() != null) {
                throw new IllegalStateException("CreateTasks failed: " + createFailure.get(), createFailure.get());
            }
            report.note("created %d tasks in %.2f s", created.size(), (createdAt - start) / 1e9);

            awaitCompleted(tasks, distinctCompleted, unsuccessful, tail, stall, report, fleet);
            long end = lastCompletedNanos.get();
            planeCpu.stop();
            // Anything doubled shows up right behind the last completion; give it a moment.
            TimeUnit.SECONDS.sleep(1);
            tail.check();

            int listed = 0;
            Set<String> listedIds = new HashSet<>();
            String page = "";
            do {
                ListTasksResponse r = plane.tasks().listTasks(ListTasksRequest.newBuilder()
                        .setProjectId(project.id()).addStatuses(TaskStatus.TASK_STATUS_COMPLETED)
                        .setPageSize(1000).setPageToken(page).build());
                for (Task t : r.getTasksList()) {
                    listed++;
                    listedIds.add(t.getId());
                }
                page = r.getNextPageToken();
            } while (!page.isEmpty());

            long duplicateAssignments = assigned.values().stream().filter(c -> c.get() > 1).count();
            long duplicateCompletions = completed.values().stream().filter(c -> c.get() > 1).count();
            long lost = created.stream().filter(id -> !completed.containsKey(id) || !listedIds.contains(id)).count();
            long unknown = completed.keySet().stream().filter(id -> !created.contains(id)).count();
            double seconds = (end - start) / 1e9;
            Report.Line line = report.line(lineName)
                    .put("tasks", tasks)
                    .put("workers", workers)
                    .put("slots", slots)
                    .put("batch", batch)
                    .put("inflight", inflight)
                    .put("tasks_per_s", tasks / seconds)
                    .put("create_per_s", tasks / ((createdAt - start) / 1e9))
                    .put("seconds", seconds)
                    .put("duplicates", duplicateAssignments + duplicateCompletions)
                    .put("duplicate_assignments", duplicateAssignments)
                    .put("duplicate_completions", duplicateCompletions)
                    .put("lost", lost)
                    .put("unsuccessful", unsuccessful.get())
                    .put("completed_events", completed.values().stream().mapToInt(AtomicInteger::get).sum())
                    .put("listed_completed", listed)
                    .put("server_closed", fleet.counters().serverClosed.sum())
                    .put("stream_errors", fleet.counters().errors.sum());
            planeCpu.put(line);
            line.put("db", db).print();
            Checks.require(created.size() == tasks, "created %d distinct tasks, asked for %d", created.size(), tasks);
            Checks.require(lost == 0, "%d tasks not completed (or not listed COMPLETED)", lost);
            Checks.require(unknown == 0, "%d COMPLETED events for tasks this run did not create", unknown);
            Checks.require(duplicateAssignments == 0, "%d tasks assigned more than once", duplicateAssignments);
            Checks.require(duplicateCompletions == 0, "%d tasks with more than one COMPLETED event", duplicateCompletions);
            Checks.require(listed == tasks, "ListTasks shows %d COMPLETED tasks, expected %d", listed, tasks);
            Checks.require(unsuccessful.get() == 0, "%d tasks failed or were cancelled", unsuccessful.get());
            Checks.require(fleet.counters().serverClosed.sum() + fleet.counters().errors.sum() == 0,
                    "worker streams ended: %s closed by the plane, errors %s",
                    fleet.counters().serverClosed.sum(), fleet.errorCodes());
        }
    }

    /** Waits until {@code expected} distinct tasks completed, failing if nothing moves for {@code stall}. */
    private static void awaitCompleted(int expected, AtomicInteger done, AtomicInteger unsuccessful, EventTail tail,
            Duration stall, Report report, SimulatedWorkerFleet fleet) throws Exception {
        int last = -1;
        long lastProgress = System.nanoTime();
        long lastNote = lastProgress;
        while (done.get() < expected) {
            tail.check();
            Checks.require(unsuccessful.get() == 0, "%d tasks failed or were cancelled", unsuccessful.get());
            long ended = fleet.counters().serverClosed.sum() + fleet.counters().errors.sum();
            Checks.require(ended < fleet.size(), "every worker stream ended (%s) with %d of %d tasks completed",
                    fleet.errorCodes(), done.get(), expected);
            int now = done.get();
            if (now != last) {
                last = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > stall.toNanos()) {
                throw new IllegalStateException("stalled: " + now + " of " + expected + " tasks completed, none for " + stall);
            }
            if (System.nanoTime() - lastNote > 5_000_000_000L) {
                lastNote = System.nanoTime();
                report.note("  %d/%d completed; workers got %d assignments, sent %d heartbeats", now, expected,
                        fleet.counters().assignments.sum(), fleet.counters().heartbeats.sum());
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
