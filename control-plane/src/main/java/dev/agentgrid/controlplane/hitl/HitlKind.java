package dev.agentgrid.controlplane.hitl;

/** What opened a HITL request. */
public enum HitlKind {
    APPROVAL_GATE, QUESTION
}
