package dev.agentgrid.controlplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentgrid.controlplane.store.Store;
import dev.agentgrid.controlplane.testing.DatabaseProduct;
import dev.agentgrid.controlplane.testing.GrpcClient;
import dev.agentgrid.controlplane.testing.Poll;
import dev.agentgrid.controlplane.testing.TestDatabases;
import dev.agentgrid.proto.v1.CreateProjectRequest;
import dev.agentgrid.proto.v1.CreateTaskRequest;
import dev.agentgrid.proto.v1.Event;
import dev.agentgrid.proto.v1.GetTaskRequest;
import dev.agentgrid.proto.v1.GetWorkerRequest;
import dev.agentgrid.proto.v1.ListEventsRequest;
import dev.agentgrid.proto.v1.ListEventsResponse;
import dev.agentgrid.proto.v1.ListTaskMessagesRequest;
import dev.agentgrid.proto.v1.ListTaskMessagesResponse;
import dev.agentgrid.proto.v1.Task;
import dev.agentgrid.proto.v1.TaskMessage;
import dev.agentgrid.proto.v1.TaskSpec;
import dev.agentgrid.proto.v1.TaskStatus;
import dev.agentgrid.proto.v1.Worker;
import dev.agentgrid.proto.v1.WorkerStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * End-to-end scenarios: one real control plane per test class in this JVM (H2 file database by
 * default; PostgreSQL in subclasses that override {@link #onPostgres}), real worker JVMs started
 * from the worker jar, each with its own state directory, running real agent scripts. Every test
 * gets a fresh temporary directory for state and scripts and its own agent types, so tests of a
 * class do not see each other's work. Worker logs go to {@code target/e2e-logs/<class>/<test>/}
 * and are printed when a test fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EndToEndTestBase {
    /** Longest wait for anything that involves starting a worker JVM or a lease running out. */
    static final Duration WAIT = Duration.ofSeconds(30);
    /** Deadline of each admin call, so a plane that hangs fails the test instead of blocking it. */
    static final long CALL_SECONDS = 10;

    protected Plane plane;
    protected GrpcClient client;
    protected Path workDir;
    protected Path logDir;
    private Path planeDataDir;
    private final List<WorkerProcess> workers = new ArrayList<>();

    @RegisterExtension
    final TestWatcher printLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            printLogs(context.getDisplayName());
        }
    };

    /** Whether the plane runs on PostgreSQL (a fresh database) instead of an H2 file database. */
    protected boolean onPostgres() {
        return false;
    }

    private Map<String, ?> database(Path dataDir) {
        return onPostgres() ? TestDatabases.postgres() : Map.of("agentgrid.data-dir", dataDir.toString());
    }

    @BeforeAll
    void startPlane() throws IOException {
        WorkerProcess.jar(); // fails clearly, before anything starts, if the worker was not built
        planeDataDir = Files.createTempDirectory("agentgrid-e2e-plane-");
        plane = Plane.start(database(planeDataDir));
        assertEquals(onPostgres() ? "PostgreSQL" : "H2", DatabaseProduct.of(plane.bean(Store.class), plane.bean(JdbcOperations.class)),
                "the scenarios run on the database the class claims");
        client = new GrpcClient(plane.port());
    }

    @AfterAll
    void stopPlane() throws InterruptedException {
        if (client != null) {
            client.close();
        }
        if (plane != null) {
            plane.close();
        }
        deleteRecursively(planeDataDir);
    }

    @BeforeEach
    void newWorkDir(TestInfo info) throws IOException {
        workDir = Files.createTempDirectory("agentgrid-e2e-");
        String logs = System.getProperty("agentgrid.e2e.logs", "target/e2e-logs");
        logDir = Path.of(logs, getClass().getSimpleName(),
                info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test"));
        deleteRecursively(logDir);
        Files.createDirectories(logDir);
    }

    @AfterEach
    void killWorkers() throws InterruptedException {
        for (WorkerProcess w : workers) {
            w.close();
        }
        workers.clear();
        if (!plane.isRunning()) {
            // A test failed while the plane was down; the next test gets a running one.
            restartPlane(() -> { });
        }
        deleteRecursively(workDir);
    }

    // ---- workers and scripts ----------------------------------------------------------------

    /** Describes a worker; start it with {@link #start}. */
    protected WorkerProcess.Builder worker(String role) {
        return WorkerProcess.builder(role, plane.port(), workDir, logDir);
    }

    /** Starts a worker that this test owns: it is killed (with its agents) after the test. */
    protected WorkerProcess start(WorkerProcess.Builder builder) throws IOException {
        WorkerProcess w = builder.start();
        workers.add(w);
        return w;
    }

    /** Starts a worker and waits until the plane shows it ONLINE. */
    protected WorkerProcess startOnline(WorkerProcess.Builder builder) throws IOException {
        WorkerProcess w = start(builder);
        awaitWorker(w, x -> x.getStatus() == WorkerStatus.WORKER_STATUS_ONLINE, "ONLINE");
        return w;
    }

    /** Writes an agent script (POSIX sh) into the test's directory. */
    protected Path script(String name, String body) throws IOException {
        Path file = workDir.resolve(name);
        Files.writeString(file, body, StandardCharsets.UTF_8);
        file.toFile().setExecutable(true);
        return file;
    }

    /** The example agent shipped with the worker. */
    protected static Path exampleAgent() {
        String property = System.getProperty("agentgrid.worker.example-agent");
        Path path = property == null ? Path.of("../worker-agent/examples/example-agent.sh") : Path.of(property);
        if (!Files.isRegularFile(path)) {
            throw new AssertionError("the worker's example agent is not at " + path.toAbsolutePath());
        }
        return path.toAbsolutePath().normalize();
    }

    /** A name unique to this run, for agent types and projects. */
    protected static String unique(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    // ---- the plane ----------------------------------------------------------------------------

    /**
     * Stops the plane, runs {@code whileDown}, and starts it again on the same port with the same
     * database; the admin client is replaced by one to the new plane.
     */
    protected void restartPlane(Runnable whileDown) throws InterruptedException {
        client.close();
        plane.stop();
        whileDown.run();
        plane.start();
        client = new GrpcClient(plane.port());
    }

    // ---- reading what a user sees -------------------------------------------------------------

    protected Task createTask(TaskSpec.Builder spec) {
        String project = client.projects.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
                .createProject(CreateProjectRequest.newBuilder().setName(unique("e2e")).build()).getProject().getId();
        return createTask(project, spec);
    }

    protected Task createTask(String projectId, TaskSpec.Builder spec) {
        return client.tasks.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
                .createTask(CreateTaskRequest.newBuilder().setProjectId(projectId).setTask(spec).build()).getTask();
    }

    protected Task task(String id) {
        return client.tasks.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
                .getTask(GetTaskRequest.newBuilder().setTaskId(id).build()).getTask();
    }

    /** Waits until the task satisfies {@code done}; fails after {@link #WAIT} showing the task. */
    protected Task awaitTask(String id, Predicate<Task> done, String what) {
        try {
            return Poll.until(() -> task(id), done, WAIT);
        } catch (AssertionError e) {
            throw new AssertionError("task " + id + " did not become " + what + " within " + WAIT + "; it is "
                    + describe(task(id)), e);
        }
    }

    protected Task awaitStatus(String id, TaskStatus status) {
        return awaitTask(id, t -> t.getStatus() == status, status.name());
    }

    /** The worker as the plane shows it, or null if the plane does not know it (yet). */
    protected Worker workerRow(WorkerProcess w) {
        try {
            return client.workers.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
                    .getWorker(GetWorkerRequest.newBuilder().setWorkerId(w.id()).build()).getWorker();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    protected Worker awaitWorker(WorkerProcess w, Predicate<Worker> done, String what) {
        try {
            return Poll.until(() -> workerRow(w), x -> x != null && done.test(x), WAIT);
        } catch (AssertionError e) {
            if (!w.process().isAlive()) {
                throw new AssertionError("worker " + w.role() + " exited with " + w.process().exitValue()
                        + " before it was " + what, e);
            }
            throw new AssertionError("worker " + w.role() + " was not " + what + " within " + WAIT, e);
        }
    }

    /** Durable events of a task of one type, in sequence order. */
    protected List<Event> events(String taskId, String eventType) {
        List<Event> out = new ArrayList<>();
        long after = 0;
        while (true) {
            ListEventsResponse page = client.events.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
                    .listEvents(ListEventsRequest.newBuilder().setTaskId(taskId).addEventTypes(eventType)
                            .setAfterSeq(after).setPageSize(1000).build());
            out.addAll(page.getEventsList());
            if (page.getEventsCount() < 1000) {
                return out;
            }
            after = page.getLastSeq();
        }
    }

    /** The statuses a task went through, from its {@code task_status_change} events, as "status@attempt". */
    protected List<String> statusChanges(String taskId) {
        return events(taskId, "task_status_change").stream()
                .map(e -> e.getData().getFieldsMap().get("status").getStringValue() + "@"
                        + (long) e.getData().getFieldsMap().get("attempt").getNumberValue())
                .toList();
    }

    /** Every stored message of a task, oldest first. */
    protected List<TaskMessage> messages(String taskId) {
        List<TaskMessage> out = new ArrayList<>();
        String token = "";
        do {
            ListTaskMessagesResponse page = client.tasks.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
                    .listTaskMessages(ListTaskMessagesRequest.newBuilder().setTaskId(taskId).setPageSize(1000)
                            .setPageToken(token).build());
            out.addAll(page.getMessagesList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return out;
    }

    /**
     * Asserts that {@code condition} holds on every sample taken during {@code window}: for
     * "nothing happens" claims, which need an observation period rather than a single look.
     */
    protected static <T> void assertHoldsFor(Supplier<T> probe, Predicate<T> condition, Duration window,
            String what) {
        long end = System.nanoTime() + window.toNanos();
        do {
            T value = probe.get();
            if (!condition.test(value)) {
                throw new AssertionError(what + " stopped holding: " + value);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        } while (System.nanoTime() < end);
    }

    protected static String describe(Task t) {
        return t.getStatus() + " attempt " + t.getAttempt() + " on '" + t.getWorkerId() + "' (" + t.getStatusReason()
                + ")" + (t.hasError() ? " error: " + t.getError().getMessage() : "");
    }

    // ---- housekeeping -------------------------------------------------------------------------

    private void printLogs(String test) {
        System.err.println("==== e2e: " + getClass().getSimpleName() + " " + test + " failed; worker logs in "
                + logDir.toAbsolutePath() + " ====");
        try (Stream<Path> files = Files.list(logDir)) {
            for (Path f : files.sorted().toList()) {
                System.err.println("---- " + f.getFileName() + " ----");
                System.err.println(Files.readString(f, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            System.err.println("(could not read the logs: " + e + ")");
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("e2e: could not delete " + dir + ": " + e);
        }
    }
}
