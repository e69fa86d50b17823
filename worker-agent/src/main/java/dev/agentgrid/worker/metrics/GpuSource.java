package dev.agentgrid.worker.metrics;

import dev.agentgrid.proto.v1.GpuUsage;
import dev.agentgrid.proto.v1.MetricsSnapshot;

/** Utilisation and memory per GPU, via nvidia-smi when present. */
final class GpuSource implements MetricSource {

  private final NvidiaSmi nvidiaSmi;

  GpuSource(NvidiaSmi nvidiaSmi) {
    this.nvidiaSmi = nvidiaSmi;
  }

  @Override
  public String name() {
    return "gpu";
  }

  @Override
  public void contribute(MetricsSnapshot.Builder snapshot) throws Exception {
    for (GpuSample gpu : nvidiaSmi.query()) {
      snapshot.addGpus(GpuUsage.newBuilder()
          .setIndex(gpu.index())
          .setUtilization(gpu.utilization())
          .setMemoryUsedBytes(gpu.memoryUsedBytes())
          .setMemoryTotalBytes(gpu.memoryTotalBytes()));
    }
  }
}
