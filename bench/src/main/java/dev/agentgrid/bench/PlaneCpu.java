package dev.agentgrid.bench;

import java.time.Duration;

/**
 * The plane process's CPU, from {@code /proc}: a wait until it is quiet before a measured round,
 * and what it used during the round, its JIT compiler threads apart, beside the whole machine's.
 * On two cores HotSpot has one C2 thread, and a warm-up round leaves it with a queue of first
 * compilations (about a minute of them under throughput load); a round started meanwhile shares
 * the machine with it.
 */
final class PlaneCpu {
    private final long pid;
    private final Duration quietTimeout;
    private long cpuAtStart;
    private long jitAtStart;
    private long nanoAtStart;
    private long[] machineAtStart;
    private long selfAtStart;
    private double selfPct = -1;
    private double cpuPct = -1;
    private double jitPct = -1;
    private double machinePct = -1;

    private PlaneCpu(long pid, Duration quietTimeout) {
        this.pid = pid;
        this.quietTimeout = quietTimeout;
    }

    /**
     * From {@code --plane-pid} (none: unknown, and every method does nothing) and
     * {@code --quiet-timeout} (120 s), the options of every scenario that uses it.
     */
    static PlaneCpu of(Options options) {
        String planePid = options.string("plane-pid", "");
        return new PlaneCpu(planePid.isEmpty() ? -1 : Long.parseLong(planePid),
                options.duration("quiet-timeout", Duration.ofSeconds(120)));
    }

    boolean known() {
        return pid > 0;
    }

    /**
     * Waits until the plane is quiet ({@link QuietWait}), at most the quiet timeout; not at all if
     * the pid is unknown.
     */
    void awaitQuiet(Report report) throws InterruptedException {
        if (known()) {
            QuietWait.await(pid, "plane", quietTimeout, report);
        }
    }

    /** Marks the start of a measured window. */
    void start() {
        if (known()) {
            cpuAtStart = ProcStats.cpuNanos(pid);
            jitAtStart = ProcStats.jitCpuNanos(pid);
            nanoAtStart = System.nanoTime();
            machineAtStart = ProcStats.machineCpuTicks();
            selfAtStart = ProcStats.cpuNanos(ProcessHandle.current().pid());
        }
    }

    /** Ends the window: what the plane, its JIT, this generator and the machine used since {@link #start}. */
    void stop() {
        if (known()) {
            double wall = System.nanoTime() - nanoAtStart;
            cpuPct = 100.0 * (ProcStats.cpuNanos(pid) - cpuAtStart) / wall;
            jitPct = 100.0 * (ProcStats.jitCpuNanos(pid) - jitAtStart) / wall;
            selfPct = 100.0 * (ProcStats.cpuNanos(ProcessHandle.current().pid()) - selfAtStart) / wall;
            long[] machine = ProcStats.machineCpuTicks();
            if (machine != null && machineAtStart != null && machine[1] > machineAtStart[1]) {
                machinePct = 100.0 * (machine[0] - machineAtStart[0]) / (machine[1] - machineAtStart[1]);
            }
        }
    }

    /**
     * Adds the window's figures: the plane's CPU and its JIT's and this load generator's in % of
     * one core, how busy the whole machine was in % of all its cores (nothing if the pid is
     * unknown). What the machine used beyond the plane and the generator is mostly the database.
     */
    void put(Report.Line line) {
        if (known()) {
            line.put("plane_cpu_pct", cpuPct).put("plane_jit_cpu_pct", jitPct).put("generator_cpu_pct", selfPct)
                    .put("machine_cpu_busy_pct", machinePct);
        }
    }
}
