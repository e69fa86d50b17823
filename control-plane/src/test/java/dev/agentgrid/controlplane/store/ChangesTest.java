package dev.agentgrid.controlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangesTest {
    @Test
    void beforeCommitWorkRunsProjectsFirstThenAgentTypesEachInKeyOrderAndOncePerKey() {
        Changes c = new Changes(Instant.EPOCH);
        List<String> ran = new ArrayList<>();
        // Asked for in the order a finishing task asks: its agent type, then its project.
        c.beforeCommit(Changes.Phase.AGENT_TYPES, "coder", () -> ran.add("agent coder"));
        c.beforeCommit(Changes.Phase.PROJECTS, "p2", () -> {
            ran.add("project p2");
            c.beforeCommit(Changes.Phase.AGENT_TYPES, "analyst", () -> ran.add("agent analyst"));
        });
        c.beforeCommit(Changes.Phase.PROJECTS, "p1", () -> ran.add("project p1"));
        c.beforeCommit(Changes.Phase.AGENT_TYPES, "coder", () -> ran.add("agent coder again"));

        c.runBeforeCommit();

        assertEquals(List.of("project p1", "project p2", "agent analyst", "agent coder"), ran);
    }
}
