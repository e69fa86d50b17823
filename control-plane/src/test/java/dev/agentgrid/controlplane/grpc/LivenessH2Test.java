package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.testing.FakeClockFactory;
import io.micronaut.context.annotation.Property;

/** Liveness on the embedded H2 database. */
@Property(name = FakeClockFactory.PROPERTY, value = "true")
class LivenessH2Test extends LivenessTest {
}
