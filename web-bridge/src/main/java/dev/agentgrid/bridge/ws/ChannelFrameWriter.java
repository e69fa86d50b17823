package dev.agentgrid.bridge.ws;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * Writes an outbox's batch of text frames to a socket's channel with one task on its event loop
 * and one flush. Micronaut's {@code sendAsync} flushes every frame and, called off the event loop,
 * queues a task per frame: at a thousand sockets receiving thousands of frames a second the
 * per-frame flushes (a {@code writev} and its promise each) took over half of the bridge's CPU.
 */
final class ChannelFrameWriter implements Outbox.Writer {
    private final Channel channel;

    ChannelFrameWriter(Channel channel) {
        this.channel = channel;
    }

    /** Completes when the batch's last frame reached the socket; fails if that write failed. */
    @Override
    public CompletableFuture<?> write(List<byte[]> frames) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            writeNow(frames, done);
        } else {
            try {
                loop.execute(() -> writeNow(frames, done));
            } catch (RejectedExecutionException shuttingDown) {
                done.completeExceptionally(shuttingDown);
            }
        }
        return done;
    }

    private void writeNow(List<byte[]> frames, CompletableFuture<Void> done) {
        try {
            int last = frames.size() - 1;
            for (int i = 0; i < last; i++) {
                // Writes on one channel complete in order, and one that fails closes the channel, so
                // the last frame's outcome stands for the batch.
                channel.write(frame(frames.get(i)));
            }
            ChannelFuture written = channel.writeAndFlush(frame(frames.get(last)));
            written.addListener(f -> {
                if (f.isSuccess()) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(f.cause());
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
    }

    private static TextWebSocketFrame frame(byte[] json) {
        return new TextWebSocketFrame(Unpooled.wrappedBuffer(json));
    }
}
