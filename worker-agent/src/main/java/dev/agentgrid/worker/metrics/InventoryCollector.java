package dev.agentgrid.worker.metrics;

import dev.agentgrid.proto.v1.GpuInfo;
import dev.agentgrid.proto.v1.MachineInventory;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the machine has, reported once per session in Hello. Each part is read on its own, so a part
 * OSHI cannot read is left empty instead of keeping the worker from starting.
 */
public final class InventoryCollector {

  private static final Logger LOG = LoggerFactory.getLogger(InventoryCollector.class);

  private InventoryCollector() {
  }

  /** Reads the inventory now. */
  public static MachineInventory collect(SystemInfo system, NvidiaSmi nvidiaSmi) {
    MachineInventory.Builder inventory = MachineInventory.newBuilder()
        .setArch(System.getProperty("os.arch", ""))
        .setJavaVersion(Runtime.version().toString());
    try {
      CentralProcessor processor = system.getHardware().getProcessor();
      inventory.setLogicalCores(processor.getLogicalProcessorCount())
          .setPhysicalCores(processor.getPhysicalProcessorCount());
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("could not read CPU cores: {}", e.toString());
      inventory.setLogicalCores(Runtime.getRuntime().availableProcessors());
    }
    try {
      inventory.setMemoryTotalBytes(system.getHardware().getMemory().getTotal());
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("could not read memory size: {}", e.toString());
    }
    try {
      inventory.setOs(system.getOperatingSystem().toString());
    } catch (RuntimeException | LinkageError e) {
      inventory.setOs(System.getProperty("os.name", "") + " " + System.getProperty("os.version", ""));
    }
    try {
      for (GpuSample gpu : nvidiaSmi.query()) {
        inventory.addGpus(GpuInfo.newBuilder()
            .setIndex(gpu.index())
            .setName(gpu.name())
            .setMemoryTotalBytes(gpu.memoryTotalBytes()));
      }
    } catch (Exception e) {
      LOG.warn("nvidia-smi is installed but failed: {}", e.toString());
    }
    return inventory.build();
  }
}
