package dev.agentgrid.controlplane.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.controlplane.testing.ControlPlaneTestBase;
import dev.agentgrid.proto.v1.AgentStatus;
import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.GetAgentStatusRequest;
import dev.agentgrid.proto.v1.TaskSpec;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.annotation.Property;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Agent statuses are recomputed after the commit, at most once per interval: between a type's
 * first task and its first refresh the status is derived on read, not "not found".
 */
@Property(name = "agentgrid.derived-state-interval", value = "1h")
class AgentStatusBeforeRefreshTest extends ControlPlaneTestBase {
    private void createTaskOf(String agentType) {
        client.projects.createProject(CreateProjectRequest.newBuilder().setName("p-" + agentType)
                .addTasks(TaskSpec.newBuilder().setAgentType(agentType).setInstructions("x")).build());
    }

    @Test
    void aTypeNotRefreshedYetIsDerivedOnReadAndAnUnknownTypeIsNotFound() throws Exception {
        AgentStatusService service = ctx.getBean(AgentStatusService.class);
        createTaskOf("first-type");
        // The first batch runs at once; the next one only an hour after it started.
        assertTrue(service.awaitIdle(Duration.ofSeconds(10)));
        createTaskOf("second-type");
        assertEquals(AgentStatus.AGENT_STATUS_IDLE, client.agents.getAgentStatus(GetAgentStatusRequest.newBuilder()
                .setAgentType("second-type").build()).getAgent().getStatus());
        assertTrue(client.agents.listAgentStatuses(dev.agentgrid.proto.v1.ListAgentStatusesRequest
                .getDefaultInstance()).getAgentsList().stream().noneMatch(a -> a.getAgentType().equals("second-type")),
                "not stored yet: the read above derived it");

        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> client.agents
                .getAgentStatus(GetAgentStatusRequest.newBuilder().setAgentType("no-such-type").build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    }
}
