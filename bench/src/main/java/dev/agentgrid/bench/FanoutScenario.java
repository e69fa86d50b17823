package dev.agentgrid.bench;

import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.ProjectServiceGrpc;
import dev.agentgrid.proto.v1.TaskServiceGrpc;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fan-out through the web bridge: N WebSocket clients in the global room while the plane emits
 * durable events at a steady rate (tasks created with {@code CreateTasks} for an agent type no
 * worker serves, so each makes exactly one {@code task_status_change} and stays pending). Measures
 * commit-to-client latency (the event's timestamp, set in the plane's write transaction, to the
 * moment a client read the frame; both clocks are this machine's), frames delivered against
 * expected, sockets the bridge closed, and the bridge's heap and RSS if its pid is given. The
 * measured load follows a warm-up load in a project of its own (not counted) and, with the
 * bridge's pid, a wait until the bridge is quiet: a bridge that has just started was measured at
 * seconds where a warmed one took tens of milliseconds. The clients are {@link FanoutClients}.
 */
public final class FanoutScenario implements Scenario {
    static final String EVENT_TYPE = "task_status_change";
    static final String UNSERVED_AGENT_TYPE = "bench-fanout-unserved";
    /** Latency samples kept at most (8 bytes each). */
    private static final long MAX_SAMPLES = 4_000_000;
    private static final int CONNECTS_AT_ONCE = 50;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);
    /** After the load, how long deliveries may stand still before the rest counts as missing. */
    private static final Duration DRAIN_QUIET = Duration.ofSeconds(5);
    private static final Duration DRAIN_MAX = Duration.ofSeconds(60);
    /**
     * The warm-up's default rate keeps it within what the clients read on a small machine: its
     * point is that the bridge's and the clients' hot paths are compiled before the measured load,
     * as in a bridge that has been running; at the full load's 2 million frames a second the
     * warm-up would leave a queue for minutes.
     */
    private static final int WARMUP_FRAMES_PER_SECOND = 100_000;

    @Override
    public String name() {
        return "fanout";
    }

    @Override
    public void run(Options options, Report report) throws Exception {
        int clients = options.integer("clients", 1000);
        int rate = options.integer("rate", 2000);
        Duration duration = options.duration("duration", Duration.ofSeconds(60));
        int bridgePid = options.integer("bridge-pid", 0);
        int clientThreads = options.integer("client-threads", 2);
        Duration warmup = options.duration("warmup", Duration.ofSeconds(20));
        int warmupRate = options.integer("warmup-rate",
                Math.max(1, Math.min(rate, WARMUP_FRAMES_PER_SECOND / Math.max(1, clients))));
        Duration quietTimeout = options.duration("quiet-timeout", Duration.ofSeconds(120));
        String plane = options.plane();
        URI socketUri = URI.create(options.bridge().replaceFirst("^http", "ws").replaceAll("/+$", "") + "/ws");
        if (clients < 1 || rate < 1 || warmupRate < 1 || clientThreads < 1) {
            throw new IllegalArgumentException("--clients, --rate, --warmup-rate and --client-threads must be >= 1");
        }

        long expectedPairs = (long) clients * rate * Math.max(1, duration.toSeconds());
        FanoutTally tally = new FanoutTally(EVENT_TYPE, (int) Math.min(Integer.MAX_VALUE,
                (expectedPairs + MAX_SAMPLES - 1) / MAX_SAMPLES));
        FanoutClients sockets = new FanoutClients(clientThreads);
        ManagedChannel channel = Channels.plaintext(plane);
        ProcessSampler bridge = null;
        HttpClient http = HttpClient.newHttpClient();
        try {
            report.note("fanout: opening %d sockets to %s", clients, socketUri);
            long t0 = System.nanoTime();
            connect(sockets, socketUri, clients, tally);
            report.note("fanout: %d sockets in the global room after %d ms", clients,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            if (bridgePid > 0) {
                bridge = ProcessSampler.start(bridgePid, true);
            }

            if (!warmup.isZero()) {
                // Frames of the warm-up's project are not counted: the tally counts the measured one.
                report.note("fanout: warm-up, %d events/s for %s", warmupRate, warmup);
                String warmupProject = createProject(channel, "bench fanout warm-up");
                new PacedTaskLoad(TaskServiceGrpc.newFutureStub(channel), warmupProject, UNSERVED_AGENT_TYPE)
                        .run(warmupRate, warmup);
                if (bridgePid > 0) {
                    QuietWait.await(bridgePid, "bridge", quietTimeout, report);
                }
            }
            BridgeCloses closesBefore = closes(http, options.bridge(), report);
            String projectId = createProject(channel, "bench fanout");
            tally.countProject(projectId);
            report.note("fanout: %d events/s for %s (project %s, latency sampled 1 in %d)", rate, duration, projectId,
                    tally.sampleEvery);
            long self = ProcessHandle.current().pid();
            long clientCpuBefore = ProcStats.cpuNanos(self);
            long bridgeCpuBefore = bridgePid > 0 ? ProcStats.cpuNanos(bridgePid) : -1;
            long wallBefore = System.nanoTime();
            PacedTaskLoad.Result load = new PacedTaskLoad(TaskServiceGrpc.newFutureStub(channel), projectId,
                    UNSERVED_AGENT_TYPE).run(rate, duration);
            if (load.failedCalls() > 0) {
                report.note("fanout: %d CreateTasks calls failed, first: %s", load.failedCalls(), load.firstError());
            }
            long expected = load.created() * clients;
            awaitDeliveries(tally, expected);
            // CPU over load and drain, in % of one core: which side of the socket was saturated.
            double wall = System.nanoTime() - wallBefore;
            double clientCpuPct = 100.0 * (ProcStats.cpuNanos(self) - clientCpuBefore) / wall;
            double bridgeCpuPct = bridgePid > 0 ? 100.0 * (ProcStats.cpuNanos(bridgePid) - bridgeCpuBefore) / wall : -1;
            BridgeCloses closesAfter = closes(http, options.bridge(), report);
            long closed = tally.closedCount();
            long delivered = tally.deliveries() - tally.duplicates();
            if (closed > 0) {
                report.note("fanout: sockets closed by the bridge, by close code: %s", tally.closesByCode());
            }
            if (tally.unreadable() > 0) {
                report.note("fanout: %d event frames without a readable seq or timestamp", tally.unreadable());
            }
            Report.Line line = report.line(name())
                    .put("clients", clients)
                    .put("rate", rate)
                    .put("events", load.created())
                    .put("events_per_s", load.perSecond())
                    .put("failed_calls", load.failedCalls())
                    .put("deliveries", delivered)
                    .put("expected", expected)
                    .put("missing", Math.max(0, expected - delivered))
                    .put("duplicates", tally.duplicates())
                    .put("closed", closed);
            if (closesBefore != null && closesAfter != null) {
                BridgeCloses byBridge = closesAfter.since(closesBefore);
                line.put("bridge_closed_slow_consumer", byBridge.slowConsumer())
                        .put("bridge_closed_idle", byBridge.idle());
            }
            line.put("latency_sample_every", tally.sampleEvery)
                    .latency("commit_to_client", tally.latency)
                    .put("client_cpu_pct", clientCpuPct);
            if (bridge != null) {
                line.put("bridge_cpu_pct", bridgeCpuPct)
                        .put("bridge_heap_max_mb", bridge.maxHeapUsedMib())
                        .put("bridge_heap_committed_max_mb", bridge.maxHeapCommittedMib())
                        .put("bridge_rss_max_mb", bridge.maxRssMib());
            }
            line.print();
            if (load.created() == 0) {
                throw new AssertionError("no task was created: " + load.firstError());
            }
        } finally {
            if (bridge != null) {
                bridge.close();
            }
            sockets.close();
            Channels.close(channel);
        }
    }

    private static String createProject(ManagedChannel channel, String name) {
        return ProjectServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .createProject(CreateProjectRequest.newBuilder().setName(name).build()).getProject().getId();
    }

    /** Opens the sockets, a few at a time, and waits for each one's {@code connected} frame. */
    private static void connect(FanoutClients sockets, URI uri, int clients, FanoutTally tally)
            throws InterruptedException {
        List<CompletableFuture<Void>> wave = new ArrayList<>();
        long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
        for (int i = 0; i < clients; i++) {
            wave.add(sockets.open(uri, new FanoutSocket(i, tally)));
            if (wave.size() == CONNECTS_AT_ONCE || i == clients - 1) {
                for (CompletableFuture<Void> f : wave) {
                    try {
                        f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } catch (ExecutionException | TimeoutException e) {
                        throw new IllegalStateException("socket " + (i + 1) + " of " + clients
                                + " did not connect (is AGENTGRID_BRIDGE_MAX_CONNECTIONS_PER_ADDRESS >= " + clients
                                + " on the bridge?): " + (e.getCause() != null ? e.getCause() : e), e);
                    }
                }
                wave.clear();
            }
        }
    }

    /** Waits until every expected frame arrived, or deliveries stood still for a while. */
    private static void awaitDeliveries(FanoutTally tally, long expected) throws InterruptedException {
        long start = System.nanoTime();
        long last = -1;
        long lastChange = start;
        while (System.nanoTime() - start < DRAIN_MAX.toNanos()) {
            long now = tally.deliveries() - tally.duplicates();
            if (now >= expected) {
                return;
            }
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > DRAIN_QUIET.toNanos()) {
                return;
            }
            Thread.sleep(50);
        }
    }

    /** The bridge's close counters, or null (noted) if its {@code /healthz} cannot be read. */
    private static BridgeCloses closes(HttpClient http, String bridge, Report report) {
        try {
            return BridgeCloses.read(http, bridge);
        } catch (Exception e) {
            report.note("fanout: cannot read the bridge's close counters from /healthz: %s", e);
            return null;
        }
    }
}
