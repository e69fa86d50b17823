package dev.agentgrid.bridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.bridge.testing.BridgeTestBase;
import dev.agentgrid.bridge.testing.Poll;
import dev.agentgrid.bridge.testing.ScriptedWorker;
import dev.agentgrid.bridge.testing.WsClient;
import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.OutputStream;
import dev.agentgrid.proto.v1.Task;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading costs a bounded queue, then its socket; the others do not slow down.
 * The queue is small here (150 frames of 60 KiB) so that 30 MB of output, more than the kernel's
 * socket buffers hold, fills it for the stuck client while the reading one keeps plenty of slack.
 */
class WsSlowConsumerTest extends BridgeTestBase {
    private static final int CHUNKS = 500;
    private static final String CHUNK = "x".repeat(60 * 1024);

    @Override
    protected Map<String, String> bridgeProperties() {
        // A long grace: the stuck client reads again later and must still find the close frame.
        return Map.of("agentgrid.bridge.max-queued-frames", "150", "agentgrid.bridge.close-grace", "60s");
    }

    private long slowCloses() {
        return http.get("/healthz").json().get("websocket").get("closed_slow_consumer").getNumberValue().longValue();
    }

    @Test
    void aClientThatStopsReadingIsClosedAsASlowConsumerWhileAFastOneReceivesEverything() throws Exception {
        try (ScriptedWorker worker = new ScriptedWorker(grpc().channel, "flood")) {
            Task task = newTask(newProject("flood"), worker.agentType, false);
            try (WsClient fast = open("task_id=" + task.getId()); WsClient slow = open("task_id=" + task.getId())) {
                slow.pause();
                AssignTask a = worker.acceptNext();
                for (int i = 0; i < CHUNKS; i++) {
                    worker.output(a, OutputStream.OUTPUT_STREAM_STDOUT, CHUNK, false);
                }
                int got = 0;
                while (got < CHUNKS) {
                    var frame = fast.next("new_message");
                    assertEquals(CHUNK.length(), frame.dataText("message").length());
                    got++;
                }
                assertTrue(!fast.closed.isDone(), "the fast client is still connected");
                Poll.until(this::slowCloses, n -> n >= 1, WAIT);

                slow.resume();
                WsClient.Closed closed = slow.awaitClosed();
                assertEquals(4008, closed.code(), closed.toString());
                assertTrue(closed.reason().contains("slow consumer"), closed.reason());
                long slowGot = slow.frames.stream().filter(r -> "new_message".equals(r.type())).count();
                assertTrue(slowGot < CHUNKS, "the slow client missed the rest: " + slowGot);
                worker.complete(a, "ok");
                fast.next(r -> "task_status_change".equals(r.type()) && "completed".equals(r.dataText("status")));
            }
        }
    }
}
