package dev.agentgrid.worker.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes small shell scripts for tests that run real agents. */
public final class Scripts {

  private Scripts() {
  }

  /** Writes {@code body} to {@code dir/name} as an executable sh script; returns its path. */
  public static Path write(Path dir, String name, String body) throws IOException {
    Path script = dir.resolve(name);
    Files.writeString(script, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  /** The example agent shipped with the module. */
  public static Path exampleAgent() {
    Path script = Path.of("examples", "example-agent.sh").toAbsolutePath();
    if (!Files.exists(script)) {
      throw new IllegalStateException("example agent not found at " + script);
    }
    return script;
  }
}
