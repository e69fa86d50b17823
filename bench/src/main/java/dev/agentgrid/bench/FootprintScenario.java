package dev.agentgrid.bench;

import com.google.protobuf.util.Durations;
import dev.agentgrid.proto.v1.GetStatsRequest;
import dev.agentgrid.proto.v1.GetStatsResponse;
import dev.agentgrid.proto.v1.ListWorkersRequest;
import dev.agentgrid.proto.v1.StatsServiceGrpc;
import dev.agentgrid.proto.v1.WorkerAdminServiceGrpc;
import dev.agentgrid.proto.v1.WorkerStatus;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How heavy the platform's processes are, started by the benchmark itself. The control plane:
 * milliseconds from spawn to its gRPC health check answering SERVING (polled every 10 ms) on a
 * fresh database (cold: migrations run) and again on the same one (warm), for several JVM flag
 * sets, and its RSS after idling. A worker agent: milliseconds from spawn until the plane lists
 * it ONLINE, then its RSS and CPU while idle, with default JVM flags, with tuned ones, and with
 * the tuned ones plus a class-data archive.
 */
public final class FootprintScenario implements Scenario {
    /** Flags for an idle worker: one GC thread and small heap, C1 only, smaller stacks and code cache. */
    static final String WORKER_TUNED_FLAGS = "-XX:+UseSerialGC,-Xmx64m,-Xss512k,-XX:TieredStopAtLevel=1,"
            + "-XX:CICompilerCount=1,-XX:ReservedCodeCacheSize=32m,-XX:MaxMetaspaceSize=96m";
    private static final String AGENT_TYPE = "footprint";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final String AOT_CACHE = "-XX:AOTCache=";

    private boolean statsUnimplemented;

    @Override
    public String name() {
        return "footprint";
    }

    @Override
    public void run(Options options, Report report) throws Exception {
        Path planeJar = Path.of(options.string("plane-jar", "control-plane/target/agentgrid-control-plane.jar"));
        Path workerJar = Path.of(options.string("worker-jar", "worker-agent/target/agentgrid-worker.jar"));
        String dbUrl = options.string("db-url", "h2");
        String dbUser = options.string("db-user", "postgres");
        Duration workerIdle = options.duration("idle", Duration.ofSeconds(30));
        Duration planeIdle = options.duration("plane-idle", Duration.ofSeconds(10));
        List<String> variants = split(options.string("plane-jvm", "default,c1,cds,c1+cds"));
        String aotJavaOption = options.string("aot-java", "");
        List<String> tunedWorker = split(options.string("worker-tuned-flags", WORKER_TUNED_FLAGS));
        List<String> workerVariants = split(options.string("worker-jvm", "default,tuned,tuned+cds"));
        Path ownJava = JavaProcess.ownJava();
        Path aotJava = aotJava(aotJavaOption, variants);
        Path work = Files.createTempDirectory("agentgrid-footprint-");
        try {
            Path archive = work.resolve("plane.jsa");
            if (variants.stream().anyMatch(v -> v.contains("cds"))) {
                trainClassArchive(planeJar, dbUrl, dbUser, archive, work, report);
            }
            for (String variant : variants) {
                boolean aot = words(variant).contains("aot");
                Path java = aot ? aotJava : ownJava;
                Path cache = work.resolve("plane-" + variant.replace('+', '-') + ".aot");
                List<String> flags = planeFlags(variant, archive, cache);
                if (aot) {
                    trainAotCache(java, planeJar, flags, cache, dbUrl, dbUser, work, report);
                }
                measurePlane(variant, java, flags, planeJar, dbUrl, dbUser, planeIdle, work, report);
            }
            measureWorkers(planeJar, workerJar, dbUrl, dbUser, workerIdle, workerVariants, tunedWorker, work, report);
        } finally {
            JavaProcess.deleteTree(work);
        }
    }

    /**
     * The {@code java} of JDK 25 or later that {@code aot} variants run on, checked before anything
     * starts; null when no variant needs one.
     */
    static Path aotJava(String option, List<String> variants) {
        if (variants.stream().noneMatch(v -> words(v).contains("aot"))) {
            return null;
        }
        if (option.isBlank()) {
            throw new IllegalArgumentException("--plane-jvm " + variants
                    + ": the aot word needs --aot-java=<path to the java of a JDK 25 or later>");
        }
        Path java = Path.of(option);
        if (!Files.isExecutable(java)) {
            throw new IllegalArgumentException("--aot-java=" + option + ": not an executable file");
        }
        int release = javaRelease(java);
        if (release < 25) {
            String jdk = release < 0 ? "of unknown release" : Integer.toString(release);
            throw new IllegalArgumentException("--aot-java=" + option + ": JDK " + jdk
                    + "; AOT caches (-XX:AOTCache) need JDK 25 or later");
        }
        return java;
    }

    /**
     * The feature release of the JDK a {@code java} belongs to, from its home's {@code release}
     * file ({@code JAVA_VERSION="25.0.3"}); -1 if that cannot be read.
     */
    static int javaRelease(Path java) {
        Path home = java.toAbsolutePath().getParent() == null ? null : java.toAbsolutePath().getParent().getParent();
        if (home == null || !Files.isRegularFile(home.resolve("release"))) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    String feature = v.startsWith("1.") ? v.substring(2) : v;
                    int end = 0;
                    while (end < feature.length() && Character.isDigit(feature.charAt(end))) {
                        end++;
                    }
                    return end == 0 ? -1 : Integer.parseInt(feature.substring(0, end));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * JVM flags of a plane variant: words joined by '+', e.g. {@code c1+cds}. {@code aot} maps the
     * variant's own AOT cache (JDK 25 or later, {@code --aot-java}).
     */
    private static List<String> planeFlags(String variant, Path archive, Path aotCache) {
        return flags("--plane-jvm", variant, Map.of("default", List.of(), "c1", List.of("-XX:TieredStopAtLevel=1"),
                "serial", List.of("-XX:+UseSerialGC"), "cds", List.of("-XX:SharedArchiveFile=" + archive),
                "aot", List.of(AOT_CACHE + aotCache)));
    }

    private static List<String> words(String variant) {
        return List.of(variant.split("\\+"));
    }

    /** The flags of each word of {@code variant} (words joined by '+'), in order. */
    private static List<String> flags(String option, String variant, Map<String, List<String>> words) {
        List<String> flags = new ArrayList<>();
        for (String word : variant.split("\\+")) {
            List<String> more = words.get(word);
            if (more == null) {
                throw new IllegalArgumentException(option + ": unknown word '" + word + "' (expected "
                        + String.join(", ", new java.util.TreeSet<>(words.keySet())) + ", joined by +)");
            }
            flags.addAll(more);
        }
        return flags;
    }

    /**
     * AppCDS on JDK 17: one run with {@code -XX:ArchiveClassesAtExit} writes the classes it loaded
     * into an archive when the JVM exits; later runs map it instead of loading and verifying them.
     */
    private void trainClassArchive(Path jar, String dbUrl, String dbUser, Path archive, Path work, Report report)
            throws Exception {
        try (PlaneDatabase db = PlaneDatabase.fresh(dbUrl, dbUser)) {
            int port = JavaProcess.freePort();
            JavaProcess plane = startPlane(JavaProcess.ownJava(), jar, List.of("-XX:ArchiveClassesAtExit=" + archive), db,
                    port, work.resolve("plane-cds-training.log"));
            try {
                awaitServing(plane, port);
                plane.stop();
            } finally {
                plane.close();
            }
        }
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("the plane wrote no class-data archive at exit; see its log");
        }
        report.note("footprint: class-data archive %s, %.1f MiB", archive, ProcStats.mib(Files.size(archive)));
    }

    /**
     * An AOT cache on JDK 25: one run with the variant's flags, {@code -XX:AOTCacheOutput} in place
     * of {@code -XX:AOTCache}, starts to SERVING and stops on SIGTERM; the JVM writes the cache
     * (the classes loaded and linked, and the methods' profiles) as it exits.
     */
    private static void trainAotCache(Path java, Path jar, List<String> variantFlags, Path cache, String dbUrl,
            String dbUser, Path work, Report report) throws Exception {
        List<String> flags = new ArrayList<>();
        for (String f : variantFlags) {
            flags.add(f.startsWith(AOT_CACHE) ? "-XX:AOTCacheOutput=" + cache : f);
        }
        try (PlaneDatabase db = PlaneDatabase.fresh(dbUrl, dbUser)) {
            int port = JavaProcess.freePort();
            try (JavaProcess plane = startPlane(java, jar, flags, db, port, work.resolve("plane-aot-training.log"))) {
                awaitServing(plane, port);
                plane.stop();
            }
        }
        if (!Files.isRegularFile(cache)) {
            throw new IllegalStateException("the plane wrote no AOT cache at exit; see "
                    + work.resolve("plane-aot-training.log"));
        }
        report.note("footprint: AOT cache %s (JDK %d), %.1f MiB", cache, javaRelease(java),
                ProcStats.mib(Files.size(cache)));
    }

    private void measurePlane(String variant, Path java, List<String> flags, Path jar, String dbUrl, String dbUser,
            Duration idle, Path work, Report report) throws Exception {
        try (PlaneDatabase db = PlaneDatabase.fresh(dbUrl, dbUser)) {
            int port = JavaProcess.freePort();
            for (String start : List.of("cold", "warm")) {
                JavaProcess plane = startPlane(java, jar, flags, db, port,
                        work.resolve("plane-" + variant + "-" + start + ".log"));
                try {
                    double readyMs = awaitServing(plane, port);
                    Report.Line line = report.line("footprint_plane").put("jvm", variant).put("jdk", javaRelease(java))
                            .put("db", db.kind())
                            .put("start", start).put("plane_ready_ms", readyMs);
                    ManagedChannel channel = Channels.plaintext("localhost:" + port);
                    try {
                        GetStatsResponse stats = stats(channel, report);
                        if (stats != null) {
                            line.put("plane_start_to_ready_ms", Durations.toMillis(stats.getJvm().getStartToReady()));
                        }
                        if (start.equals("warm")) {
                            Thread.sleep(idle.toMillis());
                            line.put("plane_idle_rss_mb", ProcStats.mib(ProcStats.rssBytes(plane.pid())));
                            GetStatsResponse later = stats(channel, report);
                            if (later != null) {
                                line.put("plane_idle_heap_used_mb", ProcStats.mib(later.getJvm().getHeapUsedBytes()));
                            }
                        }
                    } finally {
                        Channels.close(channel);
                    }
                    line.put("flags", flags.isEmpty() ? "none" : String.join(",", flags).replace(work.toString(), "<tmp>"))
                            .print();
                    plane.stop();
                } finally {
                    plane.close();
                }
            }
        }
    }

    private void measureWorkers(Path planeJar, Path workerJar, String dbUrl, String dbUser, Duration idle,
            List<String> variants, List<String> tunedFlags, Path work, Report report) throws Exception {
        try (PlaneDatabase db = PlaneDatabase.fresh(dbUrl, dbUser)) {
            int port = JavaProcess.freePort();
            try (JavaProcess plane = startPlane(JavaProcess.ownJava(), planeJar, List.of(), db, port,
                    work.resolve("plane-for-workers.log"))) {
                awaitServing(plane, port);
                ManagedChannel channel = Channels.plaintext("localhost:" + port);
                try {
                    Path archive = work.resolve("worker.jsa");
                    for (String variant : variants) {
                        List<String> flags = workerFlags(variant, tunedFlags, archive);
                        if (variant.contains("cds") && !Files.isRegularFile(archive)) {
                            trainWorkerArchive(flags, archive, workerJar, port, channel, work, report);
                        }
                        measureWorker(variant, flags, workerJar, port, channel, idle, work, report);
                    }
                } finally {
                    Channels.close(channel);
                }
            }
        }
    }

    /** JVM flags of a worker variant: words joined by '+', e.g. {@code tuned+cds}. */
    private static List<String> workerFlags(String variant, List<String> tunedFlags, Path archive) {
        return flags("--worker-jvm", variant, Map.of("default", List.of(), "tuned", tunedFlags,
                "cds", List.of("-XX:SharedArchiveFile=" + archive)));
    }

    /**
     * The worker's AppCDS archive, as for the plane: one run with the variant's other flags and
     * {@code -XX:ArchiveClassesAtExit} connects, then stops on SIGTERM (a clean exit writes it).
     */
    private static void trainWorkerArchive(List<String> variantFlags, Path archive, Path jar, int planePort,
            ManagedChannel channel, Path work, Report report) throws Exception {
        List<String> flags = new ArrayList<>();
        for (String f : variantFlags) {
            if (!f.startsWith("-XX:SharedArchiveFile=")) {
                flags.add(f);
            }
        }
        flags.add("-XX:ArchiveClassesAtExit=" + archive);
        String name = "footprint-cds-training-" + Long.toString(System.nanoTime(), 36);
        Path dir = work.resolve(name);
        Files.createDirectories(dir);
        try (JavaProcess worker = JavaProcess.start(jar, flags, workerArgs(planePort, name, dir), Map.of(),
                dir.resolve("worker.log"))) {
            awaitOnline(worker, name, channel);
            worker.stop();
        }
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("the worker wrote no class-data archive at exit; see " + dir.resolve("worker.log"));
        }
        report.note("footprint: worker class-data archive %s, %.1f MiB", archive, ProcStats.mib(Files.size(archive)));
    }

    private static List<String> workerArgs(int planePort, String name, Path dir) {
        return List.of("--control-plane", "localhost:" + planePort, "--agent-types", AGENT_TYPE,
                "--slots", "1", "--command", AGENT_TYPE + "=true", "--state-dir", dir.resolve("state").toString(),
                "--name", name);
    }

    private static void measureWorker(String jvm, List<String> flags, Path jar, int planePort, ManagedChannel channel,
            Duration idle, Path work, Report report) throws Exception {
        String name = "footprint-" + jvm.replace('+', '-') + "-" + Long.toString(System.nanoTime(), 36);
        Path dir = work.resolve(name);
        Files.createDirectories(dir);
        try (JavaProcess worker = JavaProcess.start(jar, flags, workerArgs(planePort, name, dir), Map.of(),
                dir.resolve("worker.log"))) {
            double connectedMs = awaitOnline(worker, name, channel);
            long cpuBefore = ProcStats.cpuNanos(worker.pid());
            long wallBefore = System.nanoTime();
            double rssMax;
            try (ProcessSampler sampler = ProcessSampler.start(worker.pid(), false)) {
                Thread.sleep(idle.toMillis());
                rssMax = sampler.maxRssMib();
            }
            long rssEnd = ProcStats.rssBytes(worker.pid());
            long cpuAfter = ProcStats.cpuNanos(worker.pid());
            worker.checkAlive("the worker");
            double cpuPct = 100.0 * (cpuAfter - cpuBefore) / (System.nanoTime() - wallBefore);
            report.line("footprint_worker").put("jvm", jvm)
                    .put("worker_connected_ms", connectedMs)
                    .put("worker_idle_rss_mb", rssMax)
                    .put("worker_idle_rss_end_mb", ProcStats.mib(rssEnd))
                    .put("worker_idle_cpu_pct", cpuPct)
                    .put("idle_s", idle.toMillis() / 1000.0)
                    .put("flags", flags.isEmpty() ? "none" : String.join(",", flags).replace(work.toString(), "<tmp>"))
                    .print();
            worker.stop();
        }
    }

    private static JavaProcess startPlane(Path java, Path jar, List<String> flags, PlaneDatabase db, int port,
            Path log) throws IOException {
        Map<String, String> env = new HashMap<>(db.env());
        env.put("GRPC_SERVER_PORT", Integer.toString(port));
        env.put("AGENTGRID_LOG_LEVEL", "WARN");
        if (!env.containsKey("AGENTGRID_DB_URL")) {
            env.put("AGENTGRID_DB_URL", null); // an inherited PostgreSQL URL must not override the H2 directory
        }
        return JavaProcess.start(java, jar, flags, List.of(), env, log);
    }

    /** Polls the plane's gRPC health check every 10 ms; milliseconds from spawn to SERVING. */
    static double awaitServing(JavaProcess plane, int port) throws InterruptedException {
        ManagedChannel channel = Channels.plaintext("localhost:" + port);
        try {
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                plane.checkAlive("the control plane");
                try {
                    HealthCheckResponse r = health.withDeadlineAfter(1, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance());
                    if (r.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
                        return plane.millisSinceSpawn();
                    }
                } catch (StatusRuntimeException notYet) {
                    // Not listening yet, or NOT_SERVING. A refused connection puts the channel
                    // into reconnect backoff (a second or more): measuring that would add the
                    // client's wait to the plane's start time, so retry at once.
                    channel.resetConnectBackoff();
                }
                TimeUnit.NANOSECONDS.sleep(POLL_NANOS);
            }
            throw new IllegalStateException("the control plane did not answer SERVING within " + READY_TIMEOUT
                    + "; see " + plane.log());
        } finally {
            Channels.close(channel);
        }
    }

    /** Polls ListWorkers every 10 ms; milliseconds from spawn until the worker named {@code name} is ONLINE. */
    private static double awaitOnline(JavaProcess worker, String name, ManagedChannel channel) throws InterruptedException {
        WorkerAdminServiceGrpc.WorkerAdminServiceBlockingStub admin = WorkerAdminServiceGrpc.newBlockingStub(channel);
        ListWorkersRequest request = ListWorkersRequest.newBuilder().setAgentType(AGENT_TYPE)
                .addStatuses(WorkerStatus.WORKER_STATUS_ONLINE).setPageSize(1000).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            worker.checkAlive("the worker");
            boolean online = admin.withDeadlineAfter(5, TimeUnit.SECONDS).listWorkers(request).getWorkersList().stream()
                    .anyMatch(w -> w.getName().equals(name));
            if (online) {
                return worker.millisSinceSpawn();
            }
            TimeUnit.NANOSECONDS.sleep(POLL_NANOS);
        }
        throw new IllegalStateException("the worker was not ONLINE within " + READY_TIMEOUT + "; see " + worker.log());
    }

    /** The plane's own stats, or null while StatsService is not implemented (noted once). */
    private GetStatsResponse stats(ManagedChannel channel, Report report) {
        if (statsUnimplemented) {
            return null;
        }
        try {
            return StatsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .getStats(GetStatsRequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
                throw e;
            }
            statsUnimplemented = true;
            report.note("footprint: the plane does not implement StatsService.GetStats; plane_start_to_ready_ms left out");
            return null;
        }
    }

    private static List<String> split(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
