package dev.agentgrid.controlplane.agent;

/** What an agent type is doing. */
public enum AgentStatus {
    IDLE, WORKING, WAITING_FOR_HITL, ERROR
}
