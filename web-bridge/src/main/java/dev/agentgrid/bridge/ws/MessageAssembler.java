package dev.agentgrid.bridge.ws;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Joins a client message's fragments with a limit on the whole message, which Micronaut's own
 * joining does not have (it would buffer endless continuation frames). Binary messages are only
 * counted, not kept: the bridge speaks JSON text. Used by one socket's event-loop thread only.
 */
final class MessageAssembler {
    /** What a frame completed. */
    sealed interface Result permits Incomplete, TooBig, Text, Binary {
    }

    /** More fragments are to come. */
    record Incomplete() implements Result {
    }

    /** The message passed the limit; what was gathered is dropped. */
    record TooBig(long bytes) implements Result {
    }

    /** A complete text message. */
    record Text(String text) implements Result {
    }

    /** A complete binary message (its content discarded). */
    record Binary() implements Result {
    }

    private static final Incomplete INCOMPLETE = new Incomplete();

    private final int maxBytes;
    private ByteArrayOutputStream text;
    private boolean binary;
    private long size;
    private boolean skipping;

    MessageAssembler(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    Result accept(WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            binary = frame instanceof BinaryWebSocketFrame;
            text = binary ? null : new ByteArrayOutputStream();
            size = 0;
            skipping = false;
        } else if (!(frame instanceof ContinuationWebSocketFrame)) {
            return INCOMPLETE;
        }
        if (skipping) {
            // The rest of a message already refused as too big.
            return frame.isFinalFragment() ? reset(INCOMPLETE) : INCOMPLETE;
        }
        ByteBuf content = frame.content();
        size += content.readableBytes();
        if (size > maxBytes) {
            long seen = size;
            text = null;
            skipping = !frame.isFinalFragment();
            return new TooBig(seen);
        }
        if (!binary) {
            byte[] bytes = new byte[content.readableBytes()];
            content.getBytes(content.readerIndex(), bytes);
            text.write(bytes, 0, bytes.length);
        }
        if (!frame.isFinalFragment()) {
            return INCOMPLETE;
        }
        Result done = binary ? new Binary() : new Text(text.toString(StandardCharsets.UTF_8));
        return reset(done);
    }

    private Result reset(Result r) {
        text = null;
        size = 0;
        skipping = false;
        return r;
    }
}
