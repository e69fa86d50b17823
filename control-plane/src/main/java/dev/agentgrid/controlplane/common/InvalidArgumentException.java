package dev.agentgrid.controlplane.common;

import java.util.List;

/** A request field is malformed or out of range; carries every violation found. */
public final class InvalidArgumentException extends AgentgridException {
    private final List<FieldViolation> violations;

    public InvalidArgumentException(List<FieldViolation> violations) {
        super(summary(violations));
        this.violations = List.copyOf(violations);
    }

    public InvalidArgumentException(String field, String description) {
        this(List.of(new FieldViolation(field, description)));
    }

    public List<FieldViolation> violations() {
        return violations;
    }

    private static String summary(List<FieldViolation> violations) {
        StringBuilder sb = new StringBuilder("invalid request: ");
        for (int i = 0; i < violations.size(); i++) {
            if (i > 0) {
                sb.append("; ");
            }
            sb.append(violations.get(i).field()).append(": ").append(violations.get(i).description());
        }
        return sb.toString();
    }

    /** One field and what is wrong with it. */
    public record FieldViolation(String field, String description) {
    }
}
