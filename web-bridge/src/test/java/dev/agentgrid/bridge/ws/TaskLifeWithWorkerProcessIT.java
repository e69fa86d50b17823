package dev.agentgrid.bridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.bridge.testing.BridgeTestBase;
import dev.agentgrid.bridge.testing.Received;
import dev.agentgrid.bridge.testing.WorkerProcess;
import dev.agentgrid.proto.v1.Task;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain with nothing played: a real worker process runs a real agent script for a task,
 * and a WebSocket client of a real bridge sees the task's life in order.
 */
class TaskLifeWithWorkerProcessIT extends BridgeTestBase {
    @TempDir
    Path tmp;

    @Test
    void aClientSeesATaskRunOnARealWorkerFromCreationToCompletionInOrder() throws Exception {
        String agent = "lifecycle-" + Long.toHexString(System.nanoTime());
        String project = newProject("life");
        try (WorkerProcess worker = WorkerProcess.start(plane.target(), "life-worker", agent, """
                #!/bin/sh
                read -r task
                printf '{"agentgrid":"progress","percent":50,"stage":"halfway"}\\n'
                echo "plain output"
                printf '{"agentgrid":"message","text":"Hello, "}\\n'
                printf '{"agentgrid":"message","text":"world.","done":true}\\n'
                printf '{"agentgrid":"result","output":{"ok":true}}\\n'
                """, tmp);
                var client = open("project_id=" + project)) {
            Task task = newTask(project, agent, false);
            List<Received> frames = new ArrayList<>();
            Received last;
            do {
                last = client.next(f -> task.getId().equals(f.taskId()));
                frames.add(last);
            } while (!("task_status_change".equals(last.type()) && "completed".equals(last.dataText("status"))));

            List<String> statuses = frames.stream().filter(f -> f.type().equals("task_status_change"))
                    .map(f -> f.dataText("status")).toList();
            assertEquals(List.of("pending", "assigned", "running", "completed"), statuses);
            List<String> types = frames.stream().map(Received::type).toList();
            int running = indexOfStatus(frames, "running");
            int completed = frames.size() - 1;
            int progress = types.indexOf("task_progress");
            int chatDone = types.indexOf("chat:done");
            assertTrue(running < progress && progress < completed, "progress while running: " + types);
            assertTrue(types.contains("chat:start") && types.indexOf("chat:start") < types.indexOf("chat:chunk")
                    && types.lastIndexOf("chat:chunk") < chatDone && chatDone < completed, types.toString());
            assertTrue(frames.stream().anyMatch(f -> f.type().equals("new_message")
                    && "plain output\n".equals(f.dataText("message"))), types.toString());
            List<Long> seqs = frames.stream().filter(Received::durable).map(Received::seq).toList();
            assertEquals(seqs.stream().sorted().distinct().toList(), seqs, "durable frames in order, each once");
        }
    }

    private static int indexOfStatus(List<Received> frames, String status) {
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).type().equals("task_status_change") && status.equals(frames.get(i).dataText("status"))) {
                return i;
            }
        }
        return -1;
    }
}
