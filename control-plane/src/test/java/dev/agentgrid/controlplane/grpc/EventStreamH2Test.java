package dev.agentgrid.controlplane.grpc;

/** Event streaming on the embedded H2 database. */
class EventStreamH2Test extends EventStreamTest {
}
