package dev.agentgrid.controlplane.grpc;

/** The worker stream on the embedded H2 database. */
class WorkerStreamH2Test extends WorkerStreamTest {
}
