package dev.agentgrid.controlplane.common;

/** The entity is not in a state that allows the operation (e.g. an illegal task transition). */
public final class FailedPreconditionException extends AgentgridException {
    public FailedPreconditionException(String message) {
        super(message);
    }
}
