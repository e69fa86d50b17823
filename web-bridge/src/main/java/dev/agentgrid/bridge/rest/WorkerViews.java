package dev.agentgrid.bridge.rest;

import dev.agentgrid.bridge.plane.ProtoJson;
import dev.agentgrid.proto.v1.FileSystemUsage;
import dev.agentgrid.proto.v1.GpuInfo;
import dev.agentgrid.proto.v1.GpuUsage;
import dev.agentgrid.proto.v1.MachineInventory;
import dev.agentgrid.proto.v1.MetricsSnapshot;
import dev.agentgrid.proto.v1.Worker;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/** Workers and their metrics as the REST face shows them (fractions in [0, 1], sizes in bytes). */
final class WorkerViews {
    private WorkerViews() {
    }

    /** A worker with its latest metrics. */
    @Serdeable
    record WorkerView(String id, String name, String hostname, String version, Map<String, String> labels,
            List<String> agentTypes, int slots, int usedSlots, String status, InventoryView inventory,
            @Nullable MetricsView metrics, @Nullable String sessionId, @Nullable String createdAt,
            @Nullable String connectedAt, @Nullable String lastHeartbeatAt) {
    }

    /** What the machine has. */
    @Serdeable
    record InventoryView(int logicalCores, int physicalCores, long memoryTotalBytes, String os, String arch,
            List<GpuView> gpus, String javaVersion) {
    }

    /** One GPU. */
    @Serdeable
    record GpuView(int index, String name, long memoryTotalBytes) {
    }

    /** One metrics snapshot. */
    @Serdeable
    record MetricsView(@Nullable String capturedAt, double cpuUsage, double loadAverage1m, double loadAverage5m,
            double loadAverage15m, long memoryUsedBytes, long memoryTotalBytes, long swapUsedBytes,
            long swapTotalBytes, long diskUsedBytes, long diskTotalBytes, List<FileSystemView> fileSystems,
            long networkReceivedBytes, long networkSentBytes, int processCount, long uptimeSeconds, int freeSlots,
            List<GpuUsageView> gpus) {
    }

    /** Usage of one file system. */
    @Serdeable
    record FileSystemView(String mount, long usedBytes, long totalBytes) {
    }

    /** Usage of one GPU. */
    @Serdeable
    record GpuUsageView(int index, double utilization, long memoryUsedBytes, long memoryTotalBytes) {
    }

    /** A page of workers. */
    @Serdeable
    record WorkerPage(List<WorkerView> workers, @Nullable String nextPageToken) {
    }

    /** A page of a worker's metrics history, newest first. */
    @Serdeable
    record MetricsPage(String workerId, List<MetricsView> snapshots, @Nullable String nextPageToken) {
    }

    static WorkerView of(Worker w) {
        return new WorkerView(w.getId(), w.getName(), w.getHostname(), w.getVersion(), w.getLabelsMap(),
                w.getAgentTypesList(), w.getSlots(), w.getUsedSlots(), EnumNames.name(w.getStatus(), "WORKER_STATUS_"),
                inventory(w.getInventory()), w.hasMetrics() ? metrics(w.getMetrics()) : null,
                TaskViews.blankToNull(w.getSessionId()), ProtoJson.time(w.hasCreateTime(), w.getCreateTime()),
                ProtoJson.time(w.hasConnectTime(), w.getConnectTime()),
                ProtoJson.time(w.hasLastHeartbeatTime(), w.getLastHeartbeatTime()));
    }

    static InventoryView inventory(MachineInventory i) {
        return new InventoryView(i.getLogicalCores(), i.getPhysicalCores(), i.getMemoryTotalBytes(), i.getOs(),
                i.getArch(), i.getGpusList().stream().map(WorkerViews::gpu).toList(), i.getJavaVersion());
    }

    static MetricsView metrics(MetricsSnapshot m) {
        return new MetricsView(ProtoJson.time(m.hasCaptureTime(), m.getCaptureTime()), m.getCpuUsage(),
                m.getLoadAverage1M(), m.getLoadAverage5M(), m.getLoadAverage15M(), m.getMemoryUsedBytes(),
                m.getMemoryTotalBytes(), m.getSwapUsedBytes(), m.getSwapTotalBytes(), m.getDiskUsedBytes(),
                m.getDiskTotalBytes(), m.getFileSystemsList().stream().map(WorkerViews::fileSystem).toList(),
                m.getNetworkReceivedBytes(), m.getNetworkSentBytes(), m.getProcessCount(), m.getUptime().getSeconds(),
                m.getFreeSlots(), m.getGpusList().stream().map(WorkerViews::gpuUsage).toList());
    }

    private static GpuView gpu(GpuInfo g) {
        return new GpuView(g.getIndex(), g.getName(), g.getMemoryTotalBytes());
    }

    private static FileSystemView fileSystem(FileSystemUsage f) {
        return new FileSystemView(f.getMount(), f.getUsedBytes(), f.getTotalBytes());
    }

    private static GpuUsageView gpuUsage(GpuUsage g) {
        return new GpuUsageView(g.getIndex(), g.getUtilization(), g.getMemoryUsedBytes(), g.getMemoryTotalBytes());
    }
}
