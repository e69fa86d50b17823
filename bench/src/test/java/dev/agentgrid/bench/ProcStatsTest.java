package dev.agentgrid.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcStatsTest {
    @Test
    void cpuTimeIsUserPlusSystemTicksEvenWhenTheCommandNameHasSpacesAndParentheses() {
        String stat = "4242 (java (bench) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 130 0 0 20 0 30 0 1000 0 0";
        assertEquals(3_800_000_000L, ProcStats.cpuNanosOf(stat));
    }

    @Test
    void thisProcessHasResidentMemoryAndCpuTimeAndAMissingOneHasNeither() {
        long self = ProcessHandle.current().pid();
        assertTrue(ProcStats.rssBytes(self) > 0);
        assertTrue(ProcStats.cpuNanos(self) > 0);
        assertEquals(-1, ProcStats.rssBytes(Long.MAX_VALUE));
        assertEquals(-1, ProcStats.cpuNanos(Long.MAX_VALUE));
    }
}
