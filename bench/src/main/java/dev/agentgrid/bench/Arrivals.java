package dev.agentgrid.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * When something about a task id was first seen ({@link System#nanoTime()}), for waiting on it
 * whichever happens first: the observation (an AssignTask can overtake the CreateTask response)
 * or the wait.
 */
final class Arrivals {
    private final ConcurrentHashMap<String, CompletableFuture<Long>> seen = new ConcurrentHashMap<>();

    void arrived(String taskId, long nanos) {
        seen.computeIfAbsent(taskId, k -> new CompletableFuture<>()).complete(nanos);
    }

    /** Makes a wait for {@code taskId} fail at once: it will never arrive. */
    void failed(String taskId, String why) {
        seen.computeIfAbsent(taskId, k -> new CompletableFuture<>()).completeExceptionally(new IllegalStateException(why));
    }

    /** The time {@code taskId} arrived, waiting up to {@code timeoutMillis}. */
    long await(String taskId, long timeoutMillis, String what) throws InterruptedException, TimeoutException {
        try {
            return seen.computeIfAbsent(taskId, k -> new CompletableFuture<>()).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new TimeoutException(what + " of task " + taskId + " not seen within " + timeoutMillis + " ms");
        }
    }

    /** The time {@code taskId} arrived if it did, else null. */
    Long ifArrived(String taskId) {
        CompletableFuture<Long> f = seen.get(taskId);
        return f != null && f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
    }

    void forget(String taskId) {
        seen.remove(taskId);
    }
}
