package dev.agentgrid.controlplane.hitl;

/** State of a HITL request. */
public enum HitlStatus {
    PENDING, APPROVED, REJECTED, AMENDED, TIMED_OUT, CANCELLED
}
