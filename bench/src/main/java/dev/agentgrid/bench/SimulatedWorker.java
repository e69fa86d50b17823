package dev.agentgrid.bench;

import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectResponse;
import dev.agentgrid.proto.v1.Heartbeat;
import dev.agentgrid.proto.v1.Hello;
import dev.agentgrid.proto.v1.MachineInventory;
import dev.agentgrid.proto.v1.MetricsSnapshot;
import dev.agentgrid.proto.v1.TaskAccepted;
import dev.agentgrid.proto.v1.TaskResult;
import dev.agentgrid.proto.v1.Welcome;
import dev.agentgrid.proto.v1.WorkerServiceGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One worker's Connect stream, as cheap as possible: Hello, heartbeats at the interval Welcome
 * gives, and every AssignTask answered at once with TaskAccepted and a successful TaskResult.
 *
 * <p>Everything a stream sends goes through {@link #outbox}, drained only while the transport is
 * ready (and again from the on-ready handler), so {@code onNext} is never called concurrently and a
 * slow plane makes messages wait here instead of piling up in gRPC's buffers. A heartbeat is not
 * queued behind another unsent one: the plane needs the latest, not every one.
 */
final class SimulatedWorker implements ClientResponseObserver<ConnectRequest, ConnectResponse> {
    private static final Value OUTPUT = Value.newBuilder().setStructValue(Struct.newBuilder()
            .putFields("ok", Value.newBuilder().setBoolValue(true).build())).build();
    private static final long MEMORY_TOTAL = 16L << 30;

    /** Where a stream is in its life. */
    enum State { CONNECTING, WELCOMED, CLOSED_BY_SERVER, FAILED, CLOSED }

    private final String workerId;
    private final String agentType;
    private final int slots;
    private final SimulatedWorkerFleet fleet;
    private final CompletableFuture<Welcome> welcome = new CompletableFuture<>();
    private final Object lock = new Object();
    private final ArrayDeque<ConnectRequest> outbox = new ArrayDeque<>(); // guarded by lock
    private ClientCallStreamObserver<ConnectRequest> call; // guarded by lock
    private boolean heartbeatQueued; // guarded by lock
    private volatile State state = State.CONNECTING;
    private volatile ScheduledFuture<?> heartbeats;
    private final long startedMillis = System.currentTimeMillis();

    SimulatedWorker(String workerId, String agentType, int slots, SimulatedWorkerFleet fleet) {
        this.workerId = workerId;
        this.agentType = agentType;
        this.slots = slots;
        this.fleet = fleet;
    }

    String workerId() {
        return workerId;
    }

    State state() {
        return state;
    }

    CompletableFuture<Welcome> welcome() {
        return welcome;
    }

    /** Opens the stream and sends Hello. */
    void start(Channel channel) {
        WorkerServiceGrpc.newStub(channel).connect(this);
        send(ConnectRequest.newBuilder().setHello(Hello.newBuilder()
                .setWorkerId(workerId)
                .setName(workerId)
                .setHostname("bench")
                .setVersion("bench")
                .addAgentTypes(agentType)
                .setSlots(slots)
                .setInventory(MachineInventory.newBuilder()
                        .setLogicalCores(1).setPhysicalCores(1).setMemoryTotalBytes(MEMORY_TOTAL)
                        .setOs("bench").setArch("none").setJavaVersion(System.getProperty("java.version"))))
                .build());
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ConnectRequest> requestStream) {
        synchronized (lock) {
            call = requestStream;
        }
        requestStream.setOnReadyHandler(this::drain);
    }

    @Override
    public void onNext(ConnectResponse response) {
        switch (response.getMessageCase()) {
            case WELCOME -> welcomed(response.getWelcome());
            case ASSIGN_TASK -> assigned(response.getAssignTask());
            case CANCEL_TASK -> fleet.counters().cancels.increment();
            case DRAIN -> fleet.counters().drains.increment();
            default -> {
                // HITL answers and user messages never concern a task that already ended.
            }
        }
    }

    private void welcomed(Welcome w) {
        state = State.WELCOMED;
        fleet.counters().welcomed.increment();
        long intervalMillis = Math.max(100, toMillis(w.getHeartbeatInterval()));
        // A random first beat spreads a fleet that connected within a second over the interval.
        long first = ThreadLocalRandom.current().nextLong(intervalMillis);
        ScheduledExecutorService timer = fleet.timer();
        heartbeats = timer.scheduleAtFixedRate(this::heartbeat, first, intervalMillis, TimeUnit.MILLISECONDS);
        welcome.complete(w);
    }

    private void assigned(AssignTask task) {
        long now = System.nanoTime();
        fleet.counters().assignments.increment();
        fleet.listener().assigned(workerId, task, now);
        synchronized (lock) {
            outbox.add(ConnectRequest.newBuilder().setTaskAccepted(TaskAccepted.newBuilder()
                    .setTaskId(task.getTaskId()).setAttempt(task.getAttempt())).build());
            outbox.add(ConnectRequest.newBuilder().setTaskResult(TaskResult.newBuilder()
                    .setTaskId(task.getTaskId()).setAttempt(task.getAttempt()).setOutput(OUTPUT)).build());
            drainLocked();
        }
        fleet.counters().results.increment();
    }

    private void heartbeat() {
        if (state != State.WELCOMED) {
            return;
        }
        Instant now = Instant.now();
        ConnectRequest hb = ConnectRequest.newBuilder().setHeartbeat(Heartbeat.newBuilder()
                .setMetrics(MetricsSnapshot.newBuilder()
                        .setCaptureTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                        .setCpuUsage(0.01)
                        .setLoadAverage1M(0.1).setLoadAverage5M(0.1).setLoadAverage15M(0.1)
                        .setMemoryUsedBytes(1L << 30).setMemoryTotalBytes(MEMORY_TOTAL)
                        .setProcessCount(1)
                        .setUptime(Duration.newBuilder().setSeconds((now.toEpochMilli() - startedMillis) / 1000))
                        .setFreeSlots(slots)))
                .build();
        synchronized (lock) {
            if (heartbeatQueued) {
                fleet.counters().heartbeatsCoalesced.increment();
                return;
            }
            heartbeatQueued = true;
            outbox.add(hb);
            drainLocked();
        }
    }

    private void send(ConnectRequest message) {
        synchronized (lock) {
            outbox.add(message);
            drainLocked();
        }
    }

    private void drain() {
        synchronized (lock) {
            drainLocked();
        }
    }

    private void drainLocked() {
        if (call == null || state == State.CLOSED || state == State.FAILED || state == State.CLOSED_BY_SERVER) {
            return;
        }
        while (call.isReady() && !outbox.isEmpty()) {
            ConnectRequest m = outbox.poll();
            if (m.hasHeartbeat()) {
                heartbeatQueued = false;
                fleet.counters().heartbeats.increment();
            }
            call.onNext(m);
        }
    }

    @Override
    public void onError(Throwable t) {
        stopHeartbeats();
        if (state == State.CLOSED) {
            return;
        }
        state = State.FAILED;
        fleet.failed(workerId, Status.fromThrowable(t));
        welcome.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
        stopHeartbeats();
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED_BY_SERVER;
        fleet.closedByServer(workerId);
        welcome.completeExceptionally(new IllegalStateException("stream of " + workerId + " closed by the plane"));
    }

    /** Half-closes the stream: the worker leaves as a real one would on shutdown. */
    void close() {
        stopHeartbeats();
        synchronized (lock) {
            State was = state;
            state = State.CLOSED;
            if (call != null && (was == State.WELCOMED || was == State.CONNECTING)) {
                try {
                    call.onCompleted();
                } catch (IllegalStateException alreadyClosed) {
                    // The call ended at the same moment; nothing left to close.
                }
            }
        }
    }

    private void stopHeartbeats() {
        ScheduledFuture<?> h = heartbeats;
        if (h != null) {
            h.cancel(false);
        }
    }

    private static long toMillis(Duration d) {
        return d.getSeconds() * 1000 + d.getNanos() / 1_000_000;
    }
}
