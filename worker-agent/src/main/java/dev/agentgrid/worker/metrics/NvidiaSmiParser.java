package dev.agentgrid.worker.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses the output of {@code nvidia-smi --query-gpu=index,name,utilization.gpu,memory.used,
 * memory.total --format=csv,noheader,nounits}: one line per GPU, e.g.
 * {@code 0, NVIDIA A100-SXM4-40GB, 37, 1234, 40960}, memory in MiB, utilisation in percent. A value
 * the driver does not know ({@code [N/A]}, {@code [Not Supported]}) reads as zero; a line that does
 * not fit is skipped.
 */
public final class NvidiaSmiParser {

  private static final long MIB = 1024L * 1024L;

  private NvidiaSmiParser() {
  }

  /** Parses the whole output. */
  public static List<GpuSample> parse(String output) {
    List<GpuSample> gpus = new ArrayList<>();
    for (String line : output.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.split(",");
      if (fields.length < 5) {
        continue;
      }
      int last = fields.length - 1;
      try {
        int index = Integer.parseInt(fields[0].strip());
        // A model name could contain a comma; the numeric fields are the last three.
        String name = String.join(",", Arrays.copyOfRange(fields, 1, last - 2)).strip();
        double utilization = Math.max(0, Math.min(1, number(fields[last - 2]) / 100.0));
        long used = (long) (number(fields[last - 1]) * MIB);
        long total = (long) (number(fields[last]) * MIB);
        gpus.add(new GpuSample(index, name, utilization, used, total));
      } catch (NumberFormatException e) {
        // Not a GPU line (nvidia-smi prints errors on stdout too); skip it.
      }
    }
    return gpus;
  }

  private static double number(String field) {
    String value = field.strip();
    if (value.isEmpty() || value.startsWith("[")) {
      return 0;
    }
    return Double.parseDouble(value);
  }
}
