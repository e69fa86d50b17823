package dev.agentgrid.controlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The batching and failure isolation of {@link GroupCommit}, with a list standing in for the database. */
class GroupCommitTest {
    @Test
    void callersWaitingTogetherShareABatchAndEachGetsItsOwnResult() throws Exception {
        List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch firstBatchStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (GroupCommit<Integer, Integer> commits = new GroupCommit<>("test", 100, 1000, inputs -> {
            batchSizes.add(inputs.size());
            firstBatchStarted.countDown();
            await(release);
            return inputs.stream().map(i -> i * 10).toList();
        })) {
            ExecutorService callers = Executors.newFixedThreadPool(11);
            Future<Integer> first = callers.submit(() -> commits.submit(0));
            firstBatchStarted.await();
            // Ten callers arrive while the first batch is being applied: they form the next batch.
            List<Future<Integer>> rest = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                int n = i;
                rest.add(callers.submit(() -> commits.submit(n)));
            }
            while (queued(commits) < 10) {
                Thread.onSpinWait();
            }
            release.countDown();
            assertEquals(0, first.get());
            for (int i = 0; i < 10; i++) {
                assertEquals((i + 1) * 10, rest.get(i).get());
            }
            assertEquals(List.of(1, 10), batchSizes);
            callers.shutdown();
        }
    }

    @Test
    void aFailingWriteFailsOnlyItsOwnCallerAndTheOthersAreAppliedAlone() throws Exception {
        List<List<Integer>> applied = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch hold = new CountDownLatch(1);
        try (GroupCommit<Integer, Integer> commits = new GroupCommit<>("test", 100, 1000, inputs -> {
            await(hold);
            if (inputs.contains(13)) {
                throw new IllegalStateException("unlucky");
            }
            applied.add(List.copyOf(inputs));
            return inputs;
        })) {
            ExecutorService callers = Executors.newFixedThreadPool(3);
            List<Future<Integer>> results = new ArrayList<>();
            for (int n : new int[] {12, 13, 14}) {
                results.add(callers.submit(() -> commits.submit(n)));
            }
            hold.countDown();
            assertEquals(12, results.get(0).get());
            Exception e = assertThrows(Exception.class, () -> results.get(1).get());
            assertTrue(e.getCause() instanceof IllegalStateException, e.toString());
            assertEquals(14, results.get(2).get());
            assertTrue(applied.contains(List.of(12)) || applied.get(0).contains(12));
            assertTrue(applied.stream().noneMatch(b -> b.contains(13)));
            callers.shutdown();
        }
    }

    private static int queued(GroupCommit<?, ?> commits) {
        return commits.queued();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
