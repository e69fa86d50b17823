package dev.agentgrid.bench;

import dev.agentgrid.proto.v1.GetWorkerRequest;
import dev.agentgrid.proto.v1.WorkerStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real worker agent process ({@code java -jar agentgrid-worker.jar}) serving one agent type with
 * a command, its worker id chosen through the state directory so that the bench can wait for it.
 */
final class RealWorkerProcess implements AutoCloseable {
    private final Process process;
    private final String workerId;
    private final Path stateDir;
    private final Path log;

    private RealWorkerProcess(Process process, String workerId, Path stateDir, Path log) {
        this.process = process;
        this.workerId = workerId;
        this.stateDir = stateDir;
        this.log = log;
    }

    static RealWorkerProcess start(Path jar, String plane, String workerId, String agentType, String command, int slots)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException("worker jar " + jar + " not found (build worker-agent, or pass --worker-jar)");
        }
        Path stateDir = Files.createTempDirectory("agentgrid-bench-worker-");
        // The worker keeps its id here; writing it first gives the bench a name to look for.
        Files.writeString(stateDir.resolve("worker-id"), workerId + "\n");
        Path log = stateDir.resolve("worker.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(List.of(java, "-jar", jar.toString(),
                "--control-plane", plane,
                "--agent-types", agentType,
                "--slots", Integer.toString(slots),
                "--command", agentType + "=" + command,
                "--state-dir", stateDir.toString(),
                "--name", workerId))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new RealWorkerProcess(p, workerId, stateDir, log);
    }

    String workerId() {
        return workerId;
    }

    /** Waits until the plane lists the worker ONLINE. */
    void awaitOnline(PlaneConnection plane, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("worker exited with " + process.exitValue() + "; see " + log);
            }
            try {
                WorkerStatus s = plane.workers().getWorker(GetWorkerRequest.newBuilder().setWorkerId(workerId).build())
                        .getWorker().getStatus();
                if (s == WorkerStatus.WORKER_STATUS_ONLINE) {
                    return;
                }
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    throw e;
                }
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new TimeoutException("worker " + workerId + " not ONLINE within " + timeout + "; see " + log);
    }

    /** Stops the worker (SIGTERM lets it drain; SIGKILL after 15 s) and removes its state directory. */
    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
