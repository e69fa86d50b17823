package dev.agentgrid.worker.metrics;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reads GPUs with {@code nvidia-smi} when it is installed. A machine without it has no NVIDIA GPUs
 * for us, and the executable is looked up once, not on every heartbeat.
 */
public final class NvidiaSmi {

  /** The query the worker runs. */
  public static final List<String> QUERY = List.of(
      "--query-gpu=index,name,utilization.gpu,memory.used,memory.total",
      "--format=csv,noheader,nounits");
  /** Longest wait for nvidia-smi (it can hang when a driver is wedged). */
  static final long TIMEOUT_SECONDS = 5;

  private final Optional<Path> executable;

  private NvidiaSmi(Optional<Path> executable) {
    this.executable = executable;
  }

  /** Finds {@code nvidia-smi} on the PATH. */
  public static NvidiaSmi fromPath() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        Path candidate = Path.of(dir, "nvidia-smi");
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return new NvidiaSmi(Optional.of(candidate));
        }
      }
    }
    return new NvidiaSmi(Optional.empty());
  }

  /** Uses the given executable (tests pass a script). */
  public static NvidiaSmi at(Path executable) {
    return new NvidiaSmi(Optional.of(executable));
  }

  /** Whether nvidia-smi was found. */
  public boolean isPresent() {
    return executable.isPresent();
  }

  /**
   * Runs the query; an empty list if nvidia-smi is absent.
   *
   * @throws IOException if it could not run, failed or timed out
   */
  public List<GpuSample> query() throws IOException, InterruptedException {
    if (executable.isEmpty()) {
      return List.of();
    }
    List<String> command = new java.util.ArrayList<>();
    command.add(executable.get().toString());
    command.addAll(QUERY);
    // Output goes to a file so that a hung nvidia-smi cannot block a pipe read past the timeout.
    Path output = Files.createTempFile("agentgrid-nvidia-smi", ".csv");
    try {
      Process process = new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(output.toFile())
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("nvidia-smi did not finish within " + TIMEOUT_SECONDS + " s");
      }
      if (process.exitValue() != 0) {
        throw new IOException("nvidia-smi exited with " + process.exitValue());
      }
      return NvidiaSmiParser.parse(Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
