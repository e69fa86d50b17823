package dev.agentgrid.bridge.testing;

import com.google.protobuf.Value;
import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectResponse;
import dev.agentgrid.proto.v1.Heartbeat;
import dev.agentgrid.proto.v1.Hello;
import dev.agentgrid.proto.v1.MachineInventory;
import dev.agentgrid.proto.v1.MetricsSnapshot;
import dev.agentgrid.proto.v1.OutputChunk;
import dev.agentgrid.proto.v1.OutputStream;
import dev.agentgrid.proto.v1.Progress;
import dev.agentgrid.proto.v1.TaskAccepted;
import dev.agentgrid.proto.v1.TaskError;
import dev.agentgrid.proto.v1.TaskOutput;
import dev.agentgrid.proto.v1.TaskProgress;
import dev.agentgrid.proto.v1.TaskResult;
import dev.agentgrid.proto.v1.WorkerServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Plays a worker over {@code WorkerService.Connect} message by message, so the bridge's tests
 * drive tasks without a worker process: accept, progress, output chunks, results. It heartbeats
 * on a timer of its own so the plane keeps its lease.
 */
public final class ScriptedWorker implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(20);

    public final String id;
    public final String agentType;
    private final BlockingQueue<ConnectResponse> received = new LinkedBlockingQueue<>();
    private final StreamObserver<ConnectRequest> requests;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "scripted-worker-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong outputSequence = new AtomicLong();

    /** Connects a worker serving a fresh agent type (so no other test's task reaches it). */
    public ScriptedWorker(ManagedChannel channel, String agentTypePrefix) throws InterruptedException {
        this.id = "w-" + UUID.randomUUID().toString().substring(0, 8);
        this.agentType = agentTypePrefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        requests = WorkerServiceGrpc.newStub(channel).connect(new StreamObserver<>() {
            @Override
            public void onNext(ConnectResponse value) {
                received.add(value);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        send(ConnectRequest.newBuilder().setHello(Hello.newBuilder().setWorkerId(id).setName(id).setHostname("test-host")
                .setVersion("test").addAgentTypes(agentType).setSlots(4)
                .setInventory(MachineInventory.newBuilder().setLogicalCores(2).setMemoryTotalBytes(1L << 30)
                        .setOs("Linux").setArch("amd64"))).build());
        next(ConnectResponse::hasWelcome);
        heartbeats.scheduleAtFixedRate(this::heartbeat, 0, 1, TimeUnit.SECONDS);
    }

    /** Sends one message. */
    public synchronized void send(ConnectRequest request) {
        requests.onNext(request);
    }

    /** One heartbeat with a metrics snapshot. */
    public void heartbeat() {
        send(ConnectRequest.newBuilder().setHeartbeat(Heartbeat.newBuilder().setMetrics(MetricsSnapshot.newBuilder()
                .setCpuUsage(0.25).setMemoryUsedBytes(1 << 20).setMemoryTotalBytes(1L << 30).setFreeSlots(4))).build());
    }

    /** Waits for the next assignment and accepts it. */
    public AssignTask acceptNext() throws InterruptedException {
        AssignTask a = next(ConnectResponse::hasAssignTask).getAssignTask();
        send(ConnectRequest.newBuilder().setTaskAccepted(TaskAccepted.newBuilder().setTaskId(a.getTaskId())
                .setAttempt(a.getAttempt())).build());
        return a;
    }

    public void progress(AssignTask a, double fraction, String stage) {
        send(ConnectRequest.newBuilder().setTaskProgress(TaskProgress.newBuilder().setTaskId(a.getTaskId())
                .setAttempt(a.getAttempt()).setProgress(Progress.newBuilder().setFraction(fraction).setStage(stage)))
                .build());
    }

    /** One output chunk on {@code stream}; {@code end} closes an agent message. */
    public void output(AssignTask a, OutputStream stream, String text, boolean end) {
        send(ConnectRequest.newBuilder().setTaskOutput(TaskOutput.newBuilder().setTaskId(a.getTaskId())
                .setAttempt(a.getAttempt()).addChunks(OutputChunk.newBuilder()
                        .setSequence(outputSequence.incrementAndGet()).setStream(stream).setText(text)
                        .setEndOfMessage(end))).build());
    }

    /** A text artifact of the attempt. */
    public void artifact(AssignTask a, String name, String type, String text) {
        send(ConnectRequest.newBuilder().setTaskArtifact(dev.agentgrid.proto.v1.TaskArtifact.newBuilder()
                .setTaskId(a.getTaskId()).setAttempt(a.getAttempt()).setName(name).setArtifactType(type).setText(text))
                .build());
    }

    public void complete(AssignTask a, String output) {
        send(ConnectRequest.newBuilder().setTaskResult(TaskResult.newBuilder().setTaskId(a.getTaskId())
                .setAttempt(a.getAttempt()).setOutput(Value.newBuilder().setStringValue(output))).build());
    }

    public void fail(AssignTask a, String message) {
        send(ConnectRequest.newBuilder().setTaskResult(TaskResult.newBuilder().setTaskId(a.getTaskId())
                .setAttempt(a.getAttempt()).setError(TaskError.newBuilder().setMessage(message).setRetryable(false)))
                .build());
    }

    /** The next message from the plane matching {@code which}, skipping others, within a bounded wait. */
    public ConnectResponse next(Predicate<ConnectResponse> which) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<ConnectResponse> skipped = new ArrayList<>();
        while (true) {
            ConnectResponse r = received.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new AssertionError("no matching message from the plane within " + WAIT + "; skipped " + skipped);
            }
            if (which.test(r)) {
                return r;
            }
            skipped.add(r);
        }
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        try {
            synchronized (this) {
                requests.onCompleted();
            }
        } catch (IllegalStateException alreadyClosed) {
            // The plane ended the stream.
        }
    }
}
