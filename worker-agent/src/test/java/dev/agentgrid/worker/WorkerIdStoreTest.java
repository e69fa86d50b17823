package dev.agentgrid.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerIdStoreTest {

  @TempDir
  Path dir;

  @Test
  void theFirstStartCreatesAUuidAndLaterStartsReuseIt() throws IOException {
    Path stateDir = dir.resolve("nested/state");

    String first = WorkerIdStore.loadOrCreate(stateDir);
    String second = WorkerIdStore.loadOrCreate(stateDir);

    assertEquals(first, UUID.fromString(first).toString());
    assertEquals(first, second);
    assertEquals(first + "\n", Files.readString(stateDir.resolve("worker-id")));
  }

  @Test
  void anIdWrittenByAnOperatorIsKept() throws IOException {
    Files.writeString(dir.resolve("worker-id"), "  gpu-box-7\n");

    assertEquals("gpu-box-7", WorkerIdStore.loadOrCreate(dir));
  }

  @Test
  void aCorruptIdFileStopsTheWorkerInsteadOfChangingItsIdentity() throws IOException {
    Files.writeString(dir.resolve("worker-id"), "\n");

    assertThrows(IOException.class, () -> WorkerIdStore.loadOrCreate(dir));
  }
}
