package dev.agentgrid.bench;

import dev.agentgrid.proto.v1.GetStatsRequest;
import dev.agentgrid.proto.v1.GetTaskRequest;
import dev.agentgrid.proto.v1.GetStatsResponse;
import dev.agentgrid.proto.v1.SubscribeRequest;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether one plane keeps many connected workers alive: a fleet of simulated workers heartbeats for
 * a while (with a trickle of tasks), and the plane's own heartbeat handling latency over that
 * window (the difference of two GetStats snapshots), its memory and CPU are reported. None of the
 * workers ever leaves, so every OFFLINE event for one of them is false, as is every stream the
 * plane closes.
 */
public final class WorkersScenario implements Scenario {
    private static final String WORKER_STATUS = "worker_status";
    private static final double MB = 1024.0 * 1024.0;

    @Override
    public String name() {
        return "workers";
    }

    @Override
    public void run(Options options, Report report) throws Exception {
        int workers = options.integer("workers", 10_000);
        Duration duration = options.duration("duration", Duration.ofMinutes(10));
        int ramp = options.integer("ramp", 1000);
        int taskRate = options.integer("task-rate", 20);
        Duration sampleEvery = options.duration("sample", Duration.ofSeconds(10));
        String planePid = options.string("plane-pid", "");
        String db = options.string("db", "unknown");
        Duration settleOption = options.duration("settle", Duration.ZERO);
        Long proc = planePid.isEmpty() ? null : Long.parseLong(planePid);
        String runId = RunIds.next();
        String agentType = "bench-noop-" + runId;

        AtomicBoolean counting = new AtomicBoolean(true);
        AtomicLong falseOffline = new AtomicLong();
        AtomicLong onlineEvents = new AtomicLong();
        Set<String> completed = ConcurrentHashMap.newKeySet();

        try (PlaneConnection plane = PlaneConnection.open(options, 16);
                SimulatedWorkerFleet fleet = new SimulatedWorkerFleet(plane, runId, agentType, 4,
                        AssignmentListener.NONE, report);
                EventTail statuses = EventTail.open(plane, SubscribeRequest.newBuilder()
                        .setAfterSeq(-1).addEventTypes(WORKER_STATUS).build(), e -> {
                            if (!e.getWorkerId().startsWith(fleet.workerIdPrefix()) || !counting.get()) {
                                return;
                            }
                            String status = BenchProject.stringField(e, "status");
                            if (status.equalsIgnoreCase("OFFLINE")) {
                                if (falseOffline.getAndIncrement() == 0) {
                                    report.note("  worker %s went OFFLINE: %s", e.getWorkerId(),
                                            BenchProject.stringField(e, "reason"));
                                }
                            } else if (status.equalsIgnoreCase("ONLINE")) {
                                onlineEvents.incrementAndGet();
                            }
                        });
                BenchProject project = BenchProject.create(plane, name(), runId);
                EventTail tasks = project.tail(e -> {
                    if (BenchProject.stringField(e, "status").equalsIgnoreCase("COMPLETED")) {
                        completed.add(e.getTaskId());
                    }
                }, Duration.ofSeconds(30))) {
            ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, r -> {
                Thread t = new Thread(r, "bench-workers-timers");
                t.setDaemon(true);
                return t;
            });
            TaskTrickle trickle = new TaskTrickle(plane, project.id(), agentType);
            try {
                report.note("connecting %d workers at %d/s over %d channels", workers, ramp, plane.size());
                fleet.connect(workers, ramp, Duration.ofSeconds(120));
                Duration heartbeatInterval = heartbeatInterval(fleet);
                Duration settle = settleOption.isZero() ? heartbeatInterval.multipliedBy(2) : settleOption;
                report.note("settling for %s (heartbeat interval %s)", settle, heartbeatInterval);
                TimeUnit.MILLISECONDS.sleep(settle.toMillis());
                statuses.check();
                Checks.require(onlineEvents.get() > 0, "no ONLINE worker_status event for this run's workers: is the tail live?");

                Samples samples = new Samples(plane, proc);
                GetStatsResponse first = samples.take();
                long heartbeatsSentBefore = fleet.counters().heartbeats.sum();
                // The heartbeat p99 of each interval, to show whether slow heartbeats are spread over
                // the run or bunched in stalls.
                var previous = new java.util.concurrent.atomic.AtomicReference<>(first);
                var sampler = timers.scheduleAtFixedRate(() -> {
                    try {
                        GetStatsResponse s = samples.take();
                        BucketHistogram interval = BucketHistogram.named(s, "heartbeat").minus(BucketHistogram.named(previous.getAndSet(s),
                                "heartbeat"));
                        report.note("  connected=%d heap_used=%.0f MB rss=%s threads=%d, tasks completed %d/%d,"
                                + " heartbeat p99 %.1f ms max %.1f ms", s.getConnectedWorkers(),
                                s.getJvm().getHeapUsedBytes() / MB,
                                proc == null ? "?" : String.format("%.0f MB", samples.rssMax / MB),
                                s.getJvm().getThreads(), completed.size(), trickle.created().size(),
                                interval.percentileMicros(99) / 1000.0, interval.maxBoundMicros() / 1000.0);
                    } catch (Exception e) {
                        report.note("  sample failed: %s", e);
                    }
                }, sampleEvery.toMillis(), sampleEvery.toMillis(), TimeUnit.MILLISECONDS);
                if (taskRate > 0) {
                    trickle.start(timers, taskRate);
                }

                TimeUnit.MILLISECONDS.sleep(duration.toMillis());

                trickle.stop(Duration.ofSeconds(30));
                sampler.cancel(false);
                GetStatsResponse last = samples.take();
                long heartbeatsSent = fleet.counters().heartbeats.sum() - heartbeatsSentBefore;
                counting.set(false);
                statuses.check();
                tasks.check();
                Set<String> created = trickle.created();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!completed.containsAll(created) && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                long notCompleted = created.stream().filter(id -> !completed.contains(id)).count();
                created.stream().filter(id -> !completed.contains(id)).limit(3).forEach(id -> {
                    var t = plane.tasks().getTask(GetTaskRequest.newBuilder().setTaskId(id).build())
                            .getTask();
                    report.note("  not completed: task %s is %s (%s) on '%s'", id, t.getStatus(), t.getStatusReason(),
                            t.getWorkerId());
                });

                BucketHistogram heartbeats = BucketHistogram.named(last, "heartbeat").minus(BucketHistogram.named(first, "heartbeat"));
                double wallSeconds = seconds(last.getTime()) - seconds(first.getTime());
                double planeCpu = seconds(last.getJvm().getProcessCpuTime()) - seconds(first.getJvm().getProcessCpuTime());
                Report.Line line = report.line(name())
                        .put("workers", workers)
                        .put("seconds", wallSeconds)
                        .put("heartbeats", heartbeats.count())
                        .put("heartbeats_sent", heartbeatsSent)
                        .put("heartbeats_coalesced", fleet.counters().heartbeatsCoalesced.sum())
                        .put("heartbeat_p50_ms", heartbeats.percentileMicros(50) / 1000.0)
                        .put("heartbeat_p99_ms", heartbeats.percentileMicros(99) / 1000.0)
                        .put("heartbeat_max_ms", heartbeats.maxBoundMicros() / 1000.0)
                        .put("false_offline", falseOffline.get())
                        .put("server_closed", fleet.counters().serverClosed.sum())
                        .put("stream_errors", fleet.counters().errors.sum())
                        .put("connected_at_end", last.getConnectedWorkers())
                        .put("heap_max_mb", samples.heapMax / MB)
                        .put("heap_used_after_gc_peak_mb", last.getJvm().getHeapUsedAfterGcPeakBytes() / MB)
                        .put("cpu_avg_pct", 100.0 * planeCpu / wallSeconds);
                if (proc != null) {
                    double procSeconds = (samples.procAtLast - samples.procAtFirst) / 1e9;
                    line.put("rss_max_mb", samples.rssMax / MB)
                            .put("proc_cpu_avg_pct", 100.0 * (samples.procCpuLast - samples.procCpuFirst) / procSeconds);
                    // What bounds the heartbeat's tail on a shared small machine: how busy the
                    // machine was, and how long the plane's threads waited for a CPU meanwhile.
                    if (samples.runQueueWaitFirst >= 0 && samples.runQueueWaitLast >= 0) {
                        line.put("plane_runqueue_wait_ms_per_s",
                                (samples.runQueueWaitLast - samples.runQueueWaitFirst) / 1e6 / procSeconds);
                    }
                    if (samples.machineFirst != null && samples.machineLast != null) {
                        line.put("machine_cpu_busy_pct", 100.0 * (samples.machineLast[0] - samples.machineFirst[0])
                                / (samples.machineLast[1] - samples.machineFirst[1]));
                    }
                }
                line.put("tasks_created", created.size())
                        .put("tasks_completed", created.size() - notCompleted)
                        .put("task_create_failures", trickle.failures())
                        .put("db", db)
                        .print();
                Checks.require(falseOffline.get() == 0, "%d OFFLINE events for workers that never left", falseOffline.get());
                Checks.require(fleet.counters().serverClosed.sum() + fleet.counters().errors.sum() == 0,
                        "worker streams ended: %s closed by the plane, errors %s",
                        fleet.counters().serverClosed.sum(), fleet.errorCodes());
                Checks.require(trickle.failures() == 0, "%d CreateTask calls failed, first: %s",
                        trickle.failures(), trickle.firstFailure());
                Checks.require(notCompleted == 0, "%d of %d tasks not completed 30 s after the run",
                        notCompleted, created.size());
            } finally {
                timers.shutdownNow();
            }
        }
    }

    /** The interval the plane gave the workers in Welcome. */
    private static Duration heartbeatInterval(SimulatedWorkerFleet fleet) {
        var d = fleet.heartbeatInterval();
        return Duration.ofSeconds(d.getSeconds(), d.getNanos());
    }

    private static double seconds(com.google.protobuf.Timestamp t) {
        return t.getSeconds() + t.getNanos() / 1e9;
    }

    private static double seconds(com.google.protobuf.Duration d) {
        return d.getSeconds() + d.getNanos() / 1e9;
    }

    /** GetStats and /proc samples, keeping the highs. */
    private static final class Samples {
        private final PlaneConnection plane;
        private final Long proc;
        volatile long heapMax;
        volatile long rssMax;
        volatile double procCpuFirst = Double.NaN;
        volatile double procCpuLast;
        volatile long procAtFirst;
        volatile long procAtLast;
        volatile long runQueueWaitFirst;
        volatile long runQueueWaitLast;
        volatile long[] machineFirst;
        volatile long[] machineLast;

        Samples(PlaneConnection plane, Long proc) {
            this.plane = plane;
            this.proc = proc;
        }

        synchronized GetStatsResponse take() throws java.io.IOException {
            GetStatsResponse s = plane.stats().withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getStats(GetStatsRequest.getDefaultInstance());
            heapMax = Math.max(heapMax, s.getJvm().getHeapUsedBytes());
            if (proc != null) {
                rssMax = Math.max(rssMax, ProcStats.rssBytes(proc));
                double cpu = ProcStats.cpuNanos(proc) / 1e9;
                long now = System.nanoTime();
                long waited = ProcStats.runQueueWaitNanos(proc);
                long[] machine = ProcStats.machineCpuTicks();
                if (Double.isNaN(procCpuFirst)) {
                    procCpuFirst = cpu;
                    procAtFirst = now;
                    runQueueWaitFirst = waited;
                    machineFirst = machine;
                }
                procCpuLast = cpu;
                procAtLast = now;
                runQueueWaitLast = waited;
                machineLast = machine;
            }
            return s;
        }
    }
}
