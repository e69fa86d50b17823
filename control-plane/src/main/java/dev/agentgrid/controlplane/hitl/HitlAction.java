package dev.agentgrid.controlplane.hitl;

/** A human's answer. */
public enum HitlAction {
    APPROVE, REJECT, AMEND;

    /** The request status this answer leads to. */
    public HitlStatus resultingStatus() {
        return switch (this) {
            case APPROVE -> HitlStatus.APPROVED;
            case REJECT -> HitlStatus.REJECTED;
            case AMEND -> HitlStatus.AMENDED;
        };
    }
}
