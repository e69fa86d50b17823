package dev.agentgrid.controlplane.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real worker agent: {@code java -jar agentgrid-worker.jar ...} in its own process with its own
 * state directory, its stdout and stderr captured in a log file. Closing it kills it and every
 * process it started (agents and their children), also ones orphaned by an earlier kill.
 */
final class WorkerProcess implements AutoCloseable {
    /** System property naming the worker jar (failsafe sets it to the worker-agent module's jar). */
    static final String JAR_PROPERTY = "agentgrid.worker.jar";
    private static final Set<ProcessHandle> EVERY_PROCESS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        // Last line of defence if the test JVM is stopped before the tests' own cleanup runs.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> EVERY_PROCESS.forEach(ProcessHandle::destroyForcibly),
                "e2e-process-reaper"));
    }

    private final String role;
    private final String workerId;
    private final Path stateDir;
    private final Path log;
    private final Process process;
    // Processes seen under the worker, kept so they are killed even after being re-parented to init.
    private final Set<ProcessHandle> seen = new LinkedHashSet<>();

    private WorkerProcess(String role, String workerId, Path stateDir, Path log, Process process) {
        this.role = role;
        this.workerId = workerId;
        this.stateDir = stateDir;
        this.log = log;
        this.process = process;
        EVERY_PROCESS.add(process.toHandle());
    }

    /**
     * The worker jar. A missing jar fails the test (it never skips): the end-to-end tests are
     * meaningless without the real worker.
     */
    static Path jar() {
        String property = System.getProperty(JAR_PROPERTY);
        if (property == null || property.isBlank()) {
            throw new AssertionError("-D" + JAR_PROPERTY + " is not set: run the end-to-end tests through failsafe"
                    + " (./mvnw -B -ntp verify from the repository root), which points it at"
                    + " worker-agent/target/agentgrid-worker.jar");
        }
        Path jar = Path.of(property).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("the worker jar " + jar + " does not exist: build it first"
                    + " (./mvnw -B -ntp verify from the repository root packages worker-agent before control-plane,"
                    + " or ./mvnw -B -ntp package -pl worker-agent -am)");
        }
        return jar;
    }

    /** Starts describing a worker called {@code role} (also its display name and log file name). */
    static Builder builder(String role, int planePort, Path workDir, Path logDir) {
        return new Builder(role, planePort, workDir, logDir);
    }

    /** The worker's stable id (written into its state directory before it started). */
    String id() {
        return workerId;
    }

    String role() {
        return role;
    }

    /** The worker JVM's pid. */
    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    Path log() {
        return log;
    }

    Path stateDir() {
        return stateDir;
    }

    /** The captured stdout and stderr so far. */
    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(could not read " + log + ": " + e + ")";
        }
    }

    /** Sends SIGTERM to the worker JVM only (on Linux {@link Process#destroy()} is SIGTERM). */
    void sigterm() {
        remember();
        process.destroy();
    }

    /** SIGKILL to the worker JVM only, as a crash would: its agents live on, orphaned. */
    void kill9() {
        remember();
        process.destroyForcibly();
        await(process);
    }

    /** SIGSTOP: the worker JVM freezes (its agents keep running). */
    void pause() {
        remember();
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() {
        signal("CONT");
    }

    /** Waits for the worker to exit and returns its exit code. */
    int awaitExit(java.time.Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("worker " + role + " did not exit within " + within);
        }
        return process.exitValue();
    }

    /** Also kill {@code pid} when this worker is closed (e.g. an agent's child the test found). */
    void alsoKill(long pid) {
        ProcessHandle.of(pid).ifPresent(h -> {
            synchronized (seen) {
                seen.add(h);
            }
            EVERY_PROCESS.add(h);
        });
    }

    @Override
    public void close() {
        remember();
        if (process.isAlive()) {
            // Resume first in case the test left it stopped: a stopped process still dies of SIGKILL,
            // but its agents should not wait on it.
            signal("CONT");
        }
        process.destroyForcibly();
        List<ProcessHandle> all;
        synchronized (seen) {
            all = new ArrayList<>(seen);
        }
        all.forEach(ProcessHandle::destroyForcibly);
        await(process);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("e2e: process " + h.pid() + " of worker " + role + " did not exit: " + e);
            }
            EVERY_PROCESS.remove(h);
        }
        EVERY_PROCESS.remove(process.toHandle());
    }

    private void remember() {
        synchronized (seen) {
            process.toHandle().descendants().forEach(h -> {
                seen.add(h);
                EVERY_PROCESS.add(h);
            });
        }
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                kill.destroyForcibly();
                throw new AssertionError("kill -" + name + " " + process.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while signalling the worker", e);
        }
    }

    private static void await(Process p) {
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                System.err.println("e2e: process " + p.pid() + " did not exit within 10 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Options of a worker to start. */
    static final class Builder {
        private final String role;
        private final int planePort;
        private final Path workDir;
        private final Path logDir;
        private final Map<String, String> commands = new LinkedHashMap<>();
        private final List<String> extra = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private int slots = 1;
        private String labels;
        private Path classArchiveDir;

        private Builder(String role, int planePort, Path workDir, Path logDir) {
            this.role = role;
            this.planePort = planePort;
            this.workDir = workDir;
            this.logDir = logDir;
        }

        /** Serves {@code agentType} by running {@code commandLine} (through /bin/sh -c). */
        Builder command(String agentType, String commandLine) {
            commands.put(agentType, commandLine);
            return this;
        }

        /** Serves {@code agentType} with a script: {@code sh <script>}. */
        Builder script(String agentType, Path script) {
            return command(agentType, "sh " + script.toAbsolutePath());
        }

        Builder slots(int value) {
            slots = value;
            return this;
        }

        Builder labels(String value) {
            labels = value;
            return this;
        }

        /** More command-line options, e.g. {@code --drain-grace 20s}. */
        Builder args(String... more) {
            extra.addAll(List.of(more));
            return this;
        }

        /**
         * Starts the worker as the systemd unit does, through {@code deploy/worker/agentgrid-worker-start},
         * with its class-data archive kept in {@code dir}.
         */
        Builder deployLauncher(Path dir) {
            classArchiveDir = dir;
            return this;
        }

        /** An environment variable of the worker, which its agents inherit. */
        Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** Starts the worker JVM; it connects on its own. */
        WorkerProcess start() throws IOException {
            if (commands.isEmpty()) {
                throw new IllegalStateException("a worker needs at least one agent type");
            }
            Path stateDir = Files.createDirectories(workDir.resolve("worker-" + role));
            String workerId = "e2e-" + role + "-" + UUID.randomUUID().toString().substring(0, 8);
            Files.writeString(stateDir.resolve("worker-id"), workerId + "\n", StandardCharsets.UTF_8);
            Files.createDirectories(logDir);
            Path log = logDir.resolve("worker-" + role + ".log");

            List<String> cmd = new ArrayList<>();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String jvmFlags = "-Xmx128m -XX:TieredStopAtLevel=1";
            Map<String, String> launcherEnv = new LinkedHashMap<>();
            if (classArchiveDir == null) {
                cmd.add(java);
                cmd.addAll(List.of(jvmFlags.split(" ")));
                cmd.add("-jar");
                cmd.add(jar().toString());
            } else {
                Path launcher = Path.of("..", "deploy", "worker", "agentgrid-worker-start").toAbsolutePath().normalize();
                if (!Files.isRegularFile(launcher)) {
                    throw new AssertionError("the deploy launcher " + launcher + " does not exist (tests run from control-plane/)");
                }
                cmd.addAll(List.of("sh", launcher.toString()));
                launcherEnv.putAll(Map.of("JAVA", java, "AGENTGRID_WORKER_JAR", jar().toString(),
                        "AGENTGRID_WORKER_JVM", jvmFlags, "AGENTGRID_WORKER_CDS_DIR", classArchiveDir.toString()));
            }
            cmd.addAll(List.of("--control-plane", "127.0.0.1:" + planePort,
                    "--agent-types", String.join(",", commands.keySet()),
                    "--slots", Integer.toString(slots),
                    "--name", role,
                    "--state-dir", stateDir.toString(),
                    // Back quickly after a restart of the plane; the defaults (1 s up to 30 s) suit production.
                    "--backoff-initial", "200ms",
                    "--backoff-max", "1s",
                    "--log-level", "info"));
            if (labels != null) {
                cmd.addAll(List.of("--labels", labels));
            }
            commands.forEach((type, line) -> cmd.addAll(List.of("--command", type + "=" + line)));
            cmd.addAll(extra);

            ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
            // The plane's settings must not leak into the worker, nor the test JVM's AGENTGRID_* ones.
            pb.environment().keySet().removeIf(k -> k.startsWith("AGENTGRID_"));
            pb.environment().putAll(launcherEnv);
            pb.environment().putAll(env);
            return new WorkerProcess(role, workerId, stateDir, log, pb.start());
        }
    }
}
