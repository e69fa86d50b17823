package dev.agentgrid.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Java program the benchmark starts itself ({@code java <flags> -jar <jar> <args>}), its output
 * in a log file, with the moment it was spawned so that start-up can be timed from there.
 */
final class JavaProcess implements AutoCloseable {
    private final Process process;
    private final long spawnedNanos;
    private final Path log;

    private JavaProcess(Process process, long spawnedNanos, Path log) {
        this.process = process;
        this.spawnedNanos = spawnedNanos;
        this.log = log;
    }

    static JavaProcess start(Path jar, List<String> jvmFlags, List<String> args, Map<String, String> env, Path log)
            throws IOException {
        return start(ownJava(), jar, jvmFlags, args, env, log);
    }

    /** The {@code java} the benchmark itself runs on. */
    static Path ownJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** As {@link #start(Path, List, List, Map, Path)}, with another {@code java} than the benchmark's own. */
    static JavaProcess start(Path java, Path jar, List<String> jvmFlags, List<String> args, Map<String, String> env,
            Path log) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("missing " + jar.toAbsolutePath()
                    + "; build the jars first: ./mvnw -B -ntp -pl control-plane,worker-agent,web-bridge -am package -DskipTests");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(jvmFlags);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // A null value removes an inherited variable.
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        Files.createDirectories(log.toAbsolutePath().getParent());
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        long spawned = System.nanoTime();
        return new JavaProcess(pb.start(), spawned, log);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Milliseconds since the process was spawned. */
    double millisSinceSpawn() {
        return (System.nanoTime() - spawnedNanos) / 1e6;
    }

    Path log() {
        return log;
    }

    /** Fails with a pointer to the log if the process has exited. */
    void checkAlive(String what) {
        if (!process.isAlive()) {
            throw new IllegalStateException(what + " exited with " + process.exitValue() + "; see " + log.toAbsolutePath());
        }
    }

    /** SIGTERM and wait (the JVM runs its shutdown hooks, e.g. writes a class-data archive), then SIGKILL. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
            kill();
        }
    }

    /** SIGKILL, with any children. */
    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    /** A TCP port nobody listens on right now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Only a temporary directory left behind.
        }
    }
}
