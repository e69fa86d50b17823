package dev.agentgrid.controlplane.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.controlplane.testing.ControlPlaneTestBase;
import dev.agentgrid.controlplane.testing.FakeClockFactory;
import dev.agentgrid.controlplane.testing.MutableClock;
import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.ListEventsRequest;
import dev.agentgrid.proto.v1.SubscribeRequest;
import io.micronaut.context.annotation.Property;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The event log's retention on a fake clock. */
@Property(name = FakeClockFactory.PROPERTY, value = "true")
@Property(name = "agentgrid.events.retention", value = "7d")
class EventRetentionTest extends ControlPlaneTestBase {
    @Inject
    MutableClock clock;
    @Inject
    EventRetention retention;

    @Test
    void eventsPastTheRetentionAreDeletedAndAResumeIntoThemGetsAResync() {
        client.projects.createProject(CreateProjectRequest.newBuilder().setName("old")
                .addTasks(dev.agentgrid.proto.v1.TaskSpec.newBuilder().setAgentType("a").setInstructions("x")).build());
        derivedStateSettled(); // the agent type's status event follows the commit: let it land now, not days later
        long oldSeq = client.events.listEvents(ListEventsRequest.newBuilder().setPageSize(1000).build()).getLastSeq();
        assertTrue(oldSeq >= 3);
        clock.advance(Duration.ofDays(6));
        assertEquals(0, retention.prune(), "six days old: kept");
        clock.advance(Duration.ofDays(2));
        client.projects.createProject(CreateProjectRequest.newBuilder().setName("new").build());
        assertTrue(retention.prune() >= 1, "eight days old: deleted");

        var remaining = client.events.listEvents(ListEventsRequest.newBuilder().setPageSize(1000).build());
        assertTrue(remaining.getEvents(0).getSeq() > oldSeq, "only the new project's events are left");
        // A client that saw seq 1 missed 2.. which are gone.
        var stream = client.events.subscribe(SubscribeRequest.newBuilder().setAfterSeq(1).build());
        var first = stream.next();
        assertTrue(first.hasResync(), "history after seq 1 is gone");
        assertEquals(remaining.getEvents(0).getSeq(), first.getResync().getOldestSeq());
    }
}
