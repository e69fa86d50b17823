package dev.agentgrid.controlplane.common;

/** The named entity does not exist. */
public final class NotFoundException extends AgentgridException {
    public NotFoundException(String message) {
        super(message);
    }
}
