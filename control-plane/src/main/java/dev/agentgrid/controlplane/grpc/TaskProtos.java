package dev.agentgrid.controlplane.grpc;

import com.google.protobuf.Struct;
import com.google.protobuf.util.Durations;
import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.common.Violations;
import dev.agentgrid.controlplane.task.NewTask;
import dev.agentgrid.controlplane.task.RetryPolicy;
import dev.agentgrid.controlplane.task.TaskStatus;
import dev.agentgrid.proto.v1.Progress;
import dev.agentgrid.proto.v1.Task;
import dev.agentgrid.proto.v1.TaskError;
import dev.agentgrid.proto.v1.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/** Maps tasks between the contract and the domain, validating what comes in. */
final class TaskProtos {
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_./-]{0,62}");

    private TaskProtos() {
    }

    static dev.agentgrid.proto.v1.TaskStatus status(TaskStatus s) {
        return ProtoEnums.toProto(s, dev.agentgrid.proto.v1.TaskStatus.class);
    }

    static Task toProto(dev.agentgrid.controlplane.task.Task t, List<UUID> dependsOn) {
        Task.Builder b = Task.newBuilder()
                .setId(t.id().toString())
                .setProjectId(t.projectId().toString())
                .setAgentType(t.agentType())
                .setInstructions(t.instructions())
                .setInput(Json.parseStruct(t.inputJson()))
                .setStatus(status(t.status()))
                .setAttempt(t.attempt())
                .setRetryPolicy(dev.agentgrid.proto.v1.RetryPolicy.newBuilder()
                        .setInitialInterval(ProtoTime.millis(t.retryInitialMs()))
                        .setBackoffCoefficient(t.retryCoefficient())
                        .setMaximumInterval(ProtoTime.millis(t.retryMaxMs()))
                        .setMaximumAttempts(t.maxAttempts()))
                .setTimeout(ProtoTime.millis(t.timeoutMs()))
                .setPriority(t.priority())
                .putAllLabelSelector(Json.parseStringMap(t.labelSelectorJson()))
                .setRequiresApproval(t.requiresApproval())
                .setApprovalQuestion(t.approvalQuestion())
                .setStatusReason(t.statusReason())
                .setCreateTime(ProtoTime.timestamp(t.createdAt()))
                .setUpdateTime(ProtoTime.timestamp(t.updatedAt()));
        dependsOn.forEach(id -> b.addDependsOn(id.toString()));
        if (t.workerId() != null) {
            b.setWorkerId(t.workerId());
        }
        if (t.progressFraction() != null) {
            b.setProgress(Progress.newBuilder().setFraction(t.progressFraction())
                    .setStage(nullToEmpty(t.progressStage())).setMessage(nullToEmpty(t.progressMessage())));
        }
        if (t.outputJson() != null) {
            b.setOutput(Json.parseValue(t.outputJson()));
        }
        if (t.errorMessage() != null) {
            b.setError(TaskError.newBuilder().setMessage(t.errorMessage())
                    .setRetryable(Boolean.TRUE.equals(t.errorRetryable())));
        }
        if (t.startedAt() != null) {
            b.setStartTime(ProtoTime.timestamp(t.startedAt()));
        }
        if (t.finishedAt() != null) {
            b.setFinishTime(ProtoTime.timestamp(t.finishedAt()));
        }
        if (t.notBefore() != null) {
            b.setNotBefore(ProtoTime.timestamp(t.notBefore()));
        }
        if (t.leaseExpiresAt() != null) {
            b.setLeaseExpireTime(ProtoTime.timestamp(t.leaseExpiresAt()));
        }
        return b.build();
    }

    /** Validates a spec; violations are recorded under {@code field}. */
    static NewTask parseSpec(TaskSpec s, String field, Violations v, boolean keyAllowed) {
        String f = field + ".";
        if (keyAllowed && !s.getKey().isEmpty()) {
            v.requireName(s.getKey(), f + "key");
        }
        v.requireName(s.getAgentType(), f + "agent_type");
        v.requireLength(s.getInstructions(), f + "instructions", 1, Limits.LONG_TEXT);
        if (!s.getInstructions().isEmpty() && s.getInstructions().isBlank()) {
            v.add(f + "instructions", "must not be blank");
        }
        String input = json(s.getInput(), f + "input", Limits.JSON_BYTES, v);
        v.range(s.getPriority(), f + "priority", -Limits.PRIORITY, Limits.PRIORITY);
        labels(s.getLabelSelectorMap(), f + "label_selector", v);
        RetryPolicy retry = retryPolicy(s, f + "retry_policy", v);
        Duration timeout = NewTask.DEFAULT_TIMEOUT;
        if (s.hasTimeout()) {
            timeout = duration(s.getTimeout(), f + "timeout", NewTask.DEFAULT_TIMEOUT, v);
            v.check(timeout.compareTo(Limits.MIN_TIMEOUT) >= 0 && timeout.compareTo(Limits.MAX_TIMEOUT) <= 0,
                    f + "timeout", timeout + " (expected: 1s to 7 days)");
        }
        v.check(s.getDependsOnCount() <= Limits.DEPENDENCIES, f + "depends_on",
                s.getDependsOnCount() + " entries (expected: at most " + Limits.DEPENDENCIES + ")");
        for (int i = 0; i < s.getDependsOnCount(); i++) {
            v.check(!s.getDependsOn(i).isEmpty(), f + "depends_on[" + i + "]", "must not be empty");
        }
        v.maxLength(s.getApprovalQuestion(), f + "approval_question", Limits.DESCRIPTION);
        return new NewTask(keyAllowed ? s.getKey() : "", s.getAgentType(), s.getInstructions(), input,
                s.getPriority(), Map.copyOf(s.getLabelSelectorMap()), retry, timeout,
                List.copyOf(s.getDependsOnList().stream().distinct().toList()), s.getRequiresApproval(),
                s.getApprovalQuestion());
    }

    private static RetryPolicy retryPolicy(TaskSpec s, String f, Violations v) {
        RetryPolicy d = RetryPolicy.DEFAULT;
        if (!s.hasRetryPolicy()) {
            return d;
        }
        dev.agentgrid.proto.v1.RetryPolicy p = s.getRetryPolicy();
        Duration initial = p.hasInitialInterval()
                ? duration(p.getInitialInterval(), f + ".initial_interval", d.initialInterval(), v)
                : d.initialInterval();
        double coefficient = p.getBackoffCoefficient() == 0 ? d.backoffCoefficient() : p.getBackoffCoefficient();
        Duration max = p.hasMaximumInterval()
                ? duration(p.getMaximumInterval(), f + ".maximum_interval", d.maximumInterval(), v)
                : d.maximumInterval();
        int attempts = p.getMaximumAttempts() == 0 ? d.maximumAttempts() : p.getMaximumAttempts();
        v.check(!initial.isNegative() && initial.compareTo(Duration.ofHours(1)) <= 0, f + ".initial_interval",
                initial + " (expected: 0s to 1h)");
        v.check(coefficient >= 1.0 && coefficient <= 10.0, f + ".backoff_coefficient",
                coefficient + " (expected: 1.0 to 10.0)");
        if (max.compareTo(initial) < 0) {
            max = p.hasMaximumInterval() ? max : initial;
        }
        v.check(max.compareTo(initial) >= 0 && max.compareTo(Duration.ofHours(24)) <= 0, f + ".maximum_interval",
                max + " (expected: initial_interval to 24h)");
        v.range(attempts, f + ".maximum_attempts", 1, Limits.MAX_ATTEMPTS);
        return new RetryPolicy(initial, coefficient, max, attempts);
    }

    /**
     * A contract duration as java.time. One outside the range protobuf defines for Duration (about
     * ±10,000 years, nanos agreeing in sign) would overflow java.time, so it is a violation and
     * {@code fallback} stands in for it in the checks that follow.
     */
    private static Duration duration(com.google.protobuf.Duration d, String field, Duration fallback, Violations v) {
        if (!Durations.isValid(d)) {
            v.add(field, "not a valid google.protobuf.Duration (seconds " + d.getSeconds() + ", nanos " + d.getNanos()
                    + ")");
            return fallback;
        }
        return ProtoTime.duration(d);
    }

    /** Validates labels or a label selector. */
    static void labels(Map<String, String> labels, String field, Violations v) {
        if (labels.size() > Limits.LABELS) {
            v.add(field, labels.size() + " entries (expected: at most " + Limits.LABELS + ")");
            return;
        }
        labels.forEach((k, val) -> {
            v.check(LABEL_KEY.matcher(k).matches(), field + "[" + Violations.abbreviate(k) + "]",
                    "key is not valid (expected: 1 to 63 characters of [A-Za-z0-9_./-], starting with a letter or digit)");
            v.check(val.length() <= Limits.LABEL_VALUE, field + "[" + Violations.abbreviate(k) + "]",
                    "value has " + val.length() + " characters (expected: at most " + Limits.LABEL_VALUE + ")");
        });
    }

    /** Prints a Struct as JSON, checking its size. */
    static String json(Struct struct, String field, int maxBytes, Violations v) {
        String json;
        try {
            json = Json.print(struct);
        } catch (RuntimeException e) {
            // e.g. a NaN or infinite number, which JSON cannot carry
            v.add(field, "is not representable as JSON (" + e.getMessage() + ")");
            return "{}";
        }
        int bytes = json.getBytes(StandardCharsets.UTF_8).length;
        v.check(bytes <= maxBytes, field, bytes + " bytes of JSON (expected: at most " + maxBytes + ")");
        return json;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
