package dev.agentgrid.controlplane.common;

/**
 * Base of the exceptions a service throws for a request it refuses. The gRPC layer maps each
 * subclass to one status code in one place ({@code grpc.StatusMapping}); anything else is an
 * internal error.
 */
public abstract class AgentgridException extends RuntimeException {
    protected AgentgridException(String message) {
        super(message, null, false, false);
    }
}
