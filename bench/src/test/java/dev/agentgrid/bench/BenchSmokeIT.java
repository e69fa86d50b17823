package dev.agentgrid.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The benchmark end to end at tiny sizes: a real plane (H2) and bridge as processes from their
 * jars, the scenarios run through {@link BenchMain#run}, and their result lines checked for every
 * metric they promise. Figures are not asserted (a CI machine's are meaningless), only that they
 * are there and that nothing was lost.
 */
@Timeout(180)
class BenchSmokeIT {
    private static final Path PLANE_JAR = jar("agentgrid.test.control-plane-jar", "../control-plane/target/agentgrid-control-plane.jar");
    private static final Path BRIDGE_JAR = jar("agentgrid.test.web-bridge-jar", "../web-bridge/target/agentgrid-web-bridge.jar");
    private static final Path WORKER_JAR = jar("agentgrid.worker.jar", "../worker-agent/target/agentgrid-worker.jar");

    private static Path work;
    private static PlaneDatabase db;
    private static JavaProcess plane;
    private static JavaProcess bridge;
    private static int planePort;
    private static int bridgePort;

    @BeforeAll
    static void startPlatform() throws Exception {
        work = Files.createTempDirectory("agentgrid-bench-it-");
        db = PlaneDatabase.fresh("h2", "sa");
        planePort = JavaProcess.freePort();
        Map<String, String> planeEnv = new java.util.HashMap<>(db.env());
        planeEnv.put("GRPC_SERVER_PORT", Integer.toString(planePort));
        planeEnv.put("AGENTGRID_LOG_LEVEL", "WARN");
        planeEnv.put("AGENTGRID_DB_URL", null);
        plane = JavaProcess.start(PLANE_JAR, List.of("-Xmx384m", "-XX:TieredStopAtLevel=1"), List.of(), planeEnv,
                work.resolve("plane.log"));
        FootprintScenario.awaitServing(plane, planePort);

        bridgePort = JavaProcess.freePort();
        bridge = JavaProcess.start(BRIDGE_JAR, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), List.of(), Map.of(
                "MICRONAUT_SERVER_PORT", Integer.toString(bridgePort),
                "AGENTGRID_CONTROL_PLANE", "127.0.0.1:" + planePort,
                "AGENTGRID_BRIDGE_MAX_CONNECTIONS_PER_ADDRESS", "100",
                "AGENTGRID_LOG_LEVEL", "WARN"), work.resolve("bridge.log"));
        awaitHealthy(bridge, "http://127.0.0.1:" + bridgePort + "/healthz");
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        if (plane != null) {
            plane.close();
        }
        if (db != null) {
            db.close();
        }
        JavaProcess.deleteTree(work);
    }

    @Test
    void fanoutDeliversEveryEventToEveryClientAndReportsLatencyAndBridgeMemory() {
        String line = runOne("fanout", "--plane=127.0.0.1:" + planePort, "--bridge=http://127.0.0.1:" + bridgePort,
                "--clients=5", "--rate=50", "--duration=3s", "--warmup=2s", "--bridge-pid=" + bridge.pid());
        Map<String, String> m = metrics(line);
        for (String key : List.of("events", "events_per_s", "deliveries", "missing", "closed",
                "commit_to_client_p50_ms", "commit_to_client_p99_ms", "commit_to_client_max_ms",
                "bridge_heap_max_mb", "bridge_rss_max_mb")) {
            assertTrue(m.containsKey(key), key + " missing from: " + line);
        }
        assertTrue(Long.parseLong(m.get("events")) > 0, line);
        // Exactly the measured events: the warm-up's are not counted.
        assertEquals(Long.parseLong(m.get("events")) * 5, Long.parseLong(m.get("deliveries")), line);
        assertEquals("0", m.get("missing"), line);
        assertEquals("0", m.get("closed"), line);
        assertEquals("0", m.get("bridge_closed_slow_consumer"), line);
        assertEquals("0", m.get("bridge_closed_idle"), line);
        assertTrue(Double.parseDouble(m.get("bridge_rss_max_mb")) > 0, line);
    }

    @Test
    void footprintTimesPlaneAndWorkerStartsAndMeasuresIdleWorker() {
        String out = run("footprint", "--plane-jar=" + PLANE_JAR, "--worker-jar=" + WORKER_JAR, "--plane-jvm=c1",
                "--idle=2s", "--plane-idle=1s");
        List<String> planeLines = out.lines().filter(l -> l.startsWith("footprint_plane ")).toList();
        assertEquals(2, planeLines.size(), out);
        assertTrue(planeLines.get(0).contains(" start=cold ") && planeLines.get(1).contains(" start=warm "), out);
        for (String l : planeLines) {
            assertTrue(Double.parseDouble(metrics(l).get("plane_ready_ms")) > 0, l);
        }
        assertTrue(metrics(planeLines.get(1)).containsKey("plane_idle_rss_mb"), out);
        List<String> workerLines = out.lines().filter(l -> l.startsWith("footprint_worker ")).toList();
        assertEquals(3, workerLines.size(), out);
        assertTrue(workerLines.get(2).contains(" jvm=tuned+cds ") && workerLines.get(2).contains("-XX:SharedArchiveFile="),
                out);
        for (String l : workerLines) {
            Map<String, String> m = metrics(l);
            assertTrue(Double.parseDouble(m.get("worker_connected_ms")) > 0, l);
            assertTrue(Double.parseDouble(m.get("worker_idle_rss_mb")) > 0, l);
            assertTrue(m.containsKey("worker_idle_cpu_pct"), l);
        }
    }

    @Test
    void throughputCompletesEveryTaskExactlyOnceAndSaysHowFast() {
        String line = runOne("throughput", "--plane=127.0.0.1:" + planePort, "--tasks=300", "--warmup-tasks=50",
                "--warmup-rounds=1", "--plane-pid=" + plane.pid(), "--workers=4", "--slots=16", "--batch=100",
                "--db=h2");
        Map<String, String> m = metrics(line);
        assertTrue(Double.parseDouble(m.get("plane_cpu_pct")) > 0, line);
        double jit = Double.parseDouble(m.get("plane_jit_cpu_pct"));
        assertTrue(jit >= 0 && jit <= Double.parseDouble(m.get("plane_cpu_pct")), line);
        double machine = Double.parseDouble(m.get("machine_cpu_busy_pct"));
        assertTrue(machine > 0 && machine <= 100, line);
        assertEquals("300", m.get("tasks"), line);
        assertEquals("300", m.get("completed_events"), line);
        assertEquals("300", m.get("listed_completed"), line);
        assertEquals("0", m.get("duplicates"), line);
        assertEquals("0", m.get("lost"), line);
        assertTrue(Double.parseDouble(m.get("tasks_per_s")) > 0, line);
    }

    @Test
    void latencyTimesEachTaskFromCreateToAssignmentAndCompletion() {
        String out = run("latency", "--plane=127.0.0.1:" + planePort, "--tasks=20", "--warmup=5",
                "--real-workers=1", "--real-tasks=5", "--real-warmup=1", "--worker-jar=" + WORKER_JAR);
        Map<String, String> simulated = metrics(out.lines().filter(l -> l.startsWith("latency ")).findFirst()
                .orElseThrow());
        assertEquals("20", simulated.get("create_to_assign_count"), out);
        assertTrue(Double.parseDouble(simulated.get("create_to_assign_p50_ms"))
                <= Double.parseDouble(simulated.get("create_to_complete_p50_ms")), out);
        Map<String, String> real = metrics(out.lines().filter(l -> l.startsWith("latency_real_worker "))
                .findFirst().orElseThrow());
        assertEquals("5", real.get("create_to_complete_count"), out);
    }

    @Test
    void workersHeartbeatWithoutAnyFalseOfflineAndThePlaneReportsHeartbeatLatency() {
        String line = runOne("workers", "--plane=127.0.0.1:" + planePort, "--workers=50", "--duration=6s",
                "--settle=1s", "--sample=2s", "--task-rate=5", "--plane-pid=" + plane.pid());
        Map<String, String> m = metrics(line);
        assertEquals("0", m.get("false_offline"), line);
        assertEquals("0", m.get("server_closed"), line);
        assertEquals("50", m.get("connected_at_end"), line);
        assertTrue(Long.parseLong(m.get("heartbeats")) > 0, line);
        assertTrue(Double.parseDouble(m.get("heartbeat_p99_ms")) > 0, line);
        assertTrue(Double.parseDouble(m.get("rss_max_mb")) > 0, line);
    }

    /** Runs a scenario and returns its one result line. */
    private static String runOne(String scenario, String... options) {
        List<String> lines = run(scenario, options).lines().filter(l -> l.startsWith(scenario + " ")).toList();
        assertEquals(1, lines.size(), "result lines: " + lines);
        return lines.get(0);
    }

    /** Runs a scenario through BenchMain; its stdout, after checking the exit status is 0. */
    private static String run(String scenario, String... options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] args = new String[options.length + 1];
        args[0] = scenario;
        System.arraycopy(options, 0, args, 1, options.length);
        int status = BenchMain.run(args, new Report(new PrintStream(out, true, StandardCharsets.UTF_8), System.err));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, "exit status of " + Arrays.toString(args) + "; printed:\n" + printed);
        return printed;
    }

    private static Map<String, String> metrics(String line) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String word : line.split(" ")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                m.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return m;
    }

    private static void awaitHealthy(JavaProcess process, String url) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            process.checkAlive("the bridge");
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the bridge was not healthy within 90 s; see " + process.log());
    }

    private static Path jar(String property, String fallback) {
        return Path.of(System.getProperty(property, fallback)).toAbsolutePath().normalize();
    }
}
