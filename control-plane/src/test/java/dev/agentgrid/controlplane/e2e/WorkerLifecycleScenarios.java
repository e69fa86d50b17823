package dev.agentgrid.controlplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.agentgrid.controlplane.testing.Poll;
import dev.agentgrid.proto.v1.CancelTaskRequest;
import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.Event;
import dev.agentgrid.proto.v1.ListArtifactsRequest;
import dev.agentgrid.proto.v1.ListEventsRequest;
import dev.agentgrid.proto.v1.ListEventsResponse;
import dev.agentgrid.proto.v1.ListTasksRequest;
import dev.agentgrid.proto.v1.MachineInventory;
import dev.agentgrid.proto.v1.Task;
import dev.agentgrid.proto.v1.TaskSpec;
import dev.agentgrid.proto.v1.TaskStatus;
import dev.agentgrid.proto.v1.Worker;
import dev.agentgrid.proto.v1.WorkerStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A worker's life as an operator sees it: registration and telemetry, placement by agent type and
 * slots, draining on SIGTERM, and cancelling a running agent with its children.
 */
abstract class WorkerLifecycleScenarios extends EndToEndTestBase {

    @Test
    void aWorkerRegistersOnlineWithItsInventoryAndItsMetricsMoveOnBetweenHeartbeats() throws Exception {
        String type = unique("idle");
        WorkerProcess w = startOnline(worker("registrar").slots(3).labels("zone=e2e,gpu=false")
                .command(type, "true"));

        Worker first = awaitWorker(w, x -> x.hasMetrics() && x.getMetrics().hasCaptureTime(), "reporting metrics");
        assertEquals(WorkerStatus.WORKER_STATUS_ONLINE, first.getStatus());
        assertEquals("registrar", first.getName());
        assertFalse(first.getHostname().isEmpty());
        assertFalse(first.getVersion().isEmpty());
        assertEquals(Map.of("zone", "e2e", "gpu", "false"), first.getLabelsMap());
        assertEquals(List.of(type), first.getAgentTypesList());
        assertEquals(3, first.getSlots());
        assertEquals(0, first.getUsedSlots());
        assertFalse(first.getSessionId().isEmpty());
        MachineInventory inv = first.getInventory();
        assertTrue(inv.getLogicalCores() >= 1, inv.toString());
        assertTrue(inv.getPhysicalCores() >= 1, inv.toString());
        assertTrue(inv.getMemoryTotalBytes() > 0, inv.toString());
        assertFalse(inv.getOs().isEmpty(), inv.toString());
        assertFalse(inv.getArch().isEmpty(), inv.toString());
        assertFalse(inv.getJavaVersion().isEmpty(), inv.toString());
        assertTrue(first.getMetrics().getMemoryTotalBytes() > 0, first.getMetrics().toString());
        assertTrue(first.getMetrics().getMemoryUsedBytes() > 0, first.getMetrics().toString());
        assertTrue(first.getMetrics().getProcessCount() > 0, first.getMetrics().toString());
        assertEquals(3, first.getMetrics().getFreeSlots());

        // The next heartbeat brings a newer snapshot.
        Worker later = awaitWorker(w, x -> isAfter(x.getMetrics().getCaptureTime(), first.getMetrics().getCaptureTime()),
                "reporting newer metrics");
        assertTrue(isAfter(later.getLastHeartbeatTime(), first.getLastHeartbeatTime()));
        assertEquals(first.getSessionId(), later.getSessionId(), "the same session heartbeats on");
        assertTrue(later.getMetrics().getUptime().getSeconds() >= first.getMetrics().getUptime().getSeconds());

        List<String> statuses = workerStatusEvents(w.id());
        assertEquals(List.of("online"), statuses, "one worker_status event: it came online");
    }

    @Test
    void aTaskForAnAgentTypeNoWorkerServesStaysPendingWhileAnotherWorkerRunsOtherWork() throws Exception {
        String served = unique("demo");
        String unserved = unique("nobody");
        startOnline(worker("demo").command(served, "sh " + exampleAgent()).env("EXAMPLE_AGENT_PAUSE", "0.3"));

        String project = client.projects.createProject(CreateProjectRequest.newBuilder().setName(unique("mixed"))
                .build()).getProject().getId();
        Task orphan = createTask(project, TaskSpec.newBuilder().setAgentType(unserved).setInstructions("nobody")
                .setPriority(1000));
        Task work = createTask(project, TaskSpec.newBuilder().setAgentType(served).setInstructions("demo"));

        // While the example agent works, the other task waits; it is never offered to the worker.
        Task done = Poll.until(() -> {
            assertEquals(TaskStatus.TASK_STATUS_PENDING, task(orphan.getId()).getStatus());
            return task(work.getId());
        }, t -> t.getStatus() == TaskStatus.TASK_STATUS_COMPLETED, WAIT);
        assertEquals("done", done.getOutput().getStructValue().getFieldsOrThrow("status").getStringValue());
        assertEquals(List.of("plan.md"), client.artifacts.listArtifacts(ListArtifactsRequest.newBuilder()
                .setProjectId(project).build()).getArtifactsList().stream().map(a -> a.getName()).toList());
        // A few dispatch rounds later (one a second) it still waits, untouched.
        assertHoldsFor(() -> task(orphan.getId()), t -> t.getStatus() == TaskStatus.TASK_STATUS_PENDING,
                Duration.ofSeconds(2), "the unserved task is pending");
        Task stillPending = task(orphan.getId());
        assertEquals("", stillPending.getWorkerId());
        assertEquals(1, stillPending.getAttempt());
        assertEquals(List.of("pending@1"), statusChanges(orphan.getId()));
    }

    @Test
    void aBurstOfTasksNeverExceedsTheWorkersSlotsAndAllComplete() throws Exception {
        String type = unique("burst");
        Path dir = Files.createDirectories(workDir.resolve("burst"));
        WorkerProcess w = startOnline(worker("burst").slots(2).script(type, script("burst.sh", """
                #!/bin/sh
                set -eu
                IFS= read -r task
                dir="${task#*\\"dir\\":\\"}"; dir="${dir%%\\"*}"
                mkdir -p "$dir/running"
                touch "$dir/running/$$"
                # How many agents run right now, this one included.
                ls "$dir/running" | wc -l >> "$dir/concurrency"
                sleep 0.4
                rm -f "$dir/running/$$"
                printf '{"agentgrid":"result","output":{"pid":%s}}\\n' "$$"
                """)));
        String project = client.projects.createProject(CreateProjectRequest.newBuilder().setName(unique("burst"))
                .build()).getProject().getId();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(createTask(project, TaskSpec.newBuilder().setAgentType(type).setInstructions("task " + i)
                    .setInput(Struct.newBuilder().putFields("dir", Value.newBuilder().setStringValue(dir.toString())
                            .build()))).getId());
        }

        AtomicInteger maxUsed = new AtomicInteger();
        AtomicInteger maxHeld = new AtomicInteger();
        Poll.until(() -> {
            int used = workerRow(w).getUsedSlots();
            List<Task> active = client.tasks.listTasks(ListTasksRequest.newBuilder().setProjectId(project)
                    .addStatuses(TaskStatus.TASK_STATUS_ASSIGNED).addStatuses(TaskStatus.TASK_STATUS_RUNNING)
                    .setPageSize(100).build()).getTasksList();
            long held = active.stream().filter(t -> t.getWorkerId().equals(w.id())).count();
            assertTrue(used <= 2, "used_slots " + used + " > 2");
            assertTrue(held <= 2, held + " tasks assigned to or running on the worker: " + active);
            maxUsed.accumulateAndGet(used, Math::max);
            maxHeld.accumulateAndGet((int) held, Math::max);
            return client.tasks.listTasks(ListTasksRequest.newBuilder().setProjectId(project)
                    .addStatuses(TaskStatus.TASK_STATUS_COMPLETED).setPageSize(100).build()).getTasksCount();
        }, completed -> completed == 8, WAIT);

        assertTrue(maxUsed.get() >= 1 && maxHeld.get() >= 1, "the samples saw the tasks run");
        List<Integer> concurrency = Files.readAllLines(dir.resolve("concurrency"), StandardCharsets.UTF_8).stream()
                .map(String::strip).map(Integer::valueOf).toList();
        assertEquals(8, concurrency.size(), "every task ran its agent once: " + concurrency);
        assertEquals(2, concurrency.stream().mapToInt(Integer::intValue).max().orElseThrow(),
                "agents ran two at a time, never more: " + concurrency);
        for (String id : ids) {
            assertEquals(List.of("pending@1", "assigned@1", "running@1", "completed@1"), statusChanges(id));
        }
    }

    /** Runs until the test creates its release file; quick tasks complete at once. */
    private static final String WAITING_AGENT = """
            #!/bin/sh
            set -u
            IFS= read -r task
            dir="${task#*\\"dir\\":\\"}"; dir="${dir%%\\"*}"
            case "$task" in
              *'"quick":true'*) printf '{"agentgrid":"result","output":{"quick":true}}\\n'; exit 0 ;;
            esac
            echo $$ > "$dir/agent.pid"
            i=0
            while [ ! -f "$dir/release" ]; do
              i=$((i + 1))
              if [ "$i" -gt 1200 ]; then echo "never released" >&2; exit 1; fi
              sleep 0.05
            done
            printf '{"agentgrid":"result","output":{"released":true}}\\n'
            """;

    @Test
    void theDeployLauncherKeepsAClassDataArchiveThatTheNextStartMapsAndWorksWith() throws Exception {
        String type = unique("cds");
        Path archives = Files.createDirectories(workDir.resolve("class-archive"));
        WorkerProcess first = startOnline(worker("cds-first").command(type, "true").deployLauncher(archives));
        first.sigterm();
        assertEquals(0, first.awaitExit(WAIT), first.logText());
        List<Path> written;
        try (var files = Files.list(archives)) {
            written = files.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
        }
        assertEquals(1, written.size(), "one archive, written at the clean exit: " + written);

        WorkerProcess second = startOnline(worker("cds-second").command(type, "true").deployLauncher(archives));
        // The launcher execs the JVM, so the process is the JVM; a mapped archive shows in its maps.
        String maps = Files.readString(Path.of("/proc", Long.toString(second.pid()), "maps"));
        assertTrue(maps.contains(written.get(0).toString()), "the second start maps " + written.get(0));
        Task t = createTask(TaskSpec.newBuilder().setAgentType(type).setInstructions("runs on the archived worker"));
        assertEquals(second.id(), awaitStatus(t.getId(), TaskStatus.TASK_STATUS_COMPLETED).getWorkerId());
        assertFalse(second.logText().contains("[warning]"), second.logText());
    }

    @Test
    void sigtermDrainsTheWorkerItFinishesItsTaskTakesNoNewOneAndExitsZero() throws Exception {
        String type = unique("drain");
        Path dir = Files.createDirectories(workDir.resolve("drain"));
        WorkerProcess w = startOnline(worker("drainer").slots(2).args("--drain-grace", "60s")
                .script(type, script("waiting.sh", WAITING_AGENT)));
        Task running = createTask(TaskSpec.newBuilder().setAgentType(type).setInstructions("run until released")
                .setInput(Struct.newBuilder().putFields("dir", Value.newBuilder().setStringValue(dir.toString())
                        .build())));
        awaitStatus(running.getId(), TaskStatus.TASK_STATUS_RUNNING);
        Poll.until(() -> Files.exists(dir.resolve("agent.pid")), x -> x, WAIT);

        w.sigterm();
        awaitWorker(w, x -> x.getStatus() == WorkerStatus.WORKER_STATUS_DRAINING, "DRAINING");
        Task late = createTask(running.getProjectId(), TaskSpec.newBuilder().setAgentType(type)
                .setInstructions("arrives while draining").setInput(Struct.newBuilder()
                        .putFields("quick", Value.newBuilder().setBoolValue(true).build())
                        .putFields("dir", Value.newBuilder().setStringValue(dir.toString()).build())));
        // The worker has a free slot, but drains: the new task is not placed on it.
        assertHoldsFor(() -> List.of(task(late.getId()).getStatus(), task(running.getId()).getStatus(),
                workerRow(w).getStatus()), s -> s.equals(List.of(TaskStatus.TASK_STATUS_PENDING,
                        TaskStatus.TASK_STATUS_RUNNING, WorkerStatus.WORKER_STATUS_DRAINING)) && w.process().isAlive(),
                Duration.ofSeconds(2), "draining with one running task and one pending");

        Files.writeString(dir.resolve("release"), "go");
        Task done = awaitStatus(running.getId(), TaskStatus.TASK_STATUS_COMPLETED);
        assertEquals(1, done.getAttempt());
        assertEquals(0, w.awaitExit(WAIT), "a drained worker exits 0");
        assertEquals(WorkerStatus.WORKER_STATUS_OFFLINE, workerRow(w).getStatus());
        assertEquals(List.of("pending@1", "assigned@1", "running@1", "completed@1"), statusChanges(running.getId()));
        assertEquals(TaskStatus.TASK_STATUS_PENDING, task(late.getId()).getStatus());
        assertEquals(List.of("pending@1"), statusChanges(late.getId()), "the late task was never assigned");
        assertEquals(List.of("online", "draining", "offline"), workerStatusEvents(w.id()));
    }

    @Test
    void cancellingARunningTaskKillsItsAgentAndTheAgentsChildWithinTheGrace() throws Exception {
        String type = unique("cancel");
        Path dir = Files.createDirectories(workDir.resolve("cancel"));
        WorkerProcess w = startOnline(worker("canceller").script(type, script("spawner.sh", """
                #!/bin/sh
                IFS= read -r task
                dir="${task#*\\"dir\\":\\"}"; dir="${dir%%\\"*}"
                case "$task" in
                  *'"quick":true'*) printf '{"agentgrid":"result","output":{"quick":true}}\\n'; exit 0 ;;
                esac
                sleep 300 &
                echo $! > "$dir/child.pid.tmp" && mv "$dir/child.pid.tmp" "$dir/child.pid"
                echo $$ > "$dir/agent.pid.tmp" && mv "$dir/agent.pid.tmp" "$dir/agent.pid"
                printf '{"agentgrid":"progress","percent":10,"stage":"waiting","message":"child started"}\\n'
                wait
                """)));
        Struct input = Struct.newBuilder().putFields("dir", Value.newBuilder().setStringValue(dir.toString()).build())
                .build();
        Task t = createTask(TaskSpec.newBuilder().setAgentType(type).setInstructions("spawn and wait")
                .setInput(input));
        awaitStatus(t.getId(), TaskStatus.TASK_STATUS_RUNNING);
        Poll.until(() -> Files.exists(dir.resolve("agent.pid")) && Files.exists(dir.resolve("child.pid")), x -> x,
                WAIT);
        long agentPid = Long.parseLong(Files.readString(dir.resolve("agent.pid")).strip());
        long childPid = Long.parseLong(Files.readString(dir.resolve("child.pid")).strip());
        w.alsoKill(agentPid);
        w.alsoKill(childPid);
        assertTrue(alive(agentPid) && alive(childPid), "the agent and its child run");

        Task cancelled = client.tasks.cancelTask(CancelTaskRequest.newBuilder().setTaskId(t.getId())
                .setReason("not needed any more").build()).getTask();
        assertEquals(TaskStatus.TASK_STATUS_CANCELLED, cancelled.getStatus());
        // The plane grants 10 s between SIGTERM and SIGKILL; both must be gone within it.
        Poll.until(() -> alive(agentPid) || alive(childPid), stillThere -> !stillThere, Duration.ofSeconds(10));

        Poll.until(() -> w.logText().contains("cancelling " + t.getId() + "#1"), x -> x, WAIT);
        assertEquals(TaskStatus.TASK_STATUS_CANCELLED, task(t.getId()).getStatus());
        assertEquals(List.of("pending@1", "assigned@1", "running@1", "cancelled@1"), statusChanges(t.getId()));
        // Its one slot is free again: the next task runs (in a new project: the old one ended with its task).
        Task next = createTask(TaskSpec.newBuilder().setAgentType(type).setInstructions("quick")
                .setInput(input.toBuilder().putFields("quick", Value.newBuilder().setBoolValue(true).build())));
        awaitStatus(next.getId(), TaskStatus.TASK_STATUS_COMPLETED);
        assertEquals(TaskStatus.TASK_STATUS_CANCELLED, task(t.getId()).getStatus(), "the late report changed nothing");
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static boolean isAfter(Timestamp a, Timestamp b) {
        return a.getSeconds() > b.getSeconds() || (a.getSeconds() == b.getSeconds() && a.getNanos() > b.getNanos());
    }

    /** The statuses of a worker's worker_status events, in order. */
    private List<String> workerStatusEvents(String workerId) {
        List<String> out = new ArrayList<>();
        long after = 0;
        while (true) {
            ListEventsResponse page = client.events.listEvents(ListEventsRequest.newBuilder().setAfterSeq(after)
                    .addEventTypes("worker_status").setPageSize(1000).build());
            for (Event e : page.getEventsList()) {
                if (workerId.equals(e.getWorkerId())) {
                    out.add(e.getData().getFieldsOrThrow("status").getStringValue());
                }
            }
            if (page.getEventsCount() < 1000) {
                return out;
            }
            after = page.getLastSeq();
        }
    }
}
