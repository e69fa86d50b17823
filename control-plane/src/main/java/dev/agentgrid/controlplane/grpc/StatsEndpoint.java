package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.stats.HeapAfterGc;
import dev.agentgrid.controlplane.stats.LatencyHistogram;
import dev.agentgrid.controlplane.stats.PlaneStats;
import dev.agentgrid.controlplane.worker.WorkerSessions;
import dev.agentgrid.proto.v1.Counter;
import dev.agentgrid.proto.v1.GetStatsRequest;
import dev.agentgrid.proto.v1.GetStatsResponse;
import dev.agentgrid.proto.v1.JvmStats;
import dev.agentgrid.proto.v1.Latency;
import dev.agentgrid.proto.v1.LatencyBucket;
import dev.agentgrid.proto.v1.StatsServiceGrpc;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.time.Instant;

/** StatsService over gRPC: a snapshot of {@link PlaneStats} and of the JVM. */
@Singleton
public class StatsEndpoint extends StatsServiceGrpc.StatsServiceImplBase {
    private final PlaneStats stats;
    private final HeapAfterGc heapAfterGc;
    private final WorkerSessions sessions;
    private final java.time.Clock clock;

    public StatsEndpoint(PlaneStats stats, HeapAfterGc heapAfterGc, WorkerSessions sessions, java.time.Clock clock) {
        this.clock = clock;
        this.stats = stats;
        this.heapAfterGc = heapAfterGc;
        this.sessions = sessions;
    }

    @Override
    public void getStats(GetStatsRequest req, StreamObserver<GetStatsResponse> out) {
        GetStatsResponse.Builder b = GetStatsResponse.newBuilder()
                .setTime(ProtoTime.timestamp(clock.instant()))
                .setConnectedWorkers(sessions.count());
        stats.latencies().forEach((name, s) -> b.addLatencies(latency(name, s)));
        stats.counters().forEach((name, v) -> b.addCounters(Counter.newBuilder().setName(name).setValue(v)));
        b.setJvm(jvm());
        Replies.reply(out, b.build());
    }

    private static Latency latency(String name, LatencyHistogram.Snapshot s) {
        Latency.Builder l = Latency.newBuilder().setName(name).setCount(s.count()).setSumMicros(s.sumMicros())
                .setMaxMicros(s.maxMicros());
        s.buckets().forEach(bk -> l.addBuckets(LatencyBucket.newBuilder()
                .setUpperBoundMicros(bk.upperBoundMicros()).setCount(bk.count())));
        return l.build();
    }

    private JvmStats jvm() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        var runtime = ManagementFactory.getRuntimeMXBean();
        JvmStats.Builder j = JvmStats.newBuilder()
                .setHeapUsedBytes(heap.getUsed())
                .setHeapCommittedBytes(heap.getCommitted())
                .setHeapMaxBytes(heap.getMax())
                .setHeapUsedAfterGcPeakBytes(heapAfterGc.peakBytes())
                .setStartTime(ProtoTime.timestamp(Instant.ofEpochMilli(runtime.getStartTime())))
                .setThreads(ManagementFactory.getThreadMXBean().getThreadCount());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            j.setProcessCpuTime(ProtoTime.duration(Duration.ofNanos(os.getProcessCpuTime())));
        }
        Duration ready = stats.startToReady();
        if (ready != null) {
            j.setStartToReady(ProtoTime.duration(ready));
        }
        return j.build();
    }
}
