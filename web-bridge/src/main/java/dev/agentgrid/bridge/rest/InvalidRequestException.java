package dev.agentgrid.bridge.rest;

import java.util.List;

/** A request the bridge refuses itself (bad parameters or body) before asking the plane: a 400 problem. */
public class InvalidRequestException extends ProblemException {
    public InvalidRequestException(String message, List<Violation> violations) {
        super(GrpcProblems.invalid(message, violations));
    }

    /** The offending fields. */
    public List<Violation> violations() {
        return failure().violations();
    }
}
