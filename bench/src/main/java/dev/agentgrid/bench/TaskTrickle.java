package dev.agentgrid.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import dev.agentgrid.proto.v1.CreateTaskRequest;
import dev.agentgrid.proto.v1.CreateTaskResponse;
import dev.agentgrid.proto.v1.TaskSpec;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Creates no-op tasks at a steady rate without waiting for them (CreateTask calls may overlap). */
final class TaskTrickle {
    private final PlaneConnection plane;
    private final String projectId;
    private final String agentType;
    private final Set<String> created = ConcurrentHashMap.newKeySet();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private volatile ScheduledFuture<?> schedule;

    TaskTrickle(PlaneConnection plane, String projectId, String agentType) {
        this.plane = plane;
        this.projectId = projectId;
        this.agentType = agentType;
    }

    void start(ScheduledExecutorService timer, int perSecond) {
        schedule = timer.scheduleAtFixedRate(this::createOne, 0, 1_000_000_000L / perSecond, TimeUnit.NANOSECONDS);
    }

    /** Stops creating and waits (up to {@code timeout}) for the calls still in flight. */
    void stop(Duration timeout) throws InterruptedException {
        if (schedule != null) {
            schedule.cancel(false);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    Set<String> created() {
        return created;
    }

    long failures() {
        return failures.get();
    }

    Throwable firstFailure() {
        return firstFailure.get();
    }

    private void createOne() {
        inFlight.incrementAndGet();
        Futures.addCallback(plane.tasksAsync().createTask(CreateTaskRequest.newBuilder().setProjectId(projectId)
                .setTask(TaskSpec.newBuilder().setAgentType(agentType).setInstructions("noop")).build()),
                new FutureCallback<CreateTaskResponse>() {
                    @Override
                    public void onSuccess(CreateTaskResponse r) {
                        created.add(r.getTask().getId());
                        inFlight.decrementAndGet();
                    }

                    @Override
                    public void onFailure(Throwable t) {
                        failures.incrementAndGet();
                        firstFailure.compareAndSet(null, t);
                        inFlight.decrementAndGet();
                    }
                }, MoreExecutors.directExecutor());
    }
}
