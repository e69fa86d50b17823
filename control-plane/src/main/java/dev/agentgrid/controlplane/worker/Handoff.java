package dev.agentgrid.controlplane.worker;

import java.util.UUID;

/**
 * What an upstream task hands on to a task that depends on it (the seeds' handoff message).
 *
 * @param contentJson the content as JSON
 */
public record Handoff(UUID projectId, String sourceAgent, String targetAgent, String handoffType,
        String contentJson, UUID sourceTaskId) {
}
