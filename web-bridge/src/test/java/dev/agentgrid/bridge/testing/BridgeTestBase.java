package dev.agentgrid.bridge.testing;

import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.CreateTaskRequest;
import dev.agentgrid.proto.v1.Task;
import dev.agentgrid.proto.v1.TaskSpec;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A real bridge on a random port in front of a real control plane (the shared plane process, or
 * the class's own), with helpers for HTTP and WebSocket clients and for data made over gRPC.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BridgeTestBase implements TestPropertyProvider {
    protected static final Duration WAIT = Duration.ofSeconds(20);

    protected final ControlPlaneProcess plane = plane();

    @Inject
    protected EmbeddedServer server;

    protected Http http;

    /** The plane this class talks to; the shared one unless overridden. */
    protected ControlPlaneProcess plane() {
        return ControlPlaneProcess.shared();
    }

    /** Settings of this class's bridge on top of the defaults. */
    protected Map<String, String> bridgeProperties() {
        return Map.of();
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(bridgeProperties());
        p.put("agentgrid.bridge.control-plane", plane.target());
        return p;
    }

    @BeforeAll
    void connectClients() {
        http = new Http(server.getURI());
        // The hub knows the plane's position once it is streaming; tests start from there.
        Poll.until(() -> http.get("/healthz"), a -> a.status() == 200
                && a.json().get("event_stream").get("last_seq") != null
                && !a.json().get("event_stream").get("last_seq").isNull(), WAIT);
    }

    protected PlaneClient grpc() {
        return plane.client();
    }

    /** The bridge's WebSocket URI with a query (may be empty). */
    protected URI ws(String query) {
        URI base = server.getURI();
        return URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ws" + (query.isEmpty() ? "" : "?" + query));
    }

    /** Opens a socket and waits for its {@code connected} frame (so it is live). */
    protected WsClient open(String query, Map<String, String> headers) throws InterruptedException {
        WsClient c = WsClient.connect(ws(query), headers);
        c.next("connected");
        return c;
    }

    protected WsClient open(String query) throws InterruptedException {
        return open(query, Map.of());
    }

    /** A new empty project, made over gRPC. */
    protected String newProject(String name) {
        return grpc().projects.createProject(CreateProjectRequest.newBuilder().setName(name + "-"
                + UUID.randomUUID().toString().substring(0, 6)).build()).getProject().getId();
    }

    /** A task of {@code agentType} in the project. */
    protected Task newTask(String projectId, String agentType, boolean requiresApproval) {
        return grpc().tasks.createTask(CreateTaskRequest.newBuilder().setProjectId(projectId)
                .setTask(TaskSpec.newBuilder().setAgentType(agentType).setInstructions("do it")
                        .setRequiresApproval(requiresApproval)).build()).getTask();
    }
}
