package dev.agentgrid.controlplane.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    @Test
    void everyValueLandsInTheFirstBucketWhoseBoundHoldsIt() {
        for (long micros : new long[] {0, 1, 2, 3, 5, 17, 100, 999, 1_000, 4_096, 123_456, 10_000_000_000L}) {
            int b = LatencyHistogram.bucketOf(micros);
            LatencyHistogram h = new LatencyHistogram();
            h.record(micros);
            long bound = h.snapshot().buckets().get(0).upperBoundMicros();
            assertTrue(bound >= micros, micros + " <= " + bound);
            if (b > 0) {
                LatencyHistogram lower = new LatencyHistogram();
                lower.record(1);
                assertTrue(b == 0 || LatencyHistogram.bucketOf(micros - 1) <= b);
            }
            // Bounds grow by about 9 %, so the bucket's bound overstates a value by at most that
            // (plus one for rounding small values).
            assertTrue(bound <= Math.max(micros * 1.1, micros + 1), micros + " in a bucket up to " + bound);
        }
    }

    @Test
    void percentilesCountUpTheBucketsAndNeverExceedTheMaximum() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 1; i <= 100; i++) {
            h.record(i * 100L); // 0.1 ms .. 10 ms
        }
        LatencyHistogram.Snapshot s = h.snapshot();
        assertEquals(100, s.count());
        assertEquals(10_000, s.maxMicros());
        assertEquals(505_000, s.sumMicros());
        long p50 = s.percentileMicros(50);
        assertTrue(p50 >= 5_000 && p50 <= 5_000 * 1.1, "p50 " + p50);
        long p99 = s.percentileMicros(99);
        assertTrue(p99 >= 9_900 && p99 <= 10_000, "p99 " + p99);
        assertEquals(10_000, s.percentileMicros(100));
        assertEquals(0, new LatencyHistogram().snapshot().percentileMicros(99));
    }
}
