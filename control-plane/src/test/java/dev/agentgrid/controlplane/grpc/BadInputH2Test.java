package dev.agentgrid.controlplane.grpc;

/** {@link BadInputTest} on H2, the default test database. */
class BadInputH2Test extends BadInputTest {
}
