package dev.agentgrid.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentgrid.proto.v1.Latency;
import dev.agentgrid.proto.v1.LatencyBucket;
import org.junit.jupiter.api.Test;

class BucketHistogramTest {
    private static Latency latency(long... boundsAndCounts) {
        Latency.Builder b = Latency.newBuilder().setName("heartbeat");
        for (int i = 0; i < boundsAndCounts.length; i += 2) {
            b.addBuckets(LatencyBucket.newBuilder().setUpperBoundMicros(boundsAndCounts[i]).setCount(boundsAndCounts[i + 1]));
        }
        return b.build();
    }

    @Test
    void percentileIsTheUpperBoundOfTheBucketWhereTheRankFalls() {
        BucketHistogram h = BucketHistogram.of(latency(100, 50, 200, 40, 1000, 9, 5000, 1));
        assertEquals(100, h.count());
        assertEquals(100, h.percentileMicros(50));
        assertEquals(200, h.percentileMicros(51));
        assertEquals(200, h.percentileMicros(90));
        assertEquals(1000, h.percentileMicros(99));
        assertEquals(5000, h.percentileMicros(100));
        assertEquals(5000, h.maxBoundMicros());
    }

    @Test
    void intervalIsTheDifferenceOfTwoSnapshots() {
        BucketHistogram before = BucketHistogram.of(latency(100, 50, 5000, 1));
        BucketHistogram after = BucketHistogram.of(latency(100, 60, 200, 30, 5000, 1));
        BucketHistogram interval = after.minus(before);
        assertEquals(40, interval.count());
        assertEquals(100, interval.percentileMicros(25));
        assertEquals(200, interval.percentileMicros(26));
        // The slow outlier happened before the interval: its bucket is not the interval's max.
        assertEquals(200, interval.maxBoundMicros());
    }

    @Test
    void emptyIntervalReportsZero() {
        BucketHistogram h = BucketHistogram.of(latency(100, 5));
        assertEquals(0, h.minus(h).percentileMicros(99));
        assertEquals(0, h.minus(h).maxBoundMicros());
    }

    @Test
    void snapshotsOfDifferentReplicasAreRefused() {
        BucketHistogram before = BucketHistogram.of(latency(100, 50));
        BucketHistogram after = BucketHistogram.of(latency(100, 10));
        assertThrows(IllegalArgumentException.class, () -> after.minus(before));
    }
}
