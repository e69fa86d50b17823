package dev.agentgrid.controlplane.common;

/** The entity to create exists already. */
public final class AlreadyExistsException extends AgentgridException {
    public AlreadyExistsException(String message) {
        super(message);
    }
}
