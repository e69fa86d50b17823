package dev.agentgrid.worker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class NvidiaSmiParserTest {

  private static final long MIB = 1024L * 1024L;

  @Test
  void parsesOneGpuPerLineWithMemoryInMibAndUtilisationInPercent() {
    List<GpuSample> gpus = NvidiaSmiParser.parse("""
        0, NVIDIA A100-SXM4-40GB, 37, 1234, 40960
        1, NVIDIA A100-SXM4-40GB, 100, 40000, 40960
        """);

    assertEquals(List.of(
        new GpuSample(0, "NVIDIA A100-SXM4-40GB", 0.37, 1234 * MIB, 40960 * MIB),
        new GpuSample(1, "NVIDIA A100-SXM4-40GB", 1.0, 40000 * MIB, 40960 * MIB)), gpus);
  }

  @Test
  void unknownValuesReadAsZero() {
    assertEquals(List.of(new GpuSample(0, "Tesla K80", 0, 0, 11441 * MIB)),
        NvidiaSmiParser.parse("0, Tesla K80, [Not Supported], [N/A], 11441\n"));
  }

  @Test
  void aNameWithCommasIsKeptWhole() {
    assertEquals("GPU, Rev. B",
        NvidiaSmiParser.parse("3, GPU, Rev. B, 5, 10, 20").get(0).name());
  }

  @Test
  void linesThatAreNotGpusAreSkipped() {
    assertEquals(List.of(), NvidiaSmiParser.parse("""
        NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.

        a, b, c, d, e
        """));
  }

  @Test
  void windowsLineEndingsAreFine() {
    assertEquals(2, NvidiaSmiParser.parse("0, A, 1, 2, 3\r\n1, B, 4, 5, 6\r\n").size());
  }
}
