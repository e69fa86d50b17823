package dev.agentgrid.controlplane.e2e;

/** {@link WorkerLifecycleScenarios} on the embedded H2 file database (the default configuration). */
class WorkerLifecycleH2IT extends WorkerLifecycleScenarios {
}
