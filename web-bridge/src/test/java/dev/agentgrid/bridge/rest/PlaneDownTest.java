package dev.agentgrid.bridge.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.bridge.testing.BridgeTestBase;
import dev.agentgrid.bridge.testing.ControlPlaneProcess;
import dev.agentgrid.bridge.testing.Http;
import dev.agentgrid.bridge.testing.Poll;
import dev.agentgrid.bridge.testing.Received;
import dev.agentgrid.bridge.testing.WsClient;
import dev.agentgrid.proto.v1.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The bridge with its control plane gone and back: health says so with 503, REST answers 503
 * problems, sockets stay open and resumes the ring can serve still work; when the plane returns
 * with an empty log the event stream reconnects and every client is told to resync.
 */
class PlaneDownTest extends BridgeTestBase {
    @Override
    protected ControlPlaneProcess plane() {
        return ControlPlaneProcess.start();
    }

    @Override
    protected Map<String, String> bridgeProperties() {
        return Map.of("agentgrid.bridge.reconnect-initial", "100ms", "agentgrid.bridge.reconnect-max", "500ms",
                "agentgrid.bridge.call-timeout", "3s", "agentgrid.bridge.ring-size", "2");
    }

    @AfterAll
    void stopOwnPlane() {
        plane.close();
    }

    @Test
    void healthzReportsThePlaneDownAndTheBridgeRecoversWithAResyncWhenItReturnsEmpty() throws Exception {
        Http.Answer healthy = http.get("/api/v1/healthz");
        assertEquals(200, healthy.status(), healthy.toString());
        assertEquals("ok", healthy.text("api_status"));
        assertEquals("ok", healthy.text("control_plane_status"));
        assertEquals("ok", healthy.text("db_status"));

        try (WsClient client = open("")) {
            String project = newProject("down");
            newTask(project, "nobody-down", false);
            Task task = newTask(project, "nobody-down", false);
            List<Received> durable = new ArrayList<>();
            while (durable.isEmpty() || !task.getId().equals(durable.get(durable.size() - 1).taskId())) {
                durable.add(client.next(Received::durable));
            }

            plane.stop();
            Http.Answer down = Poll.until(() -> http.get("/healthz"), a -> a.status() == 503, WAIT);
            assertEquals("degraded", down.text("api_status"));
            assertEquals("unavailable", down.text("control_plane_status"));
            assertEquals("unknown", down.text("db_status"));
            Poll.until(() -> http.get("/healthz").text("event_stream_status"), "reconnecting"::equals, WAIT);

            Http.Answer rest = http.get("/api/v1/workers");
            assertEquals(503, rest.status(), rest.toString());
            assertTrue(rest.contentType().startsWith("application/problem+json"));
            assertEquals("UNAVAILABLE", rest.text("code"));
            assertFalse(rest.toString().contains("Exception"), "no internals: " + rest);

            // History the ring holds is served without the plane; history it does not hold is not.
            long last = durable.get(durable.size() - 1).seq();
            try (WsClient resumed = open("after=" + (last - 1))) {
                assertEquals(last, resumed.next(Received::durable).seq());
            }
            WsClient old = WsClient.connect(ws("after=0"), Map.of());
            WsClient.Closed refused = old.awaitClosed();
            assertEquals(1013, refused.code(), refused.toString());
            assertFalse(client.closed.isDone(), "live sockets stay open while the plane is away");

            plane.restartEmpty();
            Received resync = client.next("resync");
            assertTrue(resync.dataText("reason").contains("no longer has"), resync.text());
            Poll.until(() -> http.get("/healthz").status(), s -> s == 200, WAIT);

            String fresh = newProject("after-restart");
            Received live = client.next(r -> r.durable() && fresh.equals(r.projectId()));
            assertTrue(live.seq() < durable.get(durable.size() - 1).seq(),
                    "the new log's small seqs reach the client: " + live.text());
        }
    }
}
