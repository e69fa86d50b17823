package dev.agentgrid.controlplane.grpc;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.controlplane.testing.ControlPlaneTestBase;
import dev.agentgrid.proto.v1.EventServiceGrpc;
import dev.agentgrid.proto.v1.GetStatsRequest;
import dev.agentgrid.proto.v1.StatsServiceGrpc;
import dev.agentgrid.proto.v1.SubscribeRequest;
import dev.agentgrid.proto.v1.SubscribeResponse;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A client that pings every 12 s (workers ping every 30 s by default, and may be set down to
 * 10 s) keeps its stream: the plane permits pings every 10 s. With gRPC's default permit of one
 * per 5 minutes, the third ping drew a GOAWAY (too_many_pings) that ended the stream, which is
 * what every worker saw about a minute after connecting while the plane's transport settings
 * were not applied. Slow (40 s of pings, in real time: the transport's ping counting takes no
 * clock), so it runs in the verify phase.
 */
class KeepalivePingsIT extends ControlPlaneTestBase {

    @Test
    void aStreamPingedEveryTwelveSecondsStaysOpen() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext()
                .keepAliveTime(12, TimeUnit.SECONDS).keepAliveWithoutCalls(true).build();
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Context.CancellableContext context = Context.current().withCancellation();
        try {
            context.run(() -> EventServiceGrpc.newStub(channel).subscribe(SubscribeRequest.getDefaultInstance(),
                    new StreamObserver<SubscribeResponse>() {
                        @Override
                        public void onNext(SubscribeResponse value) {
                        }

                        @Override
                        public void onError(Throwable t) {
                            ended.set(t);
                        }

                        @Override
                        public void onCompleted() {
                            ended.set(new AssertionError("the plane completed the subscription"));
                        }
                    }));
            // Three pings and more (the third drew the GOAWAY before): watched until then, and
            // failed as soon as the stream ends. Real time: gRPC's transport counts the pings.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (ended.get() == null && System.nanoTime() < until) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
            assertNull(ended.get(), "the subscription ended");
            assertTrue(StatsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getStats(GetStatsRequest.getDefaultInstance()).hasJvm(), "the connection still serves calls");
            assertNull(ended.get(), "the subscription ended");
        } finally {
            context.cancel(null);
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
