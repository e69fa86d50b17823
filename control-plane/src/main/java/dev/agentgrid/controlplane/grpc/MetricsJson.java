package dev.agentgrid.controlplane.grpc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import dev.agentgrid.proto.v1.FileSystemUsage;
import dev.agentgrid.proto.v1.GpuUsage;
import dev.agentgrid.proto.v1.MetricsSnapshot;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * A heartbeat's metrics as the JSON that is stored and published: the JSON protobuf's
 * {@code JsonFormat} prints with proto field names (defaults left out, 64-bit integers as strings,
 * times in RFC 3339), written field by field. At ten thousand workers the plane prints 2,000 of
 * these a second, and {@code JsonFormat}'s reflection and {@code String.format} for the
 * timestamp's nanoseconds were the largest share of a heartbeat's CPU. {@code MetricsJsonTest}
 * checks that both give the same JSON for snapshots with every field set, so a field added to
 * the message and not here fails it.
 */
final class MetricsJson {
    private MetricsJson() {
    }

    /**
     * The snapshot as JSON.
     *
     * @throws IllegalArgumentException if a timestamp or duration is outside what JSON can carry
     */
    static String print(MetricsSnapshot m) {
        Writer w = new Writer();
        if (m.hasCaptureTime()) {
            w.string("capture_time", timestamp(m.getCaptureTime()));
        }
        w.number("cpu_usage", m.getCpuUsage());
        w.number("load_average_1m", m.getLoadAverage1M());
        w.number("load_average_5m", m.getLoadAverage5M());
        w.number("load_average_15m", m.getLoadAverage15M());
        w.int64("memory_used_bytes", m.getMemoryUsedBytes());
        w.int64("memory_total_bytes", m.getMemoryTotalBytes());
        w.int64("swap_used_bytes", m.getSwapUsedBytes());
        w.int64("swap_total_bytes", m.getSwapTotalBytes());
        w.int64("disk_used_bytes", m.getDiskUsedBytes());
        w.int64("disk_total_bytes", m.getDiskTotalBytes());
        if (m.getFileSystemsCount() > 0) {
            w.openArray("file_systems");
            for (FileSystemUsage f : m.getFileSystemsList()) {
                w.openObject();
                w.string("mount", f.getMount());
                w.int64("used_bytes", f.getUsedBytes());
                w.int64("total_bytes", f.getTotalBytes());
                w.closeObject();
            }
            w.closeArray();
        }
        w.int64("network_received_bytes", m.getNetworkReceivedBytes());
        w.int64("network_sent_bytes", m.getNetworkSentBytes());
        w.int32("process_count", m.getProcessCount());
        if (m.hasUptime()) {
            w.string("uptime", duration(m.getUptime()));
        }
        w.int32("free_slots", m.getFreeSlots());
        if (m.getGpusCount() > 0) {
            w.openArray("gpus");
            for (GpuUsage g : m.getGpusList()) {
                w.openObject();
                w.int32("index", g.getIndex());
                w.number("utilization", g.getUtilization());
                w.int64("memory_used_bytes", g.getMemoryUsedBytes());
                w.int64("memory_total_bytes", g.getMemoryTotalBytes());
                w.closeObject();
            }
            w.closeArray();
        }
        return w.finish();
    }

    /**
     * The data of a worker's {@code worker_metrics} live event, {@code {"worker_id": ..., "metrics":
     * ...}}, with the metrics JSON {@link #print} gave written in as it is: building a Struct from
     * it and printing that again was a quarter of what a heartbeat allocated.
     */
    static String liveEventData(String workerId, String metricsJson) {
        Writer w = new Writer();
        w.string("worker_id", workerId);
        w.raw("metrics", metricsJson);
        return w.finish();
    }

    /** RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, as {@code Timestamps.toString}. */
    private static String timestamp(Timestamp t) {
        if (!Timestamps.isValid(t)) {
            throw new IllegalArgumentException("timestamp out of range: " + t.getSeconds() + " s, " + t.getNanos()
                    + " ns");
        }
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()));
    }

    /** Seconds with an "s" and 0, 3, 6 or 9 fractional digits, as {@code Durations.toString}. */
    private static String duration(Duration d) {
        if (!Durations.isValid(d)) {
            throw new IllegalArgumentException("duration out of range: " + d.getSeconds() + " s, " + d.getNanos()
                    + " ns");
        }
        long seconds = d.getSeconds();
        int nanos = d.getNanos();
        StringBuilder b = new StringBuilder();
        if (seconds < 0 || nanos < 0) {
            b.append('-');
            seconds = -seconds;
            nanos = -nanos;
        }
        b.append(seconds);
        if (nanos != 0) {
            String digits = Integer.toString(1_000_000_000 + nanos).substring(1);
            int keep = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
            b.append('.').append(digits, 0, keep);
        }
        return b.append('s').toString();
    }

    /**
     * Writes one JSON object through Jackson's generator (the plane's JSON writer, see
     * {@code StructJson}), leaving out fields with default values as proto3 JSON does.
     */
    private static final class Writer {
        private static final JsonFactory FACTORY = JsonFactory.builder().build();
        private final StringWriter out = new StringWriter(320);
        private final JsonGenerator g;

        Writer() {
            try {
                g = FACTORY.createGenerator(out);
                g.writeStartObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void number(String name, double v) {
            if (Double.doubleToRawLongBits(v) == 0) {
                return; // proto3: +0.0 is the default (-0.0 is not, and is printed)
            }
            run(() -> {
                if (Double.isNaN(v) || Double.isInfinite(v)) {
                    g.writeStringField(name, Double.toString(v)); // "NaN", "Infinity", "-Infinity"
                } else {
                    g.writeNumberField(name, v);
                }
            });
        }

        void int64(String name, long v) {
            if (v != 0) {
                run(() -> g.writeStringField(name, Long.toString(v)));
            }
        }

        void int32(String name, int v) {
            if (v != 0) {
                run(() -> g.writeNumberField(name, v));
            }
        }

        void string(String name, String v) {
            if (!v.isEmpty()) {
                run(() -> g.writeStringField(name, v));
            }
        }

        /** A field whose value is JSON text already. */
        void raw(String name, String json) {
            run(() -> {
                g.writeFieldName(name);
                g.writeRawValue(json);
            });
        }

        void openArray(String name) {
            run(() -> g.writeArrayFieldStart(name));
        }

        void openObject() {
            run(g::writeStartObject);
        }

        void closeObject() {
            run(g::writeEndObject);
        }

        void closeArray() {
            run(g::writeEndArray);
        }

        String finish() {
            run(() -> {
                g.writeEndObject();
                g.close();
            });
            return out.toString();
        }

        private interface Step {
            void run() throws IOException;
        }

        /** Writing to a StringWriter fails only on a generator misuse, a bug here. */
        private static void run(Step step) {
            try {
                step.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
