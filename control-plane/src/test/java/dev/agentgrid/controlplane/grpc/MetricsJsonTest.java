package dev.agentgrid.controlplane.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.proto.v1.MetricsSnapshot;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The hand-written metrics JSON against {@code JsonFormat}, which it replaces on the heartbeat
 * path: for snapshots with random values in every field the message declares (a field added to
 * the proto and not to the writer fails here), both must give the same JSON value.
 */
class MetricsJsonTest {
    private static final JsonFormat.Printer REFERENCE = JsonFormat.printer().omittingInsignificantWhitespace()
            .preservingProtoFieldNames();

    @Test
    void everyFieldPrintsAsJsonFormatPrintsIt() throws Exception {
        Random random = new Random(20261202);
        for (int i = 0; i < 2_000; i++) {
            MetricsSnapshot m = (MetricsSnapshot) fill(MetricsSnapshot.newBuilder(), random, i == 0).build();
            String expected = REFERENCE.print(m);
            String actual = MetricsJson.print(m);
            assertEquals(Json.parseStruct(expected), Json.parseStruct(actual), () -> expected + "\n" + actual);
        }
    }

    /** The live event carries the printed metrics as they are, the same data a Struct built from them gave. */
    @Test
    void theLiveEventDataIsTheWorkerAndItsMetrics() {
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            String metrics = MetricsJson.print((MetricsSnapshot) fill(MetricsSnapshot.newBuilder(), random, i == 0)
                    .build());
            String worker = i % 2 == 0 ? "w-" + i : "w \"quoted\" \u00e9 " + i;
            assertEquals(dev.agentgrid.controlplane.common.Json.object("worker_id", worker, "metrics",
                    dev.agentgrid.controlplane.common.Json.parseStruct(metrics)),
                    dev.agentgrid.controlplane.common.Json.parseStruct(MetricsJson.liveEventData(worker, metrics)));
        }
    }

    @Test
    void anEmptySnapshotIsAnEmptyObject() {
        assertEquals("{}", MetricsJson.print(MetricsSnapshot.getDefaultInstance()));
    }

    @Test
    void timesJsonCannotCarryAreRefusedAsJsonFormatRefusesThem() {
        MetricsSnapshot farTime = MetricsSnapshot.newBuilder()
                .setCaptureTime(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)).build();
        MetricsSnapshot badNanos = MetricsSnapshot.newBuilder()
                .setUptime(Duration.newBuilder().setSeconds(1).setNanos(-5)).build();
        for (MetricsSnapshot m : new MetricsSnapshot[] {farTime, badNanos}) {
            assertThrows(IllegalArgumentException.class, () -> REFERENCE.print(m));
            assertThrows(IllegalArgumentException.class, () -> MetricsJson.print(m));
        }
    }

    /** Sets every field of the builder's message (each with probability 4/5 unless {@code all}). */
    private static Message.Builder fill(Message.Builder b, Random r, boolean all) {
        for (FieldDescriptor f : b.getDescriptorForType().getFields()) {
            if (!all && r.nextInt(5) == 0) {
                continue;
            }
            if (f.isRepeated()) {
                for (int n = all ? 2 : r.nextInt(4); n > 0; n--) {
                    b.addRepeatedField(f, value(b, f, r, all));
                }
            } else {
                b.setField(f, value(b, f, r, all));
            }
        }
        return b;
    }

    private static Object value(Message.Builder b, FieldDescriptor f, Random r, boolean all) {
        switch (f.getJavaType()) {
            case DOUBLE:
                double[] special = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300,
                    4.9e-324, 1.0, 123456.789};
                return r.nextInt(3) == 0 ? special[r.nextInt(special.length)] : r.nextDouble() * 1e6;
            case LONG:
                return r.nextInt(4) == 0 ? 0L : r.nextBoolean() ? r.nextLong() : (long) r.nextInt(1 << 20);
            case INT:
                return r.nextInt(4) == 0 ? 0 : r.nextBoolean() ? r.nextInt() : r.nextInt(64);
            case STRING:
                String[] strings = {"/", "/data", "", "C:\\", "quote\" back\\slash", "tab\tnew\nline\u0001",
                    "ünïcødé ✓", "<script>&='", "line\u2028sep"};
                return strings[r.nextInt(strings.length)];
            case MESSAGE:
                String type = f.getMessageType().getFullName();
                if (type.equals(Timestamp.getDescriptor().getFullName())) {
                    int[] nanos = {0, 123_000_000, 123_456_000, 123_456_789, 1};
                    return Timestamp.newBuilder().setSeconds(r.nextInt(2_000_000_000))
                            .setNanos(nanos[r.nextInt(nanos.length)]).build();
                }
                if (type.equals(Duration.getDescriptor().getFullName())) {
                    int[] nanos = {0, 500_000_000, 1_500, 7};
                    long seconds = r.nextInt(1_000_000);
                    int n = nanos[r.nextInt(nanos.length)];
                    return r.nextBoolean() ? Duration.newBuilder().setSeconds(seconds).setNanos(n).build()
                            : Duration.newBuilder().setSeconds(-seconds).setNanos(-n).build();
                }
                if (Set.of("agentgrid.v1.FileSystemUsage", "agentgrid.v1.GpuUsage").contains(type)) {
                    return fill(b.newBuilderForField(f), r, all).build();
                }
                return fail("a message field of a type this test does not fill: " + f.getFullName() + " (" + type + ")");
            default:
                return fail("a field of a type this test does not fill: " + f.getFullName() + " (" + f.getJavaType() + ")");
        }
    }
}
