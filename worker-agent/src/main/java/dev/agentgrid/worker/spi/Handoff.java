package dev.agentgrid.worker.spi;

/**
 * What an upstream task handed on to this one.
 *
 * @param projectId project id
 * @param sourceTaskId upstream task id
 * @param sourceAgent agent type of the upstream task
 * @param targetAgent agent type of this task
 * @param handoffType kind of handoff, e.g. "implementation_plan"
 * @param contentJson the content handed on, as JSON text
 */
public record Handoff(String projectId, String sourceTaskId, String sourceAgent,
    String targetAgent, String handoffType, String contentJson) {
}
