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
 * Slow sockets share one budget of waiting bytes: each socket's own bound is far away here
 * (10,000 frames), but once 8 MiB of frames wait in all, the stuck sockets, each holding more than
 * its share, are closed as slow consumers, and the reading one receives everything. As in
 * {@link WsSlowConsumerTest}, 30 MB of output outgrows what the kernel's socket buffers hold.
 */
class WsQueueBudgetTest extends BridgeTestBase {
    private static final int CHUNKS = 500;
    private static final String CHUNK = "x".repeat(60 * 1024);

    @Override
    protected Map<String, String> bridgeProperties() {
        return Map.of("agentgrid.bridge.max-queued-frames", "10000", "agentgrid.bridge.max-queued-bytes-total",
                Integer.toString(8 << 20),
                "agentgrid.bridge.close-grace", "60s");
    }

    private long websocket(String counter) {
        return http.get("/healthz").json().get("websocket").get(counter).getNumberValue().longValue();
    }

    @Test
    void stuckSocketsAreClosedWhenTogetherTheyHoldTheBridgesBudgetWhileAReadingOneGetsEverything() throws Exception {
        try (ScriptedWorker worker = new ScriptedWorker(grpc().channel, "budget")) {
            Task task = newTask(newProject("budget"), worker.agentType, false);
            try (WsClient fast = open("task_id=" + task.getId()); WsClient slow1 = open("task_id=" + task.getId());
                    WsClient slow2 = open("task_id=" + task.getId())) {
                slow1.pause();
                slow2.pause();
                AssignTask a = worker.acceptNext();
                for (int i = 0; i < CHUNKS; i++) {
                    worker.output(a, OutputStream.OUTPUT_STREAM_STDOUT, CHUNK, false);
                }
                for (int got = 0; got < CHUNKS; got++) {
                    assertEquals(CHUNK.length(), fast.next("new_message").dataText("message").length());
                }
                assertTrue(!fast.closed.isDone(), "the reading client is still connected");
                Poll.until(() -> websocket("closed_slow_consumer"), n -> n == 2, WAIT);

                for (WsClient slow : new WsClient[] {slow1, slow2}) {
                    slow.resume();
                    WsClient.Closed closed = slow.awaitClosed();
                    assertEquals(4008, closed.code(), closed.toString());
                    String reason = closed.reason();
                    assertTrue(reason.contains("over its share of the bridge's " + (8 << 20) + "-byte budget"), reason);
                }
                Poll.until(() -> websocket("queued_bytes"), n -> n == 0, WAIT);
                worker.complete(a, "ok");
                fast.next(r -> "task_status_change".equals(r.type()) && "completed".equals(r.dataText("status")));
            }
        }
    }
}
