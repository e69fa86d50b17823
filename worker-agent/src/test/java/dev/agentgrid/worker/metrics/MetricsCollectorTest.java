package dev.agentgrid.worker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.proto.v1.FileSystemUsage;
import dev.agentgrid.proto.v1.MetricsSnapshot;
import dev.agentgrid.worker.testing.FakeTime;
import dev.agentgrid.worker.testing.Scripts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import oshi.SystemInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsCollectorTest {

  @TempDir
  Path dir;

  @Test
  void aFailingSourceLeavesItsFieldsEmptyAndTheOthersStillReport() {
    FakeTime time = new FakeTime();
    MetricsCollector collector = new MetricsCollector(List.of(
        MetricSource.of("broken", snapshot -> {
          throw new IllegalStateException("sensor on fire");
        }),
        MetricSource.of("native", snapshot -> {
          throw new UnsatisfiedLinkError("no libc");
        }),
        MetricSource.of("memory", snapshot -> snapshot.setMemoryTotalBytes(1024))), time.clock());

    MetricsSnapshot snapshot = collector.collect();
    time.advance(Duration.ofSeconds(5));
    MetricsSnapshot next = collector.collect();

    assertEquals(1024, snapshot.getMemoryTotalBytes());
    assertEquals(0, snapshot.getCpuUsage());
    assertEquals(time.clock().instant().getEpochSecond(), next.getCaptureTime().getSeconds());
    assertEquals(5, next.getCaptureTime().getSeconds() - snapshot.getCaptureTime().getSeconds());
  }

  @Test
  void theRealMachineReportsPlausibleMetrics() {
    SystemInfo system = new SystemInfo();
    MetricsCollector collector = new MetricsCollector(
        SystemMetrics.sources(system, NvidiaSmi.at(dir.resolve("no-such-nvidia-smi"))),
        java.time.Clock.systemUTC());

    collector.collect();
    MetricsSnapshot snapshot = collector.collect();

    assertTrue(snapshot.getCpuUsage() >= 0 && snapshot.getCpuUsage() <= 1);
    assertTrue(snapshot.getMemoryTotalBytes() > 0);
    assertTrue(snapshot.getMemoryUsedBytes() > 0
        && snapshot.getMemoryUsedBytes() <= snapshot.getMemoryTotalBytes());
    assertTrue(snapshot.getProcessCount() > 0);
    assertTrue(snapshot.getUptime().getSeconds() > 0);
    assertTrue(snapshot.getFileSystemsCount() > 0, "at least one real file system");
    long used = 0;
    long total = 0;
    for (FileSystemUsage fs : snapshot.getFileSystemsList()) {
      assertTrue(fs.getTotalBytes() > 0 && fs.getUsedBytes() <= fs.getTotalBytes(), fs.toString());
      used += fs.getUsedBytes();
      total += fs.getTotalBytes();
    }
    assertEquals(used, snapshot.getDiskUsedBytes());
    assertEquals(total, snapshot.getDiskTotalBytes());
    assertTrue(snapshot.getFileSystemsList().stream()
        .noneMatch(fs -> fs.getMount().startsWith("/proc") || fs.getMount().startsWith("/sys")));
    assertEquals(0, snapshot.getGpusCount(), "a failing nvidia-smi reports no GPUs");
  }

  @Test
  void gpusAreReadThroughNvidiaSmiWhenPresent() throws IOException {
    Path fake = Scripts.write(dir, "nvidia-smi", """
        [ "$1" = "--query-gpu=index,name,utilization.gpu,memory.used,memory.total" ] || exit 9
        [ "$2" = "--format=csv,noheader,nounits" ] || exit 9
        echo "0, Fake GPU, 50, 512, 1024"
        """);
    MetricsCollector collector = new MetricsCollector(
        List.of(new GpuSource(NvidiaSmi.at(fake))), java.time.Clock.systemUTC());

    MetricsSnapshot snapshot = collector.collect();

    assertEquals(1, snapshot.getGpusCount());
    assertEquals(0.5, snapshot.getGpus(0).getUtilization());
    assertEquals(1024L * 1024 * 1024, snapshot.getGpus(0).getMemoryTotalBytes());
    assertEquals("Fake GPU", InventoryCollector.collect(new SystemInfo(), NvidiaSmi.at(fake))
        .getGpus(0).getName());
  }

  @Test
  void theInventoryDescribesTheMachine() {
    var inventory = InventoryCollector.collect(new SystemInfo(),
        NvidiaSmi.at(dir.resolve("absent")));

    assertTrue(inventory.getLogicalCores() >= 1);
    assertTrue(inventory.getPhysicalCores() >= 1);
    assertTrue(inventory.getMemoryTotalBytes() > 0);
    assertTrue(!inventory.getOs().isBlank());
    assertEquals(System.getProperty("os.arch"), inventory.getArch());
    assertEquals(Runtime.version().toString(), inventory.getJavaVersion());
  }

  @Test
  void pseudoFileSystemsAreNotDisks() {
    assertTrue(FileSystemSource.isPseudo("tmpfs", 1000));
    assertTrue(FileSystemSource.isPseudo("PROC", 1000));
    assertTrue(FileSystemSource.isPseudo("ext4", 0));
    assertTrue(!FileSystemSource.isPseudo("ext4", 1000));
    assertTrue(!FileSystemSource.isPseudo("overlay", 1000), "a container's root file system");
  }
}
