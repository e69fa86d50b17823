package dev.agentgrid.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import dev.agentgrid.proto.v1.CreateTasksRequest;
import dev.agentgrid.proto.v1.CreateTasksResponse;
import dev.agentgrid.proto.v1.TaskServiceGrpc;
import dev.agentgrid.proto.v1.TaskSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Creates tasks with {@code CreateTasks} at a steady rate: every {@value #TICK_MILLIS} ms it sends
 * what is due by then (at most 1,000 per call), with at most {@value #IN_FLIGHT} calls
 * outstanding. If the plane answers more slowly than the rate asks, the load falls behind rather
 * than piling up calls, and the achieved rate says so.
 */
final class PacedTaskLoad {
    static final int TICK_MILLIS = 50;
    static final int IN_FLIGHT = 4;
    private static final int MAX_BATCH = 1000;

    /** What was created: tasks, over how long (first call to last answer), calls that failed. */
    record Result(long created, Duration elapsed, long failedCalls, String firstError) {
        double perSecond() {
            return elapsed.isZero() ? 0 : created / (elapsed.toNanos() / 1e9);
        }
    }

    private final TaskServiceGrpc.TaskServiceFutureStub tasks;
    private final String projectId;
    private final String agentType;

    PacedTaskLoad(TaskServiceGrpc.TaskServiceFutureStub tasks, String projectId, String agentType) {
        this.tasks = tasks;
        this.projectId = projectId;
        this.agentType = agentType;
    }

    Result run(int perSecond, Duration duration) throws InterruptedException {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        AtomicLong created = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong lastAnswer = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>("");
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long sent = 0;
        long batchNo = 0;
        while (System.nanoTime() < end) {
            long due = (long) ((System.nanoTime() - start) / 1e9 * perSecond) - sent;
            while (due > 0) {
                int n = (int) Math.min(due, MAX_BATCH);
                slots.acquire();
                send(n, "b" + batchNo++, created, failed, lastAnswer, firstError, slots);
                sent += n;
                due -= n;
            }
            Thread.sleep(TICK_MILLIS);
        }
        slots.acquire(IN_FLIGHT); // every call answered
        long last = Math.max(lastAnswer.get(), start);
        return new Result(created.get(), Duration.ofNanos(last - start), failed.get(), firstError.get());
    }

    private void send(int n, String batchKey, AtomicLong created, AtomicLong failed, AtomicLong lastAnswer,
            AtomicReference<String> firstError, Semaphore slots) {
        List<TaskSpec> specs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            specs.add(TaskSpec.newBuilder().setAgentType(agentType).setInstructions("fan-out load " + batchKey + "." + i)
                    .build());
        }
        CreateTasksRequest request = CreateTasksRequest.newBuilder().setProjectId(projectId).addAllTasks(specs)
                .setOmitSpecs(true).build();
        Futures.addCallback(tasks.withDeadlineAfter(60, TimeUnit.SECONDS).createTasks(request),
                new FutureCallback<CreateTasksResponse>() {
                    @Override
                    public void onSuccess(CreateTasksResponse r) {
                        created.addAndGet(r.getTasksCount());
                        lastAnswer.accumulateAndGet(System.nanoTime(), Math::max);
                        slots.release();
                    }

                    @Override
                    public void onFailure(Throwable t) {
                        failed.incrementAndGet();
                        firstError.compareAndSet("", t.toString());
                        lastAnswer.accumulateAndGet(System.nanoTime(), Math::max);
                        slots.release();
                    }
                }, MoreExecutors.directExecutor());
    }
}
