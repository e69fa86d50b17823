package dev.agentgrid.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.CharsetUtil;
import java.util.concurrent.CompletableFuture;

/**
 * One fan-out client: counts the event frames of the tally's type it receives and times them
 * against the event's own timestamp. The bridge's first frame on a socket is {@code connected},
 * listing its rooms; {@link #connected} completes then. A frame is scanned as the bytes it arrived
 * in (the fields read are ASCII), never decoded into a string: on two cores the clients share the
 * machine with the bridge they measure.
 */
final class FanoutSocket extends SimpleChannelInboundHandler<WebSocketFrame> {
    final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final int index;
    private final FanoutTally tally;
    private final EventFrames frames = new EventFrames();
    private long lastSeq = -1;
    private volatile boolean closedByServer;
    private volatile boolean closing;

    FanoutSocket(int index, FanoutTally tally) {
        this.index = index;
        this.tally = tally;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame) {
            long received = tally.clock.epochNanos();
            ByteBuf bytes = frame.content();
            text(bytes.getCharSequence(bytes.readerIndex(), bytes.readableBytes(), CharsetUtil.US_ASCII), received);
        } else if (frame instanceof CloseWebSocketFrame close) {
            closedByServer = true;
            tally.closed(close.statusCode());
            connected.completeExceptionally(new IllegalStateException("closed " + close.statusCode() + " "
                    + close.reasonText()));
            ctx.close();
        }
    }

    private void text(CharSequence frame, long received) {
        String project = tally.projectId();
        if (project != null && EventFrames.isType(frame, tally.eventType()) && EventFrames.isProject(frame, project)) {
            long seq = EventFrames.seq(frame);
            boolean duplicate = seq >= 0 && seq <= lastSeq;
            lastSeq = Math.max(lastSeq, seq);
            tally.delivered(index, seq, frames.timestampEpochNanos(frame), received, duplicate);
        } else if (!connected.isDone() && EventFrames.isType(frame, "connected")) {
            connected.complete(null);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        brokenUnlessExpected(new IllegalStateException("connection closed"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        brokenUnlessExpected(cause);
        ctx.close();
    }

    /** Counts a connection that ended without a close frame, unless this side was closing it. */
    private void brokenUnlessExpected(Throwable cause) {
        if (!closedByServer && !closing) {
            closedByServer = true;
            tally.closed(1006); // abnormal closure: the connection broke without a close frame
        }
        connected.completeExceptionally(cause);
    }

    /** This side is about to close the socket: its end is not the bridge's doing. */
    void closing() {
        closing = true;
    }
}
