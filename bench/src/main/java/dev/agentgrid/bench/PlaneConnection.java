package dev.agentgrid.bench;

import dev.agentgrid.proto.v1.EventServiceGrpc;
import dev.agentgrid.proto.v1.ProjectServiceGrpc;
import dev.agentgrid.proto.v1.StatsServiceGrpc;
import dev.agentgrid.proto.v1.TaskServiceGrpc;
import dev.agentgrid.proto.v1.WorkerAdminServiceGrpc;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A few plaintext channels (HTTP/2 connections) to the control plane, handed out round-robin, so
 * that many streams are spread over several connections as many separate workers would be. All
 * channels share one small callback pool: the bench's callbacks only record and enqueue.
 */
public final class PlaneConnection implements AutoCloseable {
    /** Responses of a full ListTasks page (1,000 tasks) exceed gRPC's default 4 MiB. */
    private static final int MAX_INBOUND_MESSAGE_BYTES = 64 << 20;

    private final String target;
    private final List<ManagedChannel> channels;
    private final ExecutorService callbacks;
    private final AtomicInteger next = new AtomicInteger();

    private PlaneConnection(String target, List<ManagedChannel> channels, ExecutorService callbacks) {
        this.target = target;
        this.channels = channels;
        this.callbacks = callbacks;
    }

    /** Opens {@code --channels} (default {@code defaultChannels}) channels to {@code --plane}. */
    public static PlaneConnection open(Options options, int defaultChannels) {
        return open(options.plane(), options.integer("channels", defaultChannels));
    }

    public static PlaneConnection open(String target, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("channels: " + count + " (expected: >= 1)");
        }
        AtomicInteger threadNumber = new AtomicInteger();
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        ExecutorService callbacks = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "bench-grpc-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            channels.add(NettyChannelBuilder.forTarget(target)
                    .usePlaintext()
                    .executor(callbacks)
                    .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                    .keepAliveTime(30, TimeUnit.SECONDS)
                    .keepAliveWithoutCalls(true)
                    .build());
        }
        return new PlaneConnection(target, List.copyOf(channels), callbacks);
    }

    public String target() {
        return target;
    }

    /** The next channel, round-robin. */
    public Channel channel() {
        return channels.get(Math.floorMod(next.getAndIncrement(), channels.size()));
    }

    /** Channel {@code i} modulo the number of channels, so that callers can spread deterministically. */
    public Channel channel(int i) {
        return channels.get(Math.floorMod(i, channels.size()));
    }

    public int size() {
        return channels.size();
    }

    public TaskServiceGrpc.TaskServiceBlockingStub tasks() {
        return TaskServiceGrpc.newBlockingStub(channel());
    }

    public TaskServiceGrpc.TaskServiceFutureStub tasksAsync() {
        return TaskServiceGrpc.newFutureStub(channel());
    }

    public ProjectServiceGrpc.ProjectServiceBlockingStub projects() {
        return ProjectServiceGrpc.newBlockingStub(channel());
    }

    public EventServiceGrpc.EventServiceStub events() {
        return EventServiceGrpc.newStub(channel());
    }

    public StatsServiceGrpc.StatsServiceBlockingStub stats() {
        return StatsServiceGrpc.newBlockingStub(channel());
    }

    public WorkerAdminServiceGrpc.WorkerAdminServiceBlockingStub workers() {
        return WorkerAdminServiceGrpc.newBlockingStub(channel());
    }

    /** Shuts every channel down, waiting a few seconds for calls to end before cutting them. */
    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdown);
        try {
            for (ManagedChannel c : channels) {
                if (!c.awaitTermination(5, TimeUnit.SECONDS)) {
                    c.shutdownNow();
                }
            }
        } catch (InterruptedException e) {
            channels.forEach(ManagedChannel::shutdownNow);
            Thread.currentThread().interrupt();
        } finally {
            callbacks.shutdownNow();
        }
    }
}
