package dev.agentgrid.controlplane.task;

/** Who wrote a task message. */
public enum TaskMessageKind {
    STDOUT, STDERR, AGENT, USER, SYSTEM
}
