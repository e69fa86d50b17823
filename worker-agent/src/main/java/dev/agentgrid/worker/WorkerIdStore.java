package dev.agentgrid.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * The worker's stable id: a UUID kept in {@code <state-dir>/worker-id}, made on the first start and
 * reused after, so the plane recognises the machine across restarts and reconnects.
 */
public final class WorkerIdStore {

  /** Name of the file in the state directory. */
  public static final String FILE_NAME = "worker-id";
  /** Longest id the contract accepts. */
  static final int MAX_ID_LENGTH = 128;

  private WorkerIdStore() {
  }

  /**
   * Returns the id kept in {@code stateDir}, creating the directory and the id if needed.
   *
   * @throws IOException if the state directory cannot be read or written
   */
  public static String loadOrCreate(Path stateDir) throws IOException {
    Path file = stateDir.resolve(FILE_NAME);
    if (Files.exists(file)) {
      String id = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (!id.isEmpty() && id.length() <= MAX_ID_LENGTH && id.chars().allMatch(c -> c > 32 && c < 127)) {
        return id;
      }
      throw new IOException(file + " does not hold a worker id (1 to 128 printable characters);"
          + " delete it to get a new id");
    }
    Files.createDirectories(stateDir);
    String id = UUID.randomUUID().toString();
    // Write then rename, so a crash never leaves a half-written id that would change next time.
    Path temporary = Files.createTempFile(stateDir, FILE_NAME, ".tmp");
    Files.writeString(temporary, id + "\n", StandardCharsets.UTF_8);
    try {
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return id;
  }
}
