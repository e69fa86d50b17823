package dev.agentgrid.worker.exec;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fresh directory one attempt runs in, {@code <state-dir>/work/<task_id>-<attempt>}, and the task
 * file beside it; both are deleted when the attempt ends.
 */
final class WorkDirectory {

  private static final Logger LOG = LoggerFactory.getLogger(WorkDirectory.class);

  private final Path directory;
  private final Path taskFile;

  private WorkDirectory(Path directory, Path taskFile) {
    this.directory = directory;
    this.taskFile = taskFile;
  }

  /** Creates the directory (emptying what a crashed earlier run left) and writes the task file. */
  static WorkDirectory create(Path workRoot, AttemptKey key, String taskJson) throws IOException {
    // The task id comes from the network: never let it name a path outside the work root.
    String name = key.taskId().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + key.attempt();
    if (name.startsWith(".")) {
      name = "_" + name;
    }
    Path directory = workRoot.resolve(name);
    Path taskFile = workRoot.resolve(name + ".task.json");
    Files.createDirectories(workRoot);
    deleteRecursively(directory);
    Files.createDirectories(directory);
    Files.writeString(taskFile, taskJson + "\n");
    return new WorkDirectory(directory, taskFile);
  }

  Path directory() {
    return directory;
  }

  Path taskFile() {
    return taskFile;
  }

  /**
   * Resolves a path an agent named, relative to the directory; null if it would leave the directory
   * (through "..", an absolute path or a symbolic link).
   */
  Path resolveInside(String relative) throws IOException {
    Path candidate = directory.resolve(relative).normalize();
    if (!candidate.startsWith(directory)) {
      return null;
    }
    if (!Files.exists(candidate)) {
      return candidate;
    }
    Path real = candidate.toRealPath();
    return real.startsWith(directory.toRealPath()) ? real : null;
  }

  /** Deletes the directory and the task file; failures are logged, never thrown. */
  void delete() {
    try {
      deleteRecursively(directory);
      Files.deleteIfExists(taskFile);
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", directory, e.toString());
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    // walkFileTree does not follow symbolic links, so a link to elsewhere is removed, not emptied.
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        deleteIfPresent(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        deleteIfPresent(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        deleteIfPresent(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void deleteIfPresent(Path path) throws IOException {
    try {
      Files.delete(path);
    } catch (NoSuchFileException ignored) {
      // Gone already (the agent may still be cleaning up).
    }
  }
}
