package dev.agentgrid.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux says about a process: resident memory from {@code /proc/<pid>/status} and CPU time
 * from {@code /proc/<pid>/stat}. Figures of the process itself, not of its children.
 */
final class ProcStats {
    /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ); 100 on every Linux we run on. */
    private static final long TICKS_PER_SECOND = 100;

    private ProcStats() {
    }

    /** VmRSS in bytes, or -1 if the process is gone. */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024;
                }
            }
            return -1;
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    /** User plus system CPU time in nanoseconds, or -1 if the process is gone. */
    static long cpuNanos(long pid) {
        try {
            return cpuNanosOf(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    /** Parses utime + stime (fields 14 and 15) of a {@code /proc/<pid>/stat} line. */
    static long cpuNanosOf(String stat) {
        // The command name (field 2) may hold spaces; the fields after it start past its ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    }

    /**
     * Time the process's threads spent runnable but waiting for a CPU, in nanoseconds (the second
     * field of each {@code /proc/<pid>/task/<tid>/schedstat}); threads that ended are not counted.
     * -1 if the process is gone or the kernel keeps no schedstats.
     */
    static long runQueueWaitNanos(long pid) {
        return sumOverThreads(pid, "schedstat", schedstat -> Long.parseLong(schedstat.trim().split("\\s+")[1]));
    }

    /**
     * CPU time of the process's JIT compiler threads (named {@code C1 CompilerThre…} and {@code C2
     * CompilerThre…} in {@code /proc/<pid>/task/<tid>/stat}) in nanoseconds; threads that ended
     * are not counted (HotSpot may stop idle compiler threads). -1 if the process is gone.
     */
    static long jitCpuNanos(long pid) {
        return sumOverThreads(pid, "stat", stat -> isJitThread(stat) ? cpuNanosOf(stat) : 0);
    }

    /**
     * The sum over the process's live threads of a figure read from one file of each
     * ({@code /proc/<pid>/task/<tid>/<file>}); a thread that ends meanwhile adds nothing. -1 if
     * the process is gone or a file does not read as expected.
     */
    private static long sumOverThreads(long pid, String file, java.util.function.ToLongFunction<String> figure) {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            long sum = 0;
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    sum += figure.applyAsLong(Files.readString(task.resolve(file)));
                } catch (IOException threadEnded) {
                    // gone between listing and reading
                }
            }
            return sum;
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    /** Whether a thread's {@code stat} line is a HotSpot compiler thread's (its name cut to 15 characters). */
    static boolean isJitThread(String stat) {
        String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
    }

    /**
     * The machine's CPU time as {busy, total} in clock ticks, from the first line of
     * {@code /proc/stat} (idle and iowait count as not busy); null if unreadable.
     */
    static long[] machineCpuTicks() {
        try {
            return machineCpuTicksOf(Files.readAllLines(Path.of("/proc/stat")).get(0));
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    /** Parses the {@code cpu} line of {@code /proc/stat}. */
    static long[] machineCpuTicksOf(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        long total = 0;
        // user nice system idle iowait irq softirq steal (guest time is already in user)
        for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
        return new long[] {total - idle, total};
    }

    static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
