package dev.agentgrid.bench;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.concurrent.TimeUnit;

/** Plaintext gRPC channels to a plane given as {@code host:port}. */
final class Channels {
    private Channels() {
    }

    static ManagedChannel plaintext(String target) {
        return ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    }

    static void close(ManagedChannel channel) {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
