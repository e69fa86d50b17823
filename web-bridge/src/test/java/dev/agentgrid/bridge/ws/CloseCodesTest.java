package dev.agentgrid.bridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Close reasons fit a close frame, cut at whole characters. */
class CloseCodesTest {
    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void aReasonThatFitsIsKept() {
        String fits = "x".repeat(CloseCodes.MAX_REASON_BYTES);
        assertSame(fits, CloseCodes.reason(fits));
    }

    @Test
    void aLongerReasonIsCutToTheLimitWithAnEllipsis() {
        String cut = CloseCodes.reason("slow consumer: " + "y".repeat(200));
        assertEquals(CloseCodes.MAX_REASON_BYTES, utf8(cut));
        assertTrue(cut.startsWith("slow consumer: yyy") && cut.endsWith("…"), cut);
    }

    @Test
    void multiByteCharactersAreNeverSplit() {
        String cut = CloseCodes.reason("é".repeat(100)); // 200 bytes
        assertTrue(utf8(cut) <= CloseCodes.MAX_REASON_BYTES, cut);
        assertEquals("é".repeat(60) + "…", cut);
        String emoji = CloseCodes.reason("\uD83D\uDE00".repeat(40)); // 160 bytes, surrogate pairs
        assertEquals("\uD83D\uDE00".repeat(30) + "…", emoji);
    }
}
