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

    static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
