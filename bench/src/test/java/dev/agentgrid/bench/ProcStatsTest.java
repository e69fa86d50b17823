package dev.agentgrid.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void compilerThreadsAreTheJitsAndTheirCpuIsPartOfTheProcesss() {
        assertTrue(ProcStats.isJitThread("77 (C2 CompilerThre) S 1 2 3 0 -1 0 0 0 0 0 12 3 0 0"));
        assertTrue(ProcStats.isJitThread("78 (C1 CompilerThre) S 1 2 3 0 -1 0 0 0 0 0 12 3 0 0"));
        assertFalse(ProcStats.isJitThread("79 (main) S 1 2 3 0 -1 0 0 0 0 0 12 3 0 0"));
        assertFalse(ProcStats.isJitThread("80 (grpc (C2 Compiler)) S 1 2 3 0 -1 0 0 0 0 0 12 3 0 0"));
        long self = ProcessHandle.current().pid();
        long jit = ProcStats.jitCpuNanos(self);
        assertTrue(jit >= 0 && jit <= ProcStats.cpuNanos(self), "JIT " + jit);
        assertEquals(-1, ProcStats.jitCpuNanos(Long.MAX_VALUE));
    }

    @Test
    void machineBusyTimeLeavesOutIdleAndIowait() {
        long[] t = ProcStats.machineCpuTicksOf("cpu  100 5 40 800 50 3 2 0 0 0");
        assertEquals(150, t[0], "user + nice + system + irq + softirq + steal");
        assertEquals(1000, t[1]);
    }

    @Test
    void thisProcessHasARunQueueWaitAndAMissingOneHasNone() {
        assertTrue(ProcStats.runQueueWaitNanos(ProcessHandle.current().pid()) >= 0);
        assertEquals(-1, ProcStats.runQueueWaitNanos(Long.MAX_VALUE));
        long[] machine = ProcStats.machineCpuTicks();
        assertTrue(machine != null && machine[1] > 0 && machine[0] <= machine[1]);
    }
}
