package dev.agentgrid.bench;

import dev.agentgrid.proto.v1.CreateTaskRequest;
import dev.agentgrid.proto.v1.TaskSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How long one task takes through an idle platform: tasks created one at a time, each waited for
 * before the next, so every worker is idle when a task arrives. First with simulated workers
 * (create_to_assign: the CreateTask call to the worker receiving AssignTask; create_to_complete:
 * to the COMPLETED event on a Subscribe stream), then with real worker processes running a no-op
 * command (create_to_started: to the RUNNING event).
 */
public final class LatencyScenario implements Scenario {
    /** Exits 0 at once without a result line, which completes the attempt; a shell builtin. */
    static final String NOOP_COMMAND = "true";
    private static final long TASK_TIMEOUT_MILLIS = 30_000;

    @Override
    public String name() {
        return "latency";
    }

    @Override
    public void run(Options options, Report report) throws Exception {
        int tasks = options.integer("tasks", 1000);
        // The first minutes of tasks run while the plane's JIT compiles its hot paths (on two cores
        // its one C2 thread was still busy a fifth of the time after 3,000 tasks, and p50 was half
        // as long again as after 20,000); a long-running plane is past that.
        int warmup = options.integer("warmup", 20_000);
        int workers = options.integer("workers", 4);
        int realWorkers = options.integer("real-workers", 1);
        int realTasks = options.integer("real-tasks", 200);
        int realWarmup = options.integer("real-warmup", 20);
        Path workerJar = Path.of(options.string("worker-jar", "worker-agent/target/agentgrid-worker.jar"));
        String db = options.string("db", "unknown");
        PlaneCpu planeCpu = PlaneCpu.of(options);
        String runId = RunIds.next();
        String simulatedType = "bench-noop-" + runId;
        String realType = "bench-real-" + runId;

        Arrivals assigned = new Arrivals();
        Arrivals started = new Arrivals();
        Arrivals completed = new Arrivals();
        try (PlaneConnection plane = PlaneConnection.open(options, 2);
                BenchProject project = BenchProject.create(plane, name(), runId);
                EventTail tail = project.tail(e -> {
                    long now = System.nanoTime();
                    String status = BenchProject.stringField(e, "status");
                    if (status.equalsIgnoreCase("RUNNING")) {
                        started.arrived(e.getTaskId(), now);
                    } else if (status.equalsIgnoreCase("COMPLETED")) {
                        completed.arrived(e.getTaskId(), now);
                    } else if (status.equalsIgnoreCase("FAILED") || status.equalsIgnoreCase("CANCELLED")) {
                        // Fails the wait for this task at once rather than after the timeout.
                        completed.failed(e.getTaskId(), "task " + e.getTaskId() + " ended " + status
                                + ": " + BenchProject.stringField(e, "reason"));
                    }
                }, Duration.ofSeconds(30));
                SimulatedWorkerFleet fleet = new SimulatedWorkerFleet(plane, runId, simulatedType, 1,
                        (worker, task, at) -> assigned.arrived(task.getTaskId(), at), report)) {
            fleet.connect(workers, 1000, Duration.ofSeconds(30));
            LatencyRecorder toAssign = new LatencyRecorder();
            LatencyRecorder toComplete = new LatencyRecorder();
            report.note("%d+%d tasks one at a time on %d simulated workers", warmup, tasks, workers);
            dev.agentgrid.proto.v1.GetStatsResponse before = null;
            for (int i = 0; i < warmup + tasks; i++) {
                if (i == warmup) {
                    planeCpu.awaitQuiet(report); // the warm-up's compilations done first
                    planeCpu.start();
                    before = stats(plane);
                }
                long t0 = System.nanoTime();
                String id = create(plane, project, simulatedType, i);
                long done = completed.await(id, TASK_TIMEOUT_MILLIS, "COMPLETED event");
                long got = assigned.await(id, TASK_TIMEOUT_MILLIS, "AssignTask");
                if (i >= warmup) {
                    toAssign.record(got - t0);
                    toComplete.record(done - t0);
                }
                forget(id, assigned, started, completed);
                tail.check();
            }
            planeCpu.stop();
            // The plane's own share of create-to-assign: CreateTask from the call's arrival to its
            // reply, which includes placing the task and committing (the rest is the two gRPC hops).
            BucketHistogram inPlane = BucketHistogram.named(stats(plane), "create_tasks")
                    .minus(before == null ? BucketHistogram.EMPTY : BucketHistogram.named(before, "create_tasks"));
            Report.Line line = report.line(name())
                    .put("tasks", tasks)
                    .put("warmup", warmup)
                    .put("workers", workers)
                    .latency("create_to_assign", toAssign)
                    .put("plane_create_p50_ms", inPlane.percentileMicros(50) / 1000.0)
                    .put("plane_create_p99_ms", inPlane.percentileMicros(99) / 1000.0)
                    .latency("create_to_complete", toComplete)
                    .put("server_closed", fleet.counters().serverClosed.sum())
                    .put("stream_errors", fleet.counters().errors.sum());
            planeCpu.put(line);
            line.put("db", db).print();
            Checks.require(fleet.counters().serverClosed.sum() + fleet.counters().errors.sum() == 0,
                    "worker streams ended: %s closed by the plane, errors %s",
                    fleet.counters().serverClosed.sum(), fleet.errorCodes());

            if (realWorkers > 0) {
                runRealWorkers(plane, project, tail, realWorkers, realTasks, realWarmup, workerJar, realType, runId,
                        db, started, completed, report);
            }
        }
    }

    private static dev.agentgrid.proto.v1.GetStatsResponse stats(PlaneConnection plane) {
        return plane.stats().withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
                .getStats(dev.agentgrid.proto.v1.GetStatsRequest.getDefaultInstance());
    }

    private void runRealWorkers(PlaneConnection plane, BenchProject project, EventTail tail, int count, int tasks,
            int warmup, Path jar, String agentType, String runId, String db, Arrivals started, Arrivals completed,
            Report report) throws Exception {
        List<RealWorkerProcess> processes = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                processes.add(RealWorkerProcess.start(jar, plane.target(), "bench-" + runId + "-real-" + i, agentType,
                        NOOP_COMMAND, 1));
            }
            long launched = System.nanoTime();
            for (RealWorkerProcess p : processes) {
                p.awaitOnline(plane, Duration.ofSeconds(60));
            }
            report.note("%d real worker(s) ONLINE %.1f s after launch; %d+%d tasks one at a time running '%s'",
                    count, (System.nanoTime() - launched) / 1e9, warmup, tasks, NOOP_COMMAND);
            LatencyRecorder toStarted = new LatencyRecorder();
            LatencyRecorder toComplete = new LatencyRecorder();
            for (int i = 0; i < warmup + tasks; i++) {
                long t0 = System.nanoTime();
                String id = create(plane, project, agentType, i);
                long done = completed.await(id, TASK_TIMEOUT_MILLIS, "COMPLETED event");
                Long running = started.ifArrived(id);
                if (i >= warmup) {
                    toComplete.record(done - t0);
                    if (running != null) {
                        toStarted.record(running - t0);
                    }
                }
                forget(id, started, completed);
                tail.check();
            }
            Report.Line line = report.line("latency_real_worker")
                    .put("tasks", tasks)
                    .put("workers", count);
            if (toStarted.count() > 0) {
                line.latency("create_to_started", toStarted);
            }
            line.latency("create_to_complete", toComplete).put("db", db).print();
        } finally {
            for (RealWorkerProcess p : processes) {
                p.close();
            }
        }
    }

    private static String create(PlaneConnection plane, BenchProject project, String agentType, int n) {
        return plane.tasks().createTask(CreateTaskRequest.newBuilder()
                .setProjectId(project.id())
                .setTask(TaskSpec.newBuilder().setAgentType(agentType).setInstructions("noop " + n))
                .build()).getTask().getId();
    }

    private static void forget(String id, Arrivals... all) {
        for (Arrivals a : all) {
            a.forget(id);
        }
    }
}
