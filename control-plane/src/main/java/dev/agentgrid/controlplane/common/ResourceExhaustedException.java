package dev.agentgrid.controlplane.common;

/** A limit was reached (a quota or a buffer). */
public final class ResourceExhaustedException extends AgentgridException {
    public ResourceExhaustedException(String message) {
        super(message);
    }
}
