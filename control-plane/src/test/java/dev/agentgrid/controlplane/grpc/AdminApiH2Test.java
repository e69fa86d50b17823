package dev.agentgrid.controlplane.grpc;

/** The admin API on the embedded H2 database. */
class AdminApiH2Test extends AdminApiTest {
}
