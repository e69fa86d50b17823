package dev.agentgrid.controlplane.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {
    @Test
    void idsAreVersion7AndStrictlyIncreasingAsUnsignedBytes() {
        UUID previous = Ids.next();
        for (int i = 0; i < 100_000; i++) {
            UUID next = Ids.next();
            assertEquals(7, next.version());
            assertEquals(2, next.variant());
            int cmp = Long.compareUnsigned(next.getMostSignificantBits(), previous.getMostSignificantBits());
            assertTrue(cmp > 0, next + " after " + previous);
            previous = next;
        }
    }
}
