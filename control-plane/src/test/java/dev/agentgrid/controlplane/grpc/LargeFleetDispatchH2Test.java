package dev.agentgrid.controlplane.grpc;

/** Placement over a large fleet on the embedded H2 database. */
class LargeFleetDispatchH2Test extends LargeFleetDispatchTest {
}
