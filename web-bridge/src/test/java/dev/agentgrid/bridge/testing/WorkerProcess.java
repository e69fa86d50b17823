package dev.agentgrid.bridge.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real worker agent process ({@code worker-agent/target/agentgrid-worker.jar}) serving one
 * agent type with a shell script, for the bridge's end-to-end tests. Killed with its agents on
 * close.
 */
public final class WorkerProcess implements AutoCloseable {
    private static final Path JAR = Path.of(System.getProperty("agentgrid.worker.jar",
            "../worker-agent/target/agentgrid-worker.jar"));

    private final Process process;

    private WorkerProcess(Process process) {
        this.process = process;
    }

    /**
     * Starts a worker named {@code name} running {@code script} (POSIX sh, the JSON-lines protocol)
     * for {@code agentType}, with its state and log in {@code dir}.
     */
    public static WorkerProcess start(String planeTarget, String name, String agentType, String script, Path dir)
            throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException("the worker jar is missing at " + JAR.toAbsolutePath()
                    + "; build it with ./mvnw -B -ntp package -pl worker-agent -am");
        }
        Files.createDirectories(dir);
        Path agent = dir.resolve("agent.sh");
        Files.writeString(agent, script);
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "--control-plane", planeTarget, "--agent-types", agentType, "--slots", "1",
                "--command", agentType + "=sh " + agent, "--state-dir", dir.resolve("state").toString(),
                "--name", name);
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("worker.log").toFile());
        return new WorkerProcess(pb.start());
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
