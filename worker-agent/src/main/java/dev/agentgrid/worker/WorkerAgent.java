package dev.agentgrid.worker;

import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectResponse;
import dev.agentgrid.proto.v1.Heartbeat;
import dev.agentgrid.proto.v1.Hello;
import dev.agentgrid.proto.v1.MachineInventory;
import dev.agentgrid.proto.v1.MetricsSnapshot;
import com.google.protobuf.Timestamp;
import dev.agentgrid.worker.connect.ExecutorScheduler;
import dev.agentgrid.worker.connect.ExponentialBackoff;
import dev.agentgrid.worker.connect.OutboundQueue;
import dev.agentgrid.worker.connect.PlaneConnection;
import dev.agentgrid.worker.connect.Scheduler;
import dev.agentgrid.worker.connect.SessionDelegate;
import dev.agentgrid.worker.exec.AttemptExecutor;
import dev.agentgrid.worker.exec.AttemptManager;
import dev.agentgrid.worker.exec.CommandExecutor;
import dev.agentgrid.worker.exec.ExecutorRegistry;
import dev.agentgrid.worker.exec.HandlerExecutor;
import dev.agentgrid.worker.metrics.InventoryCollector;
import dev.agentgrid.worker.metrics.MetricSource;
import dev.agentgrid.worker.metrics.MetricsCollector;
import dev.agentgrid.worker.metrics.NvidiaSmi;
import dev.agentgrid.worker.metrics.SystemMetrics;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;

/**
 * The worker agent, assembled: its identity, the connection to the plane, the attempt manager and
 * the metrics. {@link #create} wires the real machine; {@link Wiring} lets tests swap the channel,
 * scheduler, clock, randomness and metric sources.
 */
public final class WorkerAgent implements SessionDelegate {

  /** How long shutting down waits for queued messages to reach the plane. */
  public static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);
  /** Most bytes of one message from the plane (inputs and handoffs can be large). */
  public static final int MAX_INBOUND_MESSAGE_BYTES = 32 * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(WorkerAgent.class);

  private final WorkerOptions options;
  private final String workerId;
  private final String hostname;
  private final MachineInventory inventory;
  private final MetricsCollector metrics;
  private final Clock clock;
  private final OutboundQueue outbound;
  private final AttemptManager attempts;
  private final PlaneConnection connection;
  private final AutoCloseable ownedScheduler;

  private WorkerAgent(Wiring wiring, String workerId) {
    this.options = wiring.options;
    this.workerId = workerId;
    String host = wiring.hostname != null ? wiring.hostname : hostname();
    // The contract allows 255 characters; a longer name would get the session refused.
    this.hostname = host.length() > 255 ? host.substring(0, 255) : host;
    this.inventory = wiring.inventory;
    this.clock = wiring.clock;
    this.metrics = new MetricsCollector(wiring.metricSources, clock);
    this.outbound = new OutboundQueue(options.outboundQueue(), OutboundQueue.DEFAULT_ESSENTIAL_WAIT);
    this.attempts = new AttemptManager(options.slots(), wiring.executors, outbound,
        wiring.scheduler, options.cancelGrace());
    this.connection = new PlaneConnection(wiring.channel, options.token().orElse(null), this,
        outbound, wiring.scheduler,
        new ExponentialBackoff(options.backoffInitial(), options.backoffMax(), wiring.random),
        PlaneConnection.DEFAULT_WELCOME_TIMEOUT);
    this.ownedScheduler = wiring.ownedScheduler;
  }

  /**
   * Wires a worker for this machine: OSHI metrics, nvidia-smi, a Netty channel with keepalive, the
   * command executors and the TaskHandlers on the class path.
   *
   * @throws IOException if the state directory cannot be used
   * @throws IllegalArgumentException if an agent type has no executor
   */
  public static WorkerAgent create(WorkerOptions options) throws IOException {
    ExecutorScheduler scheduler = new ExecutorScheduler("agentgrid-timer");
    try {
      Clock clock = Clock.systemUTC();
      ExecutorRegistry executors = executors(options, scheduler, clock,
          Thread.currentThread().getContextClassLoader());
      SystemInfo system = new SystemInfo();
      NvidiaSmi nvidiaSmi = NvidiaSmi.fromPath();
      return wiring(options)
          .scheduler(scheduler, scheduler)
          .clock(clock)
          .executors(executors)
          .channel(openChannel(options))
          .inventory(InventoryCollector.collect(system, nvidiaSmi))
          .metricSources(options.metrics() ? SystemMetrics.sources(system, nvidiaSmi) : List.of())
          .build();
    } catch (IOException | RuntimeException e) {
      scheduler.close();
      throw e;
    }
  }

  /** Starts wiring a worker by hand. */
  public static Wiring wiring(WorkerOptions options) {
    return new Wiring(options);
  }

  /**
   * The executor for each agent type: the configured command, else a TaskHandler found with
   * {@code loader}.
   *
   * @throws IllegalArgumentException naming agent types without an executor
   */
  public static ExecutorRegistry executors(WorkerOptions options, Scheduler scheduler, Clock clock,
      ClassLoader loader) {
    Path workRoot = options.stateDir().resolve("work");
    Map<String, AttemptExecutor> commands = new LinkedHashMap<>();
    options.commands().forEach((type, commandLine) -> commands.put(type,
        new CommandExecutor(commandLine, workRoot, scheduler, clock, options.cancelGrace())));
    Map<String, AttemptExecutor> handlers =
        HandlerExecutor.discover(loader, scheduler, clock, options.cancelGrace());
    return ExecutorRegistry.resolve(options.agentTypes(), commands, handlers);
  }

  /** Opens the channel to the plane, with keepalive and TLS as configured. */
  public static ManagedChannel openChannel(WorkerOptions options) throws IOException {
    ChannelCredentials credentials;
    if (options.tlsCa().isPresent()) {
      credentials = TlsChannelCredentials.newBuilder()
          .trustManager(options.tlsCa().get().toFile())
          .build();
    } else if (options.tls()) {
      credentials = TlsChannelCredentials.create();
    } else {
      credentials = InsecureChannelCredentials.create();
    }
    return Grpc.newChannelBuilder(options.controlPlane(), credentials)
        .keepAliveTime(options.keepAliveTime().toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        // Idle pings keep NAT and load-balancer state alive between heartbeats.
        .keepAliveWithoutCalls(true)
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
        .userAgent("agentgrid-worker/" + AgentVersion.get())
        .build();
  }

  /** Connects to the plane; returns at once. */
  public void start() {
    LOG.info("worker {} ({}) serving {} with {} slot(s); control plane {}", workerId,
        options.name().orElse(hostname), options.agentTypes(), options.slots(),
        options.controlPlane());
    connection.start();
  }

  /** Takes no new work from now on and tells the plane so; running attempts go on. */
  public void drain(String reason) {
    if (attempts.startDraining(reason)) {
      LOG.info("draining ({}): taking no new work", reason);
      connection.sendDraining(reason);
    }
  }

  /**
   * Shuts down cleanly: drains, lets running attempts finish within the drain grace (then cancels
   * them), sends what is queued and closes the stream.
   *
   * @return whether every attempt finished within the grace and the stream closed cleanly
   */
  public boolean shutdown(String reason) throws InterruptedException {
    drain(reason);
    boolean finished = attempts.awaitIdle(options.drainGrace());
    if (!finished) {
      LOG.warn("{} attempt(s) still running after the drain grace of {}; cancelling them",
          attempts.activeCount(), DurationText.format(options.drainGrace()));
      attempts.cancelAll("worker shutting down", options.cancelGrace());
      attempts.awaitIdle(options.cancelGrace().plusSeconds(5));
    }
    boolean clean = connection.close(FLUSH_TIMEOUT);
    try {
      if (ownedScheduler != null) {
        ownedScheduler.close();
      }
    } catch (Exception e) {
      LOG.debug("closing the scheduler failed", e);
    }
    return finished && clean;
  }

  /** The stable worker id. */
  public String workerId() {
    return workerId;
  }

  /** The attempts this worker holds. */
  public AttemptManager attempts() {
    return attempts;
  }

  /** The connection to the plane. */
  public PlaneConnection connection() {
    return connection;
  }

  /** The outbound queue. */
  public OutboundQueue outbound() {
    return outbound;
  }

  @Override
  public Hello hello() {
    Hello.Builder hello = Hello.newBuilder()
        .setWorkerId(workerId)
        .setName(options.name().orElse(hostname))
        .setHostname(hostname)
        .setVersion(AgentVersion.get())
        .putAllLabels(options.labels())
        .addAllAgentTypes(options.agentTypes())
        .setSlots(options.slots())
        .setInventory(inventory)
        .addAllRunning(attempts.heldAttempts());
    options.token().ifPresent(hello::setToken);
    return hello.build();
  }

  @Override
  public Heartbeat heartbeat() {
    MetricsSnapshot.Builder snapshot;
    try {
      snapshot = metrics.collect().toBuilder();
    } catch (RuntimeException e) {
      // The collector guards each source; this is for a bug in the collector itself.
      LOG.warn("metrics failed: {}", e.toString());
      Instant now = clock.instant();
      snapshot = MetricsSnapshot.newBuilder().setCaptureTime(
          Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()));
    }
    return Heartbeat.newBuilder()
        .setMetrics(snapshot.setFreeSlots(attempts.freeSlots()))
        .addAllRunning(attempts.heldAttempts())
        .build();
  }

  @Override
  public void onPlaneMessage(ConnectResponse message) {
    switch (message.getMessageCase()) {
      case ASSIGN_TASK -> attempts.assign(message.getAssignTask());
      case CANCEL_TASK -> attempts.cancel(message.getCancelTask());
      case HITL_ANSWER -> attempts.hitlAnswer(message.getHitlAnswer());
      case USER_MESSAGE -> attempts.userMessage(message.getUserMessage());
      case DRAIN -> drain(message.getDrain().getReason().isEmpty()
          ? "asked by the control plane" : message.getDrain().getReason());
      default -> LOG.debug("ignoring {}", message.getMessageCase());
    }
  }

  @Override
  public void onSent(ConnectRequest message) {
    attempts.onSent(message);
  }

  @Override
  public Optional<String> drainingReason() {
    return attempts.drainingReason();
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      String fromEnv = System.getenv("HOSTNAME");
      return fromEnv == null || fromEnv.isEmpty() ? "unknown" : fromEnv;
    }
  }

  /** The parts a worker is made of; defaults suit a test, {@link #create} sets the real ones. */
  public static final class Wiring {
    private final WorkerOptions options;
    private ManagedChannel channel;
    private Scheduler scheduler;
    private AutoCloseable ownedScheduler;
    private Clock clock = Clock.systemUTC();
    private Random random = new Random();
    private ExecutorRegistry executors;
    private MachineInventory inventory = MachineInventory.getDefaultInstance();
    private List<MetricSource> metricSources = List.of();
    private String hostname;

    private Wiring(WorkerOptions options) {
      this.options = options;
    }

    /** The channel to the plane (closed when the worker shuts down). */
    public Wiring channel(ManagedChannel value) {
      this.channel = value;
      return this;
    }

    /** The scheduler, and what to close with the worker (or null). */
    public Wiring scheduler(Scheduler value, AutoCloseable owned) {
      this.scheduler = value;
      this.ownedScheduler = owned;
      return this;
    }

    /** The clock. */
    public Wiring clock(Clock value) {
      this.clock = value;
      return this;
    }

    /** Randomness for backoff jitter. */
    public Wiring random(Random value) {
      this.random = value;
      return this;
    }

    /** Executors per agent type. */
    public Wiring executors(ExecutorRegistry value) {
      this.executors = value;
      return this;
    }

    /** The inventory reported in Hello. */
    public Wiring inventory(MachineInventory value) {
      this.inventory = value;
      return this;
    }

    /** Metric sources read for each heartbeat. */
    public Wiring metricSources(List<MetricSource> value) {
      this.metricSources = List.copyOf(value);
      return this;
    }

    /** The host name (the real one if unset). */
    public Wiring hostname(String value) {
      this.hostname = value;
      return this;
    }

    /**
     * Loads or creates the worker id in the state directory and assembles the worker.
     *
     * @throws IOException if the state directory cannot be used
     */
    public WorkerAgent build() throws IOException {
      if (channel == null || scheduler == null || executors == null) {
        throw new IllegalStateException("channel, scheduler and executors are required");
      }
      return new WorkerAgent(this, WorkerIdStore.loadOrCreate(options.stateDir()));
    }
  }
}
