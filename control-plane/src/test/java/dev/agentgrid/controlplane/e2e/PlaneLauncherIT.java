package dev.agentgrid.controlplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.controlplane.testing.Poll;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plane as {@code deploy/plane/agentgrid-plane-start} runs it, from its jar on the embedded
 * database: the first start writes its class cache when the plane exits on SIGTERM, the second
 * maps it (a class-data archive before Java 25, an AOT cache from 25 on; whichever this JVM is).
 */
@Timeout(240)
class PlaneLauncherIT {
    private static final Path LAUNCHER = Path.of("..", "deploy", "plane", "agentgrid-plane-start").toAbsolutePath()
            .normalize();
    private static final Path JAR = Path.of(System.getProperty("agentgrid.plane.jar",
            "target/agentgrid-control-plane.jar")).toAbsolutePath();
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final int RELEASE = Runtime.version().feature();

    @TempDir
    Path dir;

    @Test
    void theFirstStartWritesTheClassCacheAtExitAndTheNextStartMapsIt() throws Exception {
        assertTrue(Files.isRegularFile(LAUNCHER), "missing " + LAUNCHER);
        assertTrue(Files.isRegularFile(JAR), "missing " + JAR + " (ITs run after package)");
        Path cacheDir = dir.resolve("cache");
        String suffix = RELEASE >= 25 ? ".aot" : ".jsa";

        Process first = start(cacheDir, "first");
        List<String> firstArgs = arguments(first);
        stop(first);
        Path cache = onlyCache(cacheDir);
        assertTrue(cache.getFileName().toString().startsWith("plane-java" + RELEASE + "-")
                && cache.getFileName().toString().endsWith(suffix), cache.toString());
        if (RELEASE >= 25) {
            assertTrue(firstArgs.contains("-XX:AOTCacheOutput=" + cache), firstArgs.toString());
        } else if (RELEASE < 19) {
            assertTrue(firstArgs.contains("-XX:ArchiveClassesAtExit=" + cache), firstArgs.toString());
        }

        Process second = start(cacheDir, "second");
        try {
            List<String> args = arguments(second);
            String flag = RELEASE >= 25 ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=";
            assertTrue(args.contains(flag + cache), args.toString());
            String maps = Files.readString(Path.of("/proc", Long.toString(second.pid()), "maps"));
            assertTrue(maps.contains(cache.toString()), "the JVM mapped " + cache);
        } finally {
            stop(second);
        }
        assertEquals(cache, onlyCache(cacheDir), "the cache was used, not written again");
    }

    private Process start(Path cacheDir, String name) throws Exception {
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder("sh", LAUNCHER.toString());
        pb.environment().putAll(java.util.Map.of("JAVA", JAVA, "AGENTGRID_PLANE_JAR", JAR.toString(),
                "AGENTGRID_PLANE_JVM", "-Xmx256m -XX:TieredStopAtLevel=1",
                "AGENTGRID_PLANE_CACHE_DIR", cacheDir.toString(),
                "AGENTGRID_DATA_DIR", dir.resolve("data").toString(),
                "GRPC_SERVER_PORT", Integer.toString(port), "AGENTGRID_LOG_LEVEL", "WARN"));
        pb.environment().remove("AGENTGRID_DB_URL");
        Path log = dir.resolve(name + ".log");
        Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitServing(p, port, log);
        return p;
    }

    /** The JVM's arguments: the launcher execs java, so the process is the JVM. */
    private static List<String> arguments(Process p) {
        return p.info().arguments().map(List::of).orElseThrow();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM: the JVM writes a cache that is due as it exits
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the plane did not exit within 120 s of SIGTERM");
        }
    }

    private static Path onlyCache(Path cacheDir) throws IOException {
        try (Stream<Path> files = Files.list(cacheDir)) {
            List<Path> all = files.toList();
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }

    /** Polls the plane's health check until SERVING (bounded); fails at once if the plane exits. */
    private static void awaitServing(Process p, int port, Path log) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            Poll.until(() -> {
                if (!p.isAlive()) {
                    throw new AssertionError("the plane exited with " + p.exitValue() + "; see " + log);
                }
                try {
                    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance()).getStatus();
                } catch (StatusRuntimeException notYet) {
                    channel.resetConnectBackoff(); // not listening yet: retry without the channel's backoff
                    return null;
                }
            }, status -> status == HealthCheckResponse.ServingStatus.SERVING, Duration.ofSeconds(120));
        } finally {
            channel.shutdownNow();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
