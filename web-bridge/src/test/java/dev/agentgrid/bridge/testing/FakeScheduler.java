package dev.agentgrid.bridge.testing;

import dev.agentgrid.bridge.time.Scheduler;
import dev.agentgrid.bridge.time.SystemScheduler;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/**
 * A scheduler whose time moves only when a test says so (the idea of grpc-java's FakeClock): due
 * tasks run on the test's thread inside {@link #advance}, in time order. Replaces the real one in
 * a bridge started with {@code test.fake-scheduler=true}.
 */
@Singleton
@Replaces(SystemScheduler.class)
@Requires(property = "test.fake-scheduler", value = "true")
public class FakeScheduler implements Scheduler {
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private Instant now = Instant.parse("2030-01-01T00:00:00Z");
    private long sequence;

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Task t = new Task(now.plus(delay.isNegative() ? Duration.ZERO : delay), sequence++, task);
        tasks.add(t);
        return () -> {
            synchronized (FakeScheduler.this) {
                tasks.remove(t);
            }
        };
    }

    /** Moves time forward, running every task that falls due on the way, at its due time. */
    public void advance(Duration by) {
        Instant target;
        synchronized (this) {
            target = now.plus(by);
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due.isAfter(target)) {
                    now = target;
                    return;
                }
                tasks.poll();
                if (next.due.isAfter(now)) {
                    now = next.due;
                }
            }
            next.run.run();
        }
    }

    /** Tasks waiting. */
    public synchronized int pending() {
        return tasks.size();
    }

    private record Task(Instant due, long seq, Runnable run) implements Comparable<Task> {
        @Override
        public int compareTo(Task o) {
            int c = due.compareTo(o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
