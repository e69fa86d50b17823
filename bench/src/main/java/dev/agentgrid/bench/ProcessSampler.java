package dev.agentgrid.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches another process while a scenario runs: its resident memory (read from /proc every
 * 500 ms) and, for a JVM, its heap. The heap comes from one {@code jstat -gc <pid> 1000} run for
 * the whole window (one extra JVM, rather than a {@code jcmd} per sample on a small machine);
 * used heap is the sum of the survivor, eden and old spaces' usage, which works for every
 * collector. Peaks between two samples are missed, so the figures are lower bounds.
 */
final class ProcessSampler implements AutoCloseable {
    private final long pid;
    private final AtomicLong maxRss = new AtomicLong(-1);
    private final AtomicLong maxHeapUsed = new AtomicLong(-1);
    private final AtomicLong maxHeapCommitted = new AtomicLong(-1);
    private final Thread rssThread;
    private final Process jstat;
    private volatile boolean running = true;

    private ProcessSampler(long pid, boolean heap) throws IOException {
        this.pid = pid;
        rssThread = new Thread(this::sampleRss, "rss-" + pid);
        rssThread.setDaemon(true);
        rssThread.start();
        if (heap) {
            String jstatBin = Path.of(System.getProperty("java.home"), "bin", "jstat").toString();
            jstat = new ProcessBuilder(jstatBin, "-gc", Long.toString(pid), "1000").redirectErrorStream(true).start();
            Thread reader = new Thread(this::readJstat, "jstat-" + pid);
            reader.setDaemon(true);
            reader.start();
        } else {
            jstat = null;
        }
    }

    /** Samples {@code pid}'s RSS, and its heap too when {@code heap} (the process must be a JVM of this user). */
    static ProcessSampler start(long pid, boolean heap) throws IOException {
        return new ProcessSampler(pid, heap);
    }

    private void sampleRss() {
        while (running) {
            long rss = ProcStats.rssBytes(pid);
            maxRss.accumulateAndGet(rss, Math::max);
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void readJstat() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
            List<String> header = null;
            String line;
            while ((line = in.readLine()) != null) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length > 0 && cols[0].equals("S0C")) {
                    header = Arrays.asList(cols);
                } else if (header != null && cols.length == header.size()) {
                    maxHeapUsed.accumulateAndGet(kib(header, cols, "S0U", "S1U", "EU", "OU"), Math::max);
                    maxHeapCommitted.accumulateAndGet(kib(header, cols, "S0C", "S1C", "EC", "OC"), Math::max);
                }
            }
        } catch (IOException | RuntimeException e) {
            // jstat went away or printed something unexpected: the heap figures stay as they are (-1 if none).
        }
    }

    private static long kib(List<String> header, String[] cols, String... names) {
        double sum = 0;
        for (String n : names) {
            int i = header.indexOf(n);
            if (i >= 0 && !cols[i].equals("-")) {
                sum += Double.parseDouble(cols[i]);
            }
        }
        return (long) (sum * 1024);
    }

    /** Largest VmRSS seen in MiB, or -1 if none. */
    double maxRssMib() {
        return maxRss.get() < 0 ? -1 : ProcStats.mib(maxRss.get());
    }

    /** Largest used heap seen in MiB, or -1 if none (no jstat, or it could not attach). */
    double maxHeapUsedMib() {
        return maxHeapUsed.get() < 0 ? -1 : ProcStats.mib(maxHeapUsed.get());
    }

    /** Largest committed heap seen in MiB, or -1 if none. */
    double maxHeapCommittedMib() {
        return maxHeapCommitted.get() < 0 ? -1 : ProcStats.mib(maxHeapCommitted.get());
    }

    @Override
    public void close() {
        running = false;
        rssThread.interrupt();
        if (jstat != null) {
            jstat.destroy();
        }
    }
}
