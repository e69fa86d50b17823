package dev.agentgrid.bridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Batches written to a real (embedded) Netty channel: in order, as text frames, one flush each. */
class ChannelFrameWriterTest {
    private int flushes;
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes++;
            ctx.flush();
        }
    });
    private final ChannelFrameWriter writer = new ChannelFrameWriter(channel);

    private static List<byte[]> frames(String... texts) {
        List<byte[]> out = new ArrayList<>();
        for (String t : texts) {
            out.add(t.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private List<String> written() {
        List<String> out = new ArrayList<>();
        TextWebSocketFrame f;
        while ((f = channel.readOutbound()) != null) {
            out.add(f.text());
            f.release();
        }
        return out;
    }

    @Test
    void aBatchGoesOutInOrderAsTextFramesWithOneFlush() {
        CompletableFuture<?> done = writer.write(frames("a", "b", "ünïcode"));
        assertTrue(done.isDone() && !done.isCompletedExceptionally());
        assertEquals(List.of("a", "b", "ünïcode"), written());
        assertEquals(1, flushes);
        writer.write(frames("c"));
        assertEquals(List.of("c"), written());
        assertEquals(2, flushes);
    }

    @Test
    void aBatchOnAClosedChannelFails() {
        channel.close();
        CompletableFuture<?> done = writer.write(frames("a", "b"));
        assertTrue(done.isCompletedExceptionally(), "the outbox closes the session on this");
        assertEquals(List.of(), written());
    }
}
