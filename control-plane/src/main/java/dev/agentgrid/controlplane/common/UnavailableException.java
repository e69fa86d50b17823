package dev.agentgrid.controlplane.common;

/** A dependency is unreachable; the client may retry. */
public final class UnavailableException extends AgentgridException {
    public UnavailableException(String message) {
        super(message);
    }
}
