package dev.agentgrid.controlplane.e2e;

/** {@link TaskScenarios} on the embedded H2 file database (the default configuration). */
class TasksH2IT extends TaskScenarios {
}
