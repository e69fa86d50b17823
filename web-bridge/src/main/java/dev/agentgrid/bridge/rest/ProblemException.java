package dev.agentgrid.bridge.rest;

/**
 * A request the bridge refuses itself, carrying what the client sees. Thrown (rather than
 * returned) from filters too, so that every refusal goes through the same error handling.
 */
public class ProblemException extends RuntimeException {
    private final transient Failure failure;

    public ProblemException(Failure failure) {
        super(failure.detail(), null, false, false);
        this.failure = failure;
    }

    /** What the client sees. */
    public Failure failure() {
        return failure;
    }
}
