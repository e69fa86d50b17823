package dev.agentgrid.worker.metrics;

import dev.agentgrid.proto.v1.MetricsSnapshot;
import oshi.hardware.CentralProcessor;

/**
 * CPU busy fraction since the previous snapshot, from the difference of the kernel's CPU tick
 * counters; the first snapshot measures from when the source was created.
 */
final class CpuUsageSource implements MetricSource {

  private final CentralProcessor processor;
  private long[] previousTicks;

  CpuUsageSource(CentralProcessor processor) {
    this.processor = processor;
    this.previousTicks = processor.getSystemCpuLoadTicks();
  }

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public synchronized void contribute(MetricsSnapshot.Builder snapshot) {
    long[] ticks = processor.getSystemCpuLoadTicks();
    double busy = processor.getSystemCpuLoadBetweenTicks(previousTicks);
    previousTicks = ticks;
    snapshot.setCpuUsage(Double.isNaN(busy) ? 0 : Math.max(0, Math.min(1, busy)));
  }
}
