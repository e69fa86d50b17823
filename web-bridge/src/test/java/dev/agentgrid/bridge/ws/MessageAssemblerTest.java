package dev.agentgrid.bridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageAssemblerTest {
    private final MessageAssembler assembler = new MessageAssembler(10);

    @Test
    void joinsFragmentsIntoOneText() {
        assertInstanceOf(MessageAssembler.Incomplete.class, assembler.accept(new TextWebSocketFrame(false, 0, "{\"a\":")));
        MessageAssembler.Result r = assembler.accept(new ContinuationWebSocketFrame(true, 0, "1}"));
        assertEquals("{\"a\":1}", ((MessageAssembler.Text) r).text());
        assertEquals("ok", ((MessageAssembler.Text) assembler.accept(new TextWebSocketFrame("ok"))).text());
    }

    @Test
    void theLimitCountsTheWholeMessageAndTheRestOfATooBigOneIsSkipped() {
        assembler.accept(new TextWebSocketFrame(false, 0, "123456"));
        MessageAssembler.Result r = assembler.accept(new ContinuationWebSocketFrame(false, 0, "78901"));
        assertEquals(11, ((MessageAssembler.TooBig) r).bytes());
        assertInstanceOf(MessageAssembler.Incomplete.class, assembler.accept(new ContinuationWebSocketFrame(true, 0, "x")));
        assertInstanceOf(MessageAssembler.Text.class, assembler.accept(new TextWebSocketFrame("small")));
    }

    @Test
    void countsTextInBytesNotCharacters() {
        // Five two-byte characters.
        assertInstanceOf(MessageAssembler.Text.class, assembler.accept(new TextWebSocketFrame("ééééé")));
        assertInstanceOf(MessageAssembler.TooBig.class, assembler.accept(new TextWebSocketFrame("éééééé")));
    }

    @Test
    void binaryMessagesAreRecognisedButNotKept() {
        assertInstanceOf(MessageAssembler.Binary.class,
                assembler.accept(new BinaryWebSocketFrame(Unpooled.copiedBuffer("abc", StandardCharsets.UTF_8))));
    }
}
