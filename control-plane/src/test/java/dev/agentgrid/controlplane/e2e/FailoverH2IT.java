package dev.agentgrid.controlplane.e2e;

/** {@link FailoverScenarios} on the embedded H2 file database (the default configuration). */
class FailoverH2IT extends FailoverScenarios {
}
