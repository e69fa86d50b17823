package dev.agentgrid.controlplane.testing;

import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectResponse;
import dev.agentgrid.proto.v1.Heartbeat;
import dev.agentgrid.proto.v1.Hello;
import dev.agentgrid.proto.v1.MachineInventory;
import dev.agentgrid.proto.v1.MetricsSnapshot;
import dev.agentgrid.proto.v1.RunningAttempt;
import dev.agentgrid.proto.v1.WorkerServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Speaks the worker side of WorkerService.Connect over a real channel, message by message, so
 * tests can play a worker exactly (including misbehaving ones). The real worker agent is tested
 * end to end separately.
 */
public final class WorkerDriver implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(15);

    public final BlockingQueue<ConnectResponse> received = new LinkedBlockingQueue<>();
    public final CompletableFuture<Status> closed = new CompletableFuture<>();
    private final StreamObserver<ConnectRequest> requests;

    public WorkerDriver(ManagedChannel channel) {
        requests = WorkerServiceGrpc.newStub(channel).connect(new StreamObserver<>() {
            @Override
            public void onNext(ConnectResponse value) {
                received.add(value);
            }

            @Override
            public void onError(Throwable t) {
                closed.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                closed.complete(Status.OK);
            }
        });
    }

    /** A Hello for a worker serving {@code agentTypes} with {@code slots}. */
    public static Hello.Builder hello(String workerId, int slots, String... agentTypes) {
        return Hello.newBuilder().setWorkerId(workerId).setName(workerId).setHostname("test-host").setVersion("test")
                .addAllAgentTypes(List.of(agentTypes)).setSlots(slots)
                .setInventory(MachineInventory.newBuilder().setLogicalCores(2).setMemoryTotalBytes(1 << 30)
                        .setOs("Linux").setArch("amd64"));
    }

    /** Sends one message. */
    public synchronized void send(ConnectRequest request) {
        requests.onNext(request);
    }

    /** Sends Hello and waits for Welcome. */
    public ConnectResponse connect(Hello hello) throws InterruptedException {
        send(ConnectRequest.newBuilder().setHello(hello).build());
        return next(ConnectResponse::hasWelcome);
    }

    /** Sends a heartbeat with the given metrics and running attempts. */
    public void heartbeat(MetricsSnapshot metrics, RunningAttempt... running) {
        send(ConnectRequest.newBuilder().setHeartbeat(Heartbeat.newBuilder().setMetrics(metrics)
                .addAllRunning(List.of(running))).build());
    }

    /** The next received message matching {@code which}, skipping others, within a bounded wait. */
    public ConnectResponse next(Predicate<ConnectResponse> which) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<ConnectResponse> skipped = new ArrayList<>();
        while (true) {
            ConnectResponse r = received.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new AssertionError("no matching message within " + WAIT + "; skipped " + skipped
                        + (closed.isDone() ? "; stream closed: " + closed.join() : ""));
            }
            if (which.test(r)) {
                return r;
            }
            skipped.add(r);
        }
    }

    /** The status the plane closed the stream with, within a bounded wait. */
    public Status awaitClosed() throws Exception {
        return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Ends the stream from the worker's side. */
    @Override
    public void close() {
        try {
            requests.onCompleted();
        } catch (IllegalStateException alreadyClosed) {
            // closed by the plane
        }
    }
}
