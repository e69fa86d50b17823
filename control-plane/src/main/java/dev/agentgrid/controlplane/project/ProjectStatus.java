package dev.agentgrid.controlplane.project;

/** Where a project is in its life. */
public enum ProjectStatus {
    ACTIVE, COMPLETED, FAILED, CANCELLED
}
