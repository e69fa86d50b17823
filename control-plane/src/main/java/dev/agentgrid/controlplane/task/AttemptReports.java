package dev.agentgrid.controlplane.task;

import dev.agentgrid.controlplane.stats.PlaneStats;
import dev.agentgrid.controlplane.store.GroupCommit;

import dev.agentgrid.controlplane.artifact.ArtifactService;
import dev.agentgrid.controlplane.artifact.NewArtifact;
import dev.agentgrid.controlplane.common.FailedPreconditionException;
import dev.agentgrid.controlplane.common.Ids;
import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.common.Text;
import dev.agentgrid.controlplane.event.EventTypes;
import dev.agentgrid.controlplane.hitl.HitlAction;
import dev.agentgrid.controlplane.hitl.HitlDelivery;
import dev.agentgrid.controlplane.hitl.HitlRequest;
import dev.agentgrid.controlplane.hitl.HitlRequests;
import dev.agentgrid.controlplane.store.Changes;
import dev.agentgrid.controlplane.store.SqlTime;
import dev.agentgrid.controlplane.store.Store;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies what workers report about their attempts, fenced by the attempt number: a report about
 * an attempt that is no longer current changes nothing and comes back {@link ReportOutcome#STALE}
 * (the worker is told to cancel it); a report about a task the worker never held is a protocol
 * error ({@link FailedPreconditionException}).
 */
@Singleton
public class AttemptReports {
    /** Output rows grow up to this many characters before a new row starts. */
    static final int COALESCE_LIMIT = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(AttemptReports.class);

    private final Store store;
    private final JdbcOperations jdbc;
    private final TaskTransitions transitions;
    private final ArtifactService artifacts;
    private final HitlRequests hitl;
    private final PlaneStats stats;
    private final TaskRows rows;
    private final TaskDependencies dependencies;
    private final dev.agentgrid.controlplane.worker.WorkerSettings settings;
    private final GroupCommit<Unit, ReportOutcome> commits;

    /** One report to apply: the task it locks, and what it does to it. */
    private record Unit(UUID taskId, java.util.function.Function<Changes, ReportOutcome> apply) {
    }

    /**
     * Applies a batch of reports in one transaction, locking their tasks up front in id order so
     * that batches and other transactions never wait on each other in a circle; reports apply in
     * task id order (a stable sort keeps two reports of one task in arrival order).
     */
    private List<ReportOutcome> applyAll(List<Unit> units) {
        List<Integer> order = new java.util.ArrayList<>(units.size());
        for (int i = 0; i < units.size(); i++) {
            order.add(i);
        }
        order.sort(java.util.Comparator.comparing(i -> units.get(i).taskId()));
        ReportOutcome[] out = new ReportOutcome[units.size()];
        store.write(c -> {
            List<UUID> ids = units.stream().map(Unit::taskId).distinct().toList();
            // One locking read for all the batch's tasks, one write-back before the commit, and
            // the downstream tasks a finishing task releases read in one statement too (only if
            // one finishes).
            rows.lockAhead(c, ids);
            dependencies.readAhead(c, ids);
            for (int i : order) {
                out[i] = units.get(i).apply().apply(c);
            }
            return null;
        });
        return java.util.Arrays.asList(out);
    }

    public AttemptReports(Store store, JdbcOperations jdbc, TaskTransitions transitions,
            ArtifactService artifacts, HitlRequests hitl, PlaneStats stats, TaskRows rows,
            dev.agentgrid.controlplane.worker.WorkerSettings settings, TaskDependencies dependencies) {
        this.dependencies = dependencies;
        this.rows = rows;
        this.settings = settings;
        this.stats = stats;
        this.hitl = hitl;
        this.store = store;
        this.jdbc = jdbc;
        this.transitions = transitions;
        this.artifacts = artifacts;
        // Reports of all workers share transactions: one commit for many reports (see GroupCommit).
        this.commits = new GroupCommit<>("worker-reports", 256, 10_000, this::applyAll);
    }

    /** The worker took the attempt: ASSIGNED becomes RUNNING. */
    public CompletableFuture<ReportOutcome> accepted(String workerId, UUID taskId, int attempt) {
        return fenced(workerId, taskId, attempt, (c, t) -> {
            if (t.status() == TaskStatus.ASSIGNED) {
                transitions.apply(c, t, TaskStatus.RUNNING, "running on " + workerId, b -> b.startedAt(c.now()));
            }
            return ReportOutcome.APPLIED;
        });
    }

    /** The worker refused the attempt: it goes back to PENDING as the same attempt. */
    public CompletableFuture<ReportOutcome> rejected(String workerId, UUID taskId, int attempt, String reason) {
        return fenced(workerId, taskId, attempt, (c, t) -> {
            if (t.status() != TaskStatus.ASSIGNED) {
                return ReportOutcome.STALE;
            }
            transitions.apply(c, t, TaskStatus.PENDING, Text.clip("rejected by " + workerId + ": " + reason, 1024),
                    b -> b);
            return ReportOutcome.APPLIED;
        });
    }

    /** Latest progress of a running attempt (stored on the task, published live). */
    public CompletableFuture<ReportOutcome> progress(String workerId, UUID taskId, int attempt, double fraction,
            String stage, String message) {
        return fenced(workerId, taskId, attempt, (c, t) -> {
            rows.update(c, t.toBuilder().progress(fraction, Text.clip(stage, 128), Text.clip(message, 1024))
                    .updatedAt(c.now()).build());
            c.emitLive(EventTypes.TASK_PROGRESS, t.projectId(), t.id(), workerId,
                    t.agentType(), Json.object("task_id", t.id().toString(), "progress", Math.round(fraction * 100),
                            "fraction", fraction, "stage", stage, "message", message, "attempt", attempt));
            return ReportOutcome.APPLIED;
        });
    }

    /**
     * Output chunks of a running attempt, coalesced into {@code task_messages}. Chunks whose
     * sequence number is already stored (re-sent after a reconnect) are skipped.
     */
    public CompletableFuture<ReportOutcome> output(String workerId, UUID taskId, int attempt,
            List<OutputChunk> chunks) {
        return fenced(workerId, taskId, attempt, (c, t) -> {
            long stored = lastStoredSequence(taskId, attempt);
            for (OutputChunk chunk : chunks) {
                if (chunk.sequence() <= stored) {
                    continue;
                }
                if (chunk.text().isEmpty()) {
                    // A bare end-of-message marker: nothing to store, its sequence is still used.
                    markSequence(t.id(), attempt, chunk.sequence());
                } else {
                    append(c, t, attempt, chunk);
                }
                stored = chunk.sequence();
                c.emitLive(EventTypes.NEW_MESSAGE, t.projectId(), t.id(), workerId,
                        t.agentType(), Json.object("task_id", t.id().toString(), "agent_type", t.agentType(),
                                "stream", chunk.kind(), "message", chunk.text(), "sequence", chunk.sequence(),
                                "end_of_message", chunk.endOfMessage(), "attempt", attempt,
                                "timestamp", c.now()));
            }
            return ReportOutcome.APPLIED;
        });
    }

    /** An artifact of a running attempt (its project and task ids are filled in from the task). */
    public CompletableFuture<ReportOutcome> artifact(String workerId, UUID taskId, int attempt, NewArtifact artifact) {
        return fenced(workerId, taskId, attempt, (c, t) -> {
            artifacts.store(c, new NewArtifact(t.projectId(), t.id(), artifact.name(), artifact.artifactType(),
                    artifact.mediaType(), artifact.encoding(), artifact.content(), artifact.sizeBytes()), t.agentType());
            return ReportOutcome.APPLIED;
        });
    }

    /**
     * The agent asks a human: a question request opens (once per ask id), and the task and its
     * agent type wait for the answer. If the question was answered already (asked again after a
     * reconnect), the answer is returned for delivery.
     */
    public AskOutcome ask(String workerId, UUID taskId, int attempt, String askId, String question,
            String optionsJson, String payloadJson, java.time.Duration timeout, HitlAction defaultAction) {
        Object[] result = new Object[1];
        // Waited for: the stream sends the answer if the question was answered already.
        ReportOutcome outcome = commits.submit(fencedUnit(workerId, taskId, attempt, (c, t) -> {
            var opened = hitl.openQuestion(c, t, askId, question, optionsJson, payloadJson,
                    timeout == null ? null : c.now().plus(timeout), defaultAction);
            HitlRequest r = opened.getKey();
            if (opened.getValue() && t.status() == TaskStatus.RUNNING) {
                transitions.apply(c, t, TaskStatus.WAITING_FOR_HITL, "waiting for a human", b -> b);
            }
            result[0] = r.status() == dev.agentgrid.controlplane.hitl.HitlStatus.PENDING ? null
                    : HitlDelivery.of(r);
            return ReportOutcome.APPLIED;
        }));
        countIfStale(outcome, workerId, taskId, attempt);
        return new AskOutcome(outcome, (HitlDelivery) result[0]);
    }

    /** The outcome of a question, and its answer if it had one already. */
    public record AskOutcome(ReportOutcome outcome, HitlDelivery answer) {
    }

    /** The attempt succeeded. */
    public CompletableFuture<ReportOutcome> completed(String workerId, UUID taskId, int attempt, String outputJson) {
        return fenced(workerId, taskId, attempt, (c, t) -> {
            transitions.apply(c, t, TaskStatus.COMPLETED, "completed on " + workerId,
                    b -> b.outputJson(outputJson).error(null, null).progress(1.0, "done", t.progressMessage()));
            return ReportOutcome.APPLIED;
        });
    }

    /**
     * The attempt failed: with attempts left and a retryable error, the task goes back to PENDING
     * as the next attempt after its backoff; otherwise it FAILED.
     */
    public CompletableFuture<ReportOutcome> failed(String workerId, UUID taskId, int attempt, String error,
            boolean retryable) {
        return fenced(workerId, taskId, attempt, (c, t) -> {
            failAttempt(c, t, error, retryable);
            return ReportOutcome.APPLIED;
        });
    }

    /** Ends the current attempt of a locked task as failed, retrying it if the policy allows. */
    public Task failAttempt(Changes c, Task t, String error, boolean retryable) {
        String message = Text.clip(error, 65_536);
        // Questions of the ended attempt can no longer be answered; a retry asks again.
        hitl.cancelPending(c, t.id(), "attempt " + t.attempt() + " ended: " + Text.clip(error, 200));
        if (retryable && t.attempt() < t.maxAttempts()) {
            int next = t.attempt() + 1;
            java.time.Instant notBefore = c.now().plus(t.retryPolicy().delayBefore(next));
            return transitions.apply(c, t, TaskStatus.PENDING, Text.clip("attempt " + t.attempt() + " failed: "
                    + error, 1024), b -> b.attempt(next).notBefore(notBefore).error(message, true));
        }
        String why = retryable ? "failed after " + t.attempt() + " attempts: " + error : "failed: " + error;
        return transitions.apply(c, t, TaskStatus.FAILED, Text.clip(why, 1024), b -> b.error(message, retryable));
    }

    private long lastStoredSequence(UUID taskId, int attempt) {
        return jdbc.prepareStatement("SELECT MAX(last_seq) FROM task_messages WHERE task_id = ? AND attempt = ?", ps -> {
            ps.setObject(1, taskId);
            ps.setInt(2, attempt);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Records that a chunk without text was received, so a re-sent copy is skipped too. */
    private void markSequence(UUID taskId, int attempt, long sequence) {
        jdbc.prepareStatement("UPDATE task_messages SET last_seq = ? WHERE id = (SELECT id FROM task_messages"
                + " WHERE task_id = ? AND attempt = ? ORDER BY created_at DESC, id DESC LIMIT 1)", ps -> {
                    ps.setLong(1, sequence);
                    ps.setObject(2, taskId);
                    ps.setInt(3, attempt);
                    return ps.executeUpdate();
                });
    }

    private void append(Changes c, Task t, int attempt, OutputChunk chunk) {
        // Coalesce onto the attempt's latest row when it is of the same kind and still small.
        Object[] last = jdbc.prepareStatement("SELECT id, kind, LENGTH(content) FROM task_messages"
                + " WHERE task_id = ? AND attempt = ? ORDER BY created_at DESC, id DESC LIMIT 1", ps -> {
                    ps.setObject(1, t.id());
                    ps.setInt(2, attempt);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? new Object[] {rs.getObject(1, UUID.class), rs.getString(2), rs.getLong(3)}
                                : null;
                    }
                });
        if (last != null && chunk.kind().name().equals(last[1])
                && (Long) last[2] + chunk.text().length() <= COALESCE_LIMIT) {
            jdbc.prepareStatement("UPDATE task_messages SET content = content || ?, last_seq = ? WHERE id = ?", ps -> {
                ps.setString(1, chunk.text());
                ps.setLong(2, chunk.sequence());
                ps.setObject(3, last[0]);
                return ps.executeUpdate();
            });
            return;
        }
        jdbc.prepareStatement("INSERT INTO task_messages (id, task_id, attempt, kind, content, metadata_json,"
                + " first_seq, last_seq, delivered, created_at) VALUES (?, ?, ?, ?, ?, '{}', ?, ?, TRUE, ?)", ps -> {
                    ps.setObject(1, Ids.next());
                    ps.setObject(2, t.id());
                    ps.setInt(3, attempt);
                    ps.setString(4, chunk.kind().name());
                    ps.setString(5, chunk.text());
                    ps.setLong(6, chunk.sequence());
                    ps.setLong(7, chunk.sequence());
                    SqlTime.set(ps, 8, c.now());
                    return ps.executeUpdate();
                });
    }

    /**
     * Queues a report for the next batch without waiting for it. A stream's reports still apply in
     * the order it sent them (one thread applies batches in queue order, and a batch applies a
     * task's reports in arrival order), and their outcomes complete in that order too. Waiting for
     * each one allowed a worker one report per commit: 32 workers running short tasks made batches
     * of at most 32 reports, which bounded the plane at about 1,000 tasks a second.
     */
    private CompletableFuture<ReportOutcome> fenced(String workerId, UUID taskId, int attempt,
            java.util.function.BiFunction<Changes, Task, ReportOutcome> apply) {
        return commits.submitAsync(fencedUnit(workerId, taskId, attempt, apply)).thenApply(outcome -> {
            countIfStale(outcome, workerId, taskId, attempt);
            return outcome;
        });
    }

    private void countIfStale(ReportOutcome outcome, String workerId, UUID taskId, int attempt) {
        if (outcome == ReportOutcome.STALE) {
            stats.count(PlaneStats.STALE_REPORTS, 1);
            LOG.info("stale report from {} for task {} attempt {}: fenced", workerId, taskId, attempt);
        }
    }

    /** A report that applies only to the worker's current attempt of the task. */
    private Unit fencedUnit(String workerId, UUID taskId, int attempt,
            java.util.function.BiFunction<Changes, Task, ReportOutcome> apply) {
        return new Unit(taskId, c -> {
            Task t = rows.lock(c, taskId).orElseThrow(() -> new FailedPreconditionException(
                    "task " + taskId + " is not held by worker " + workerId));
            if (attempt < 1 || attempt > t.attempt()) {
                throw new FailedPreconditionException("task " + taskId + " has no attempt " + attempt
                        + " held by worker " + workerId);
            }
            boolean current = attempt == t.attempt() && workerId.equals(t.workerId())
                    && t.status().isOnWorker();
            if (!current) {
                return ReportOutcome.STALE;
            }
            ReportOutcome applied = apply.apply(c, t);
            // A report proves its attempt alive: renew its lease here, where the row is locked
            // anyway (a heartbeat batch skips rows a report holds rather than wait for them).
            rows.renewLease(c, taskId, c.now().plus(settings.lease()));
            return applied;
        });
    }

    /** One output chunk as the worker sent it; {@code endOfMessage} closes an agent message. */
    public record OutputChunk(long sequence, TaskMessageKind kind, String text, boolean endOfMessage) {
    }


    @jakarta.annotation.PreDestroy
    void close() {
        commits.close();
    }
}
