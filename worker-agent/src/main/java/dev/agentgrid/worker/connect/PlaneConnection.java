package dev.agentgrid.worker.connect;

import com.google.protobuf.util.Durations;
import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectResponse;
import dev.agentgrid.proto.v1.Draining;
import dev.agentgrid.proto.v1.Heartbeat;
import dev.agentgrid.proto.v1.Welcome;
import dev.agentgrid.proto.v1.WorkerServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the worker connected to the control plane: opens {@code WorkerService.Connect}, sends Hello,
 * waits for Welcome, heartbeats at the interval Welcome sets, and after any failure opens a new
 * session after an {@link ExponentialBackoff} delay, for ever, until closed. All timing goes through
 * the injected {@link Scheduler}.
 */
public final class PlaneConnection {

  /** Heartbeat interval when Welcome names none. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);
  /** Shortest heartbeat interval honoured, whatever Welcome says. */
  public static final Duration MIN_HEARTBEAT_INTERVAL = Duration.ofMillis(100);
  /** How long a session may wait for Welcome before it is abandoned and retried. */
  public static final Duration DEFAULT_WELCOME_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(PlaneConnection.class);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** Where the connection is. */
  public enum State {
    /** Not started. */
    IDLE,
    /** A stream is open and waits for Welcome. */
    CONNECTING,
    /** The plane accepted the session. */
    CONNECTED,
    /** The last session ended; the next one starts after the backoff delay. */
    WAITING,
    /** Closed for good. */
    CLOSED
  }

  private final ManagedChannel channel;
  private final String target;
  private final WorkerServiceGrpc.WorkerServiceStub stub;
  private final SessionDelegate delegate;
  private final OutboundQueue queue;
  private final Scheduler scheduler;
  private final ExponentialBackoff backoff;
  private final Duration welcomeTimeout;
  private final ExecutorService sendExecutor = Executors.newSingleThreadExecutor(named("send"));
  private final ExecutorService dispatchExecutor =
      Executors.newSingleThreadExecutor(named("dispatch"));
  // Metrics are read off the timer thread: a slow source (a hung nvidia-smi) must not delay
  // kill graces and output flushes; requests made while one is built coalesce into one more.
  private final ExecutorService heartbeatExecutor =
      Executors.newSingleThreadExecutor(named("heartbeat"));
  private final AtomicBoolean buildingHeartbeat = new AtomicBoolean();
  private final AtomicBoolean heartbeatRequested = new AtomicBoolean();
  private final SessionEvents events = new SessionEvents();
  // Guarded by this.
  private State state = State.IDLE;
  private Session current;
  private int sessions;
  private boolean closing;
  private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
  private Cancellable heartbeatTimer = Cancellable.NONE;
  private Cancellable welcomeTimer = Cancellable.NONE;
  private Cancellable reconnectTimer = Cancellable.NONE;

  /**
   * Creates a connection; nothing happens until {@link #start()}.
   *
   * @param channel the channel to the plane; closed by {@link #close}
   * @param token shared secret sent as {@code authorization: Bearer <token>}, or null
   * @param delegate the rest of the worker
   * @param queue the outbound queue, shared across sessions
   * @param scheduler timers for heartbeats, backoff and the Welcome timeout
   * @param backoff delays between sessions
   * @param welcomeTimeout how long to wait for Welcome
   */
  public PlaneConnection(ManagedChannel channel, String token, SessionDelegate delegate,
      OutboundQueue queue, Scheduler scheduler, ExponentialBackoff backoff,
      Duration welcomeTimeout) {
    this.channel = channel;
    this.target = channel.authority();
    WorkerServiceGrpc.WorkerServiceStub base = WorkerServiceGrpc.newStub(channel);
    if (token != null && !token.isEmpty()) {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + token);
      base = base.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    this.stub = base;
    this.delegate = delegate;
    this.queue = queue;
    this.scheduler = scheduler;
    this.backoff = backoff;
    this.welcomeTimeout = welcomeTimeout;
  }

  /** Opens the first session. */
  public void start() {
    synchronized (this) {
      if (state != State.IDLE) {
        throw new IllegalStateException("already started");
      }
    }
    connect();
  }

  /** Where the connection is now. */
  public synchronized State state() {
    return state;
  }

  /** Sessions opened so far, including the current one. */
  public synchronized int sessionCount() {
    return sessions;
  }

  /** The heartbeat interval of the current (or last) session. */
  public synchronized Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /** Tells the plane the worker drains; sessions opened later tell it again. */
  public void sendDraining(String reason) {
    synchronized (this) {
      if (current == null || !current.isWelcomed() || current.isEnded()) {
        return;
      }
    }
    queue.offerControl(draining(reason));
  }

  /**
   * Leaves cleanly: waits (at most {@code timeout}) until every queued message was sent, reconnecting
   * meanwhile if needed, then half-closes the stream, waits for the plane to end it and closes the
   * channel.
   *
   * @return whether everything queued was sent and the stream ended cleanly
   */
  public boolean close(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean flushed = queue.awaitEmpty(timeout);
    Session session;
    synchronized (this) {
      closing = true;
      reconnectTimer.cancel();
      heartbeatTimer.cancel();
      welcomeTimer.cancel();
      session = current;
    }
    boolean clean = false;
    if (session != null && session.isWelcomed() && !session.isEnded()) {
      session.halfClose();
      long leftMillis = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
      clean = session.awaitEnd(Math.max(leftMillis, 1000));
    }
    if (session != null && !session.isEnded()) {
      session.cancel("worker shutting down");
    }
    synchronized (this) {
      state = State.CLOSED;
    }
    channel.shutdown();
    if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
      channel.shutdownNow();
    }
    sendExecutor.shutdown();
    dispatchExecutor.shutdown();
    heartbeatExecutor.shutdown();
    int unsent = queue.size();
    if (flushed && clean) {
      LOG.info("disconnected from {}", target);
    } else {
      LOG.warn("disconnected from {} without a clean close; {} message(s) not sent", target, unsent);
    }
    return flushed && clean;
  }

  private void connect() {
    Session session;
    synchronized (this) {
      if (closing) {
        return;
      }
      sessions++;
      session = new Session(sessions, queue, sendExecutor, dispatchExecutor, events);
      current = session;
      state = State.CONNECTING;
      if (sessions > 1) {
        // Our backoff decides when to retry; the channel's own (up to 2 minutes) must not add to it.
        channel.resetConnectBackoff();
      }
    }
    LOG.debug("opening session {} to {}", session.number(), target);
    stub.connect(session);
    session.sendFirst(ConnectRequest.newBuilder().setHello(delegate.hello()).build());
    synchronized (this) {
      welcomeTimer = scheduler.schedule(() -> {
        if (!session.isWelcomed() && !session.isEnded()) {
          LOG.warn("no Welcome from {} within {} ms; reconnecting", target, welcomeTimeout.toMillis());
          session.cancel("no Welcome within " + welcomeTimeout.toMillis() + " ms");
        }
      }, welcomeTimeout);
    }
  }

  private void welcome(Session session, Welcome welcome) {
    Duration interval = welcome.hasHeartbeatInterval()
        ? Duration.ofNanos(Durations.toNanos(welcome.getHeartbeatInterval()))
        : Duration.ZERO;
    if (interval.isZero() || interval.isNegative()) {
      interval = DEFAULT_HEARTBEAT_INTERVAL;
    } else if (interval.compareTo(MIN_HEARTBEAT_INTERVAL) < 0) {
      interval = MIN_HEARTBEAT_INTERVAL;
    }
    synchronized (this) {
      if (session != current || closing) {
        return;
      }
      state = State.CONNECTED;
      heartbeatInterval = interval;
      welcomeTimer.cancel();
      backoff.reset();
    }
    LOG.info("connected to {} (session {}, heartbeat every {} ms, {} attempt(s) kept)", target,
        welcome.getSessionId(), interval.toMillis(), welcome.getKeptCount());
    queue.clearControl();
    queue.setListener(session::signal);
    delegate.drainingReason().ifPresent(reason -> queue.offerControl(draining(reason)));
    session.welcomed();
    heartbeat(session);
  }

  private void heartbeat(Session session) {
    synchronized (this) {
      if (session != current || session.isEnded() || closing) {
        return;
      }
    }
    requestHeartbeat(session);
    synchronized (this) {
      if (session == current && !session.isEnded() && !closing) {
        heartbeatTimer = scheduler.schedule(() -> heartbeat(session), heartbeatInterval);
      }
    }
  }

  /**
   * Builds a heartbeat off the timer thread (metric sources may be slow). Requests that arrive
   * while one is being built coalesce into one more build right after it, so a heartbeat is never
   * skipped and a slow source never piles up work.
   */
  private void requestHeartbeat(Session session) {
    heartbeatRequested.set(true);
    if (buildingHeartbeat.compareAndSet(false, true)) {
      try {
        heartbeatExecutor.execute(() -> buildHeartbeats(session));
      } catch (RejectedExecutionException e) {
        buildingHeartbeat.set(false);
      }
    }
  }

  private void buildHeartbeats(Session session) {
    try {
      while (heartbeatRequested.getAndSet(false)) {
        Heartbeat heartbeat = delegate.heartbeat();
        if (!session.isEnded()) {
          queue.offerControl(ConnectRequest.newBuilder().setHeartbeat(heartbeat).build());
        }
      }
    } finally {
      buildingHeartbeat.set(false);
    }
    // A request made after the loop's last check but before the flag was cleared.
    if (heartbeatRequested.get() && !session.isEnded()) {
      requestHeartbeat(session);
    }
  }

  private void ended(Session session, Status status) {
    Duration delay;
    synchronized (this) {
      if (session != current) {
        return;
      }
      heartbeatTimer.cancel();
      welcomeTimer.cancel();
      queue.setListener(null);
      queue.clearControl();
      if (closing) {
        state = State.CLOSED;
        return;
      }
      state = State.WAITING;
      delay = backoff.nextDelay();
      reconnectTimer = scheduler.schedule(this::connect, delay);
    }
    String why = status.isOk() ? "the plane closed the stream"
        : status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription())
            + (status.getCause() == null || status.getCause().getMessage() == null ? ""
                : " (" + status.getCause().getMessage() + ")");
    if (status.getCode() == Status.Code.UNAUTHENTICATED
        || status.getCode() == Status.Code.PERMISSION_DENIED) {
      // Retrying cannot fix this by itself, but the operator may fix the plane's side meanwhile.
      LOG.error("the control plane at {} refused this worker ({}): check --token / AGENTGRID_TOKEN;"
          + " retrying in {} ms", target, why, delay.toMillis());
      return;
    }
    LOG.warn("{} to {} ended ({}); reconnecting in {} ms",
        session.isWelcomed() ? "session" : "connection attempt", target, why, delay.toMillis());
  }

  private static ConnectRequest draining(String reason) {
    return ConnectRequest.newBuilder()
        .setDraining(Draining.newBuilder().setReason(reason == null ? "" : reason))
        .build();
  }

  private static ThreadFactory named(String role) {
    return runnable -> {
      Thread thread = new Thread(runnable, "agentgrid-" + role);
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Session callbacks, on the dispatch and send threads. */
  private final class SessionEvents implements Session.Owner {
    @Override
    public void onMessage(Session session, ConnectResponse message) {
      if (!session.isWelcomed()) {
        if (message.hasWelcome()) {
          welcome(session, message.getWelcome());
        } else {
          LOG.warn("protocol error: {} before Welcome; reconnecting", message.getMessageCase());
          session.cancel("expected Welcome first, got " + message.getMessageCase());
        }
        return;
      }
      if (message.hasWelcome()) {
        LOG.warn("ignoring a second Welcome in one session");
        return;
      }
      try {
        delegate.onPlaneMessage(message);
      } catch (RuntimeException e) {
        // One bad message must not end the session, let alone the worker.
        LOG.error("failed to handle {}", message.getMessageCase(), e);
      }
    }

    @Override
    public void onEnd(Session session, Status status) {
      ended(session, status);
    }

    @Override
    public void onSent(ConnectRequest message) {
      delegate.onSent(message);
    }
  }
}
