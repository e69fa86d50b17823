package dev.agentgrid.worker.metrics;

import com.google.protobuf.Duration;
import java.util.List;
import java.util.Locale;
import oshi.SystemInfo;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.hardware.VirtualMemory;
import oshi.software.os.OperatingSystem;

/** The machine's metric sources, read through OSHI and nvidia-smi. */
public final class SystemMetrics {

  private SystemMetrics() {
  }

  /**
   * Creates every source: CPU, load, memory, swap, file systems, network, processes, uptime and
   * GPUs. Creating a source touches no native code except the CPU source, which reads the first
   * tick counters; that is guarded too.
   */
  public static List<MetricSource> sources(SystemInfo system, NvidiaSmi nvidiaSmi) {
    HardwareAbstractionLayer hardware = system.getHardware();
    OperatingSystem os = system.getOperatingSystem();
    MetricSource cpu;
    try {
      cpu = new CpuUsageSource(hardware.getProcessor());
    } catch (RuntimeException | LinkageError e) {
      cpu = MetricSource.of("cpu", snapshot -> {
        throw new IllegalStateException("CPU ticks unavailable: " + e);
      });
    }
    return List.of(
        cpu,
        MetricSource.of("load", snapshot -> {
          double[] load = hardware.getProcessor().getSystemLoadAverage(3);
          snapshot.setLoadAverage1M(load[0]).setLoadAverage5M(load[1]).setLoadAverage15M(load[2]);
        }),
        MetricSource.of("memory", snapshot -> {
          GlobalMemory memory = hardware.getMemory();
          snapshot.setMemoryTotalBytes(memory.getTotal())
              .setMemoryUsedBytes(Math.max(0, memory.getTotal() - memory.getAvailable()));
        }),
        MetricSource.of("swap", snapshot -> {
          VirtualMemory swap = hardware.getMemory().getVirtualMemory();
          snapshot.setSwapTotalBytes(swap.getSwapTotal()).setSwapUsedBytes(swap.getSwapUsed());
        }),
        new FileSystemSource(os.getFileSystem()),
        MetricSource.of("network", snapshot -> {
          long received = 0;
          long sent = 0;
          for (NetworkIF nic : hardware.getNetworkIFs()) {
            if (!isLoopback(nic)) {
              received += nic.getBytesRecv();
              sent += nic.getBytesSent();
            }
          }
          snapshot.setNetworkReceivedBytes(received).setNetworkSentBytes(sent);
        }),
        MetricSource.of("processes", snapshot -> snapshot.setProcessCount(os.getProcessCount())),
        MetricSource.of("uptime", snapshot ->
            snapshot.setUptime(Duration.newBuilder().setSeconds(os.getSystemUptime()))),
        new GpuSource(nvidiaSmi));
  }

  // Loopback traffic is the machine talking to itself; it says nothing about its network.
  private static boolean isLoopback(NetworkIF nic) {
    try {
      return nic.queryNetworkInterface().isLoopback();
    } catch (Exception e) {
      return nic.getName().toLowerCase(Locale.ROOT).startsWith("lo");
    }
  }
}
