package dev.agentgrid.bridge.rest;

import dev.agentgrid.bridge.plane.ProtoJson;
import dev.agentgrid.proto.v1.Task;
import dev.agentgrid.proto.v1.TaskMessage;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/** Tasks and their messages as the REST face shows them (snake_case, lower-case statuses). */
final class TaskViews {
    private TaskViews() {
    }

    /** A task. Timestamps are ISO-8601, null when not reached yet. */
    @Serdeable
    record TaskView(String id, String projectId, String agentType, String instructions, String status, int attempt,
            int maxAttempts, int priority, @Nullable String workerId, ProgressView progress, JsonNode input,
            @Nullable JsonNode output, @Nullable ErrorView error, String statusReason, List<String> dependsOn,
            boolean requiresApproval, String approvalQuestion, Map<String, String> labelSelector,
            long timeoutSeconds, @Nullable String createdAt, @Nullable String updatedAt, @Nullable String startedAt,
            @Nullable String finishedAt, @Nullable String notBefore) {
    }

    /** Latest progress: fraction in [0, 1] and the same as a whole percentage. */
    @Serdeable
    record ProgressView(double fraction, long percent, String stage, String message) {
    }

    /** Why the last attempt failed. */
    @Serdeable
    record ErrorView(String message, boolean retryable) {
    }

    /** A page of tasks. */
    @Serdeable
    record TaskPage(List<TaskView> tasks, @Nullable String nextPageToken) {
    }

    /** One stored message of a task's output or chat. */
    @Serdeable
    record MessageView(String id, String taskId, int attempt, String kind, String content, JsonNode metadata,
            @Nullable String createdAt) {
    }

    /** A page of messages. */
    @Serdeable
    record MessagePage(String taskId, List<MessageView> messages, @Nullable String nextPageToken) {
    }

    static TaskView of(Task t) {
        return new TaskView(t.getId(), t.getProjectId(), t.getAgentType(), t.getInstructions(),
                EnumNames.name(t.getStatus(), "TASK_STATUS_"), t.getAttempt(), t.getRetryPolicy().getMaximumAttempts(),
                t.getPriority(), blankToNull(t.getWorkerId()),
                new ProgressView(t.getProgress().getFraction(), Math.round(t.getProgress().getFraction() * 100),
                        t.getProgress().getStage(), t.getProgress().getMessage()),
                ProtoJson.tree(t.getInput()), t.hasOutput() ? ProtoJson.tree(t.getOutput()) : null,
                t.hasError() ? new ErrorView(t.getError().getMessage(), t.getError().getRetryable()) : null,
                t.getStatusReason(), t.getDependsOnList(), t.getRequiresApproval(), t.getApprovalQuestion(),
                t.getLabelSelectorMap(), t.getTimeout().getSeconds(),
                ProtoJson.time(t.hasCreateTime(), t.getCreateTime()), ProtoJson.time(t.hasUpdateTime(), t.getUpdateTime()),
                ProtoJson.time(t.hasStartTime(), t.getStartTime()), ProtoJson.time(t.hasFinishTime(), t.getFinishTime()),
                ProtoJson.time(t.hasNotBefore(), t.getNotBefore()));
    }

    static List<TaskView> of(List<Task> tasks) {
        return tasks.stream().map(TaskViews::of).toList();
    }

    static MessageView of(TaskMessage m) {
        return new MessageView(m.getId(), m.getTaskId(), m.getAttempt(), EnumNames.name(m.getKind(), "TASK_MESSAGE_KIND_"),
                m.getContent(), ProtoJson.tree(m.getMetadata()), ProtoJson.time(m.hasCreateTime(), m.getCreateTime()));
    }

    @Nullable
    static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
