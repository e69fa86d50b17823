package dev.agentgrid.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints results as machine-readable lines, {@code scenario metric=value metric=value ...}, and
 * keeps them for the summary printed at the end. Progress notes go to stderr so that stdout holds
 * only results.
 */
public final class Report {
    private final PrintStream out;
    private final PrintStream log;
    private final List<String> lines = new ArrayList<>();

    public Report(PrintStream out, PrintStream log) {
        this.out = out;
        this.log = log;
    }

    /** Starts a result line of {@code scenario}; {@link Line#print()} writes it. */
    public Line line(String scenario) {
        return new Line(scenario);
    }

    /** A progress note (stderr). */
    public void note(String format, Object... args) {
        log.println(String.format(Locale.ROOT, format, args));
        log.flush();
    }

    /** Every result line printed so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** One result line being built. */
    public final class Line {
        private final String scenario;
        private final Map<String, String> metrics = new LinkedHashMap<>();

        private Line(String scenario) {
            this.scenario = scenario;
        }

        public Line put(String metric, long value) {
            metrics.put(metric, Long.toString(value));
            return this;
        }

        /** A decimal figure, printed with up to three decimals. */
        public Line put(String metric, double value) {
            metrics.put(metric, String.format(Locale.ROOT, "%.3f", value).replaceAll("\\.?0+$", ""));
            return this;
        }

        /** A word (no spaces), e.g. a database kind. */
        public Line put(String metric, String value) {
            if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("metric values are single words: '" + value + "'");
            }
            metrics.put(metric, value);
            return this;
        }

        /** The percentiles of {@code h} in milliseconds, as {@code prefix_p50_ms=...} etc. */
        public Line latency(String prefix, LatencyRecorder h) {
            put(prefix + "_count", h.count());
            put(prefix + "_p50_ms", h.percentileMillis(50));
            put(prefix + "_p90_ms", h.percentileMillis(90));
            put(prefix + "_p99_ms", h.percentileMillis(99));
            put(prefix + "_max_ms", h.maxMillis());
            return this;
        }

        public void print() {
            StringBuilder b = new StringBuilder(scenario);
            metrics.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
            String line = b.toString();
            synchronized (Report.this) {
                lines.add(line);
                out.println(line);
                out.flush();
            }
        }
    }
}
