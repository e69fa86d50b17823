package dev.agentgrid.controlplane.task;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code tasks}. Change one with {@link #toBuilder()}. */
@MappedEntity("tasks")
public record Task(
        @Id UUID id,
        UUID projectId,
        String agentType,
        String instructions,
        String inputJson,
        TaskStatus status,
        String statusReason,
        int attempt,
        int maxAttempts,
        long retryInitialMs,
        double retryCoefficient,
        long retryMaxMs,
        long timeoutMs,
        int priority,
        String labelSelectorJson,
        boolean requiresApproval,
        String approvalQuestion,
        int unfinishedDeps,
        @Nullable String workerId,
        @Nullable Instant leaseExpiresAt,
        @Nullable Instant notBefore,
        @Nullable Double progressFraction,
        @Nullable String progressStage,
        @Nullable String progressMessage,
        @Nullable String outputJson,
        @Nullable String errorMessage,
        @Nullable Boolean errorRetryable,
        @Nullable String requestId,
        Instant createdAt,
        Instant updatedAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt) {

    /** The retry policy in force. */
    public RetryPolicy retryPolicy() {
        return new RetryPolicy(Duration.ofMillis(retryInitialMs), retryCoefficient, Duration.ofMillis(retryMaxMs),
                maxAttempts);
    }

    /** A builder holding this task's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes some fields of a task; {@link #build()} makes the new record. */
    public static final class Builder {
        private UUID id;
        private UUID projectId;
        private String agentType;
        private String instructions;
        private String inputJson;
        private TaskStatus status;
        private String statusReason;
        private int attempt;
        private int maxAttempts;
        private long retryInitialMs;
        private double retryCoefficient;
        private long retryMaxMs;
        private long timeoutMs;
        private int priority;
        private String labelSelectorJson;
        private boolean requiresApproval;
        private String approvalQuestion = "";
        private int unfinishedDeps;
        private String workerId;
        private Instant leaseExpiresAt;
        private Instant notBefore;
        private Double progressFraction;
        private String progressStage;
        private String progressMessage;
        private String outputJson;
        private String errorMessage;
        private Boolean errorRetryable;
        private String requestId;
        private Instant createdAt;
        private Instant updatedAt;
        private Instant startedAt;
        private Instant finishedAt;

        /** An empty builder. */
        public Builder() {
        }

        private Builder(Task t) {
            id = t.id;
            projectId = t.projectId;
            agentType = t.agentType;
            instructions = t.instructions;
            inputJson = t.inputJson;
            status = t.status;
            statusReason = t.statusReason;
            attempt = t.attempt;
            maxAttempts = t.maxAttempts;
            retryInitialMs = t.retryInitialMs;
            retryCoefficient = t.retryCoefficient;
            retryMaxMs = t.retryMaxMs;
            timeoutMs = t.timeoutMs;
            priority = t.priority;
            labelSelectorJson = t.labelSelectorJson;
            requiresApproval = t.requiresApproval;
            approvalQuestion = t.approvalQuestion;
            unfinishedDeps = t.unfinishedDeps;
            workerId = t.workerId;
            leaseExpiresAt = t.leaseExpiresAt;
            notBefore = t.notBefore;
            progressFraction = t.progressFraction;
            progressStage = t.progressStage;
            progressMessage = t.progressMessage;
            outputJson = t.outputJson;
            errorMessage = t.errorMessage;
            errorRetryable = t.errorRetryable;
            requestId = t.requestId;
            createdAt = t.createdAt;
            updatedAt = t.updatedAt;
            startedAt = t.startedAt;
            finishedAt = t.finishedAt;
        }

        public Builder id(UUID v) { id = v; return this; }
        public Builder projectId(UUID v) { projectId = v; return this; }
        public Builder agentType(String v) { agentType = v; return this; }
        public Builder instructions(String v) { instructions = v; return this; }
        public Builder inputJson(String v) { inputJson = v; return this; }
        public Builder status(TaskStatus v) { status = v; return this; }
        public Builder statusReason(String v) { statusReason = v; return this; }
        public Builder attempt(int v) { attempt = v; return this; }
        public Builder retryPolicy(RetryPolicy p) {
            retryInitialMs = p.initialInterval().toMillis();
            retryCoefficient = p.backoffCoefficient();
            retryMaxMs = p.maximumInterval().toMillis();
            maxAttempts = p.maximumAttempts();
            return this;
        }
        public Builder timeoutMs(long v) { timeoutMs = v; return this; }
        public Builder priority(int v) { priority = v; return this; }
        public Builder labelSelectorJson(String v) { labelSelectorJson = v; return this; }
        public Builder requiresApproval(boolean v) { requiresApproval = v; return this; }
        public Builder approvalQuestion(String v) { approvalQuestion = v; return this; }
        public Builder unfinishedDeps(int v) { unfinishedDeps = v; return this; }
        public Builder workerId(String v) { workerId = v; return this; }
        public Builder leaseExpiresAt(Instant v) { leaseExpiresAt = v; return this; }
        public Builder notBefore(Instant v) { notBefore = v; return this; }
        public Builder progress(Double fraction, String stage, String message) {
            progressFraction = fraction;
            progressStage = stage;
            progressMessage = message;
            return this;
        }
        public Builder outputJson(String v) { outputJson = v; return this; }
        public Builder error(String message, Boolean retryable) {
            errorMessage = message;
            errorRetryable = retryable;
            return this;
        }
        public Builder requestId(String v) { requestId = v; return this; }
        public Builder createdAt(Instant v) { createdAt = v; return this; }
        public Builder updatedAt(Instant v) { updatedAt = v; return this; }
        public Builder startedAt(Instant v) { startedAt = v; return this; }
        public Builder finishedAt(Instant v) { finishedAt = v; return this; }

        /** The task with these values. */
        public Task build() {
            return new Task(id, projectId, agentType, instructions, inputJson, status, statusReason, attempt,
                    maxAttempts, retryInitialMs, retryCoefficient, retryMaxMs, timeoutMs, priority,
                    labelSelectorJson, requiresApproval, approvalQuestion, unfinishedDeps, workerId, leaseExpiresAt, notBefore,
                    progressFraction, progressStage, progressMessage, outputJson, errorMessage, errorRetryable,
                    requestId, createdAt, updatedAt, startedAt, finishedAt);
        }
    }
}
