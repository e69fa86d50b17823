package dev.agentgrid.bridge.testing;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real control plane for the bridge's tests: the plane's executable jar run as a process, on a
 * free port, with an embedded database in a fresh directory. A process rather than a context in
 * the test JVM: the plane and the bridge are both Micronaut applications with their own
 * {@code application.yml} and beans, which one classpath cannot hold apart.
 *
 * <p>The jar is the one the reactor built ({@code control-plane/target/agentgrid-control-plane.jar},
 * passed in as {@code agentgrid.test.control-plane-jar}); without it the tests fail and say how to
 * build it.
 */
public final class ControlPlaneProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static ControlPlaneProcess shared;

    private final Path jar;
    private final int port;
    private Path dataDir;
    private Process process;
    private Path log;
    private PlaneClient client;

    private ControlPlaneProcess(Path jar, int port) {
        this.jar = jar;
        this.port = port;
    }

    /** One plane for every test class of the JVM that does not stop it; closed when the JVM exits. */
    public static synchronized ControlPlaneProcess shared() {
        if (shared == null) {
            shared = start();
            ControlPlaneProcess s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        }
        return shared;
    }

    /** A plane of one's own (to stop and restart it). */
    public static ControlPlaneProcess start() {
        String configured = System.getProperty("agentgrid.test.control-plane-jar",
                "../control-plane/target/agentgrid-control-plane.jar");
        Path jar = Paths.get(configured).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the control plane jar " + jar + " is missing: the bridge's tests run the"
                    + " real plane. Build it first: ./mvnw -B -ntp -pl control-plane -am package -DskipTests"
                    + " (a reactor build such as ./mvnw -B -ntp verify builds it before the bridge)");
        }
        ControlPlaneProcess p = new ControlPlaneProcess(jar, freePort());
        p.launch(newDataDir());
        return p;
    }

    /** {@code host:port} for the bridge's {@code agentgrid.bridge.control-plane}. */
    public String target() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The test's own channel to the plane. */
    public synchronized PlaneClient client() {
        if (client == null) {
            client = new PlaneClient(port);
        }
        return client;
    }

    /**
     * Kills the plane (SIGKILL, as a crash would) and waits until it is gone. Not SIGTERM: a plane
     * shutting down gracefully waits up to its 30 s gRPC shutdown timeout for open event streams,
     * such as the bridge's.
     */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        try {
            process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Starts the plane again on the same port with an empty database: its event log starts over. */
    public synchronized void restartEmpty() {
        stop();
        deleteTree(dataDir);
        launch(newDataDir());
    }

    @Override
    public synchronized void close() {
        try {
            if (client != null) {
                client.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop();
        deleteTree(dataDir);
    }

    private void launch(Path data) {
        this.dataDir = data;
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("GRPC_SERVER_PORT", Integer.toString(port));
        pb.environment().put("AGENTGRID_DATA_DIR", dataDir.toString());
        pb.environment().put("AGENTGRID_LOG_LEVEL", "WARN");
        pb.environment().remove("AGENTGRID_DB_URL");
        try {
            Path logs = Paths.get("target", "control-plane-logs");
            Files.createDirectories(logs);
            log = logs.resolve("plane-" + port + "-" + System.currentTimeMillis() + ".log");
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the control plane", e);
        }
        awaitServing();
    }

    private void awaitServing() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the control plane exited with " + process.exitValue()
                            + " while starting; see " + log.toAbsolutePath());
                }
                try {
                    HealthCheckResponse r = HealthGrpc.newBlockingStub(ch).withDeadlineAfter(1, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance());
                    if (r.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
                        return;
                    }
                } catch (RuntimeException notYet) {
                    // Not listening yet.
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the control plane did not start within " + START_TIMEOUT
                            + "; see " + log.toAbsolutePath());
                }
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000);
            }
        } finally {
            ch.shutdownNow();
        }
    }

    private static Path newDataDir() {
        try {
            return Files.createTempDirectory("agentgrid-plane-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Only a temporary directory left behind.
        }
    }

    /** A port nobody listens on right now. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
