package dev.agentgrid.bench;

import java.time.Duration;

/**
 * Waits until another process is quiet: under a tenth of a core for two seconds in a row. Run
 * before a measured round, so that the round does not share the machine with what the warm-up
 * left behind (the plane's JIT compiler working through its queue, the bridge writing out frames
 * still queued). Real seconds on purpose: it watches another process's CPU, which no clock of this
 * one can stand in for.
 */
final class QuietWait {
    /** A second in which the process used less than this share of a core counts as quiet. */
    private static final double QUIET_SHARE = 0.10;
    private static final int QUIET_SECONDS = 2;

    private QuietWait() {
    }

    /** Waits at most {@code timeout}, then notes how long it waited and whether it was quiet. */
    static void await(long pid, String what, Duration timeout, Report report) throws InterruptedException {
        long start = System.nanoTime();
        int quiet = 0;
        long before = ProcStats.cpuNanos(pid);
        while (quiet < QUIET_SECONDS && System.nanoTime() - start < timeout.toNanos()) {
            Thread.sleep(1000);
            long after = ProcStats.cpuNanos(pid);
            if (after < 0) {
                throw new IllegalStateException("the " + what + " (pid " + pid + ") is gone");
            }
            quiet = after - before < QUIET_SHARE * 1e9 ? quiet + 1 : 0;
            before = after;
        }
        report.note(quiet >= QUIET_SECONDS ? "%s quiet after %.0f s" : "%s still busy after %.0f s; going on",
                what, (System.nanoTime() - start) / 1e9);
    }
}
