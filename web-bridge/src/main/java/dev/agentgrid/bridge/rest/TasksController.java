package dev.agentgrid.bridge.rest;

import com.google.protobuf.Duration;
import dev.agentgrid.bridge.plane.Calls;
import dev.agentgrid.bridge.plane.PlaneChannel;
import dev.agentgrid.bridge.plane.ProtoJson;
import dev.agentgrid.proto.v1.CancelTaskRequest;
import dev.agentgrid.proto.v1.CreateTaskRequest;
import dev.agentgrid.proto.v1.GetTaskRequest;
import dev.agentgrid.proto.v1.ListTaskMessagesRequest;
import dev.agentgrid.proto.v1.ListTasksRequest;
import dev.agentgrid.proto.v1.RetryPolicy;
import dev.agentgrid.proto.v1.RetryTaskRequest;
import dev.agentgrid.proto.v1.SendTaskMessageRequest;
import dev.agentgrid.proto.v1.TaskSpec;
import dev.agentgrid.proto.v1.TaskStatus;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.tree.JsonNode;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code /api/v1/tasks}: create, list, read, cancel, retry, and a task's messages (chat). */
@Controller("/api/v1/tasks")
public class TasksController {
    private final PlaneChannel plane;

    public TasksController(PlaneChannel plane) {
        this.plane = plane;
    }

    /**
     * Adds a task to an active project: {@code project_id}, {@code agent_type},
     * {@code instructions}; optionally {@code input}, {@code priority}, {@code label_selector},
     * {@code depends_on}, {@code requires_approval}, {@code approval_question},
     * {@code timeout_seconds}, {@code max_attempts}, {@code request_id} (idempotency key).
     */
    @Post
    public CompletableFuture<HttpResponse<TaskViews.TaskView>> create(@Body @Nullable JsonNode body) {
        JsonFields f = new JsonFields(body);
        String projectId = f.requiredText("project_id");
        String agentType = f.requiredText("agent_type");
        String instructions = f.requiredText("instructions");
        JsonNode input = f.optionalObject("input");
        Long priority = f.optionalLong("priority");
        Map<String, String> labels = f.optionalTextMap("label_selector");
        List<String> dependsOn = f.optionalTextList("depends_on");
        Boolean approval = f.optionalBoolean("requires_approval");
        String question = f.optionalText("approval_question");
        Long timeout = f.optionalLong("timeout_seconds");
        Long attempts = f.optionalLong("max_attempts");
        String requestId = f.optionalText("request_id");
        f.throwIfAny("invalid task");
        TaskSpec.Builder spec = TaskSpec.newBuilder().setAgentType(agentType).setInstructions(instructions)
                .putAllLabelSelector(labels).addAllDependsOn(dependsOn);
        if (input != null) {
            spec.setInput(ProtoJson.struct(input));
        }
        if (priority != null) {
            spec.setPriority((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, priority)));
        }
        if (approval != null) {
            spec.setRequiresApproval(approval);
        }
        if (question != null) {
            spec.setApprovalQuestion(question);
        }
        if (timeout != null) {
            spec.setTimeout(Duration.newBuilder().setSeconds(timeout));
        }
        if (attempts != null) {
            spec.setRetryPolicy(RetryPolicy.newBuilder()
                    .setMaximumAttempts((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, attempts))));
        }
        CreateTaskRequest.Builder b = CreateTaskRequest.newBuilder().setProjectId(projectId).setTask(spec);
        if (requestId != null) {
            b.setRequestId(requestId);
        }
        return Calls.of(plane.tasks().createTask(b.build())).thenApply(r -> HttpResponse.created(
                TaskViews.of(r.getTask()), URI.create("/api/v1/tasks/" + r.getTask().getId())));
    }

    /** Tasks, oldest first; filters {@code project_id}, {@code status} (comma-separated or repeated), {@code agent_type}. */
    @Get
    public CompletableFuture<TaskViews.TaskPage> list(@QueryValue("project_id") @Nullable String projectId,
            @QueryValue("status") @Nullable List<String> status, @QueryValue("agent_type") @Nullable String agentType,
            @QueryValue("page_size") @Nullable String pageSize, @QueryValue("page_token") @Nullable String pageToken) {
        Params p = new Params();
        ListTasksRequest.Builder b = ListTasksRequest.newBuilder().setPageSize(p.pageSize(pageSize));
        for (String s : Params.list(status)) {
            try {
                b.addStatuses(EnumNames.parse(TaskStatus.class, "TASK_STATUS_", s));
            } catch (IllegalArgumentException e) {
                p.violation("status", e.getMessage());
            }
        }
        p.throwIfAny();
        if (projectId != null) {
            b.setProjectId(projectId);
        }
        if (agentType != null) {
            b.setAgentType(agentType);
        }
        if (pageToken != null) {
            b.setPageToken(pageToken);
        }
        return Calls.of(plane.tasks().listTasks(b.build())).thenApply(r -> new TaskViews.TaskPage(
                TaskViews.of(r.getTasksList()), TaskViews.blankToNull(r.getNextPageToken())));
    }

    /** One task. */
    @Get("/{task_id}")
    public CompletableFuture<TaskViews.TaskView> get(@PathVariable("task_id") String taskId) {
        return Calls.of(plane.tasks().getTask(GetTaskRequest.newBuilder().setTaskId(taskId).build()))
                .thenApply(r -> TaskViews.of(r.getTask()));
    }

    /** Cancels an unfinished task (same as POST /tasks/{id}/cancel). */
    @Delete("/{task_id}")
    public CompletableFuture<TaskViews.TaskView> delete(@PathVariable("task_id") String taskId) {
        return cancel(taskId, null);
    }

    /** Cancels an unfinished task; {@code reason} optional. */
    @Post("/{task_id}/cancel")
    public CompletableFuture<TaskViews.TaskView> cancel(@PathVariable("task_id") String taskId,
            @Body @Nullable JsonNode body) {
        String reason = null;
        if (body != null) {
            JsonFields f = new JsonFields(body);
            reason = f.optionalText("reason");
            f.throwIfAny("invalid cancel request");
        }
        CancelTaskRequest.Builder b = CancelTaskRequest.newBuilder().setTaskId(taskId);
        if (reason != null) {
            b.setReason(reason);
        }
        return Calls.of(plane.tasks().cancelTask(b.build())).thenApply(r -> TaskViews.of(r.getTask()));
    }

    /** Puts a failed or cancelled task back to pending as its next attempt. */
    @Post("/{task_id}/retry")
    public CompletableFuture<TaskViews.TaskView> retry(@PathVariable("task_id") String taskId) {
        return Calls.of(plane.tasks().retryTask(RetryTaskRequest.newBuilder().setTaskId(taskId).build()))
                .thenApply(r -> TaskViews.of(r.getTask()));
    }

    /** The task's stored output and chat, oldest first, paginated. */
    @Get("/{task_id}/messages")
    public CompletableFuture<TaskViews.MessagePage> messages(@PathVariable("task_id") String taskId,
            @QueryValue("page_size") @Nullable String pageSize, @QueryValue("page_token") @Nullable String pageToken) {
        Params p = new Params();
        ListTaskMessagesRequest.Builder b = ListTaskMessagesRequest.newBuilder().setTaskId(taskId)
                .setPageSize(p.pageSize(pageSize));
        p.throwIfAny();
        if (pageToken != null) {
            b.setPageToken(pageToken);
        }
        return Calls.of(plane.tasks().listTaskMessages(b.build())).thenApply(r -> new TaskViews.MessagePage(taskId,
                r.getMessagesList().stream().map(TaskViews::of).toList(), TaskViews.blankToNull(r.getNextPageToken())));
    }

    /** Sends a chat message ({@code content}, optional {@code metadata}) to a running task's agent. */
    @Post("/{task_id}/messages")
    public CompletableFuture<HttpResponse<TaskViews.MessageView>> send(@PathVariable("task_id") String taskId,
            @Body @Nullable JsonNode body) {
        JsonFields f = new JsonFields(body);
        String content = f.requiredText("content");
        JsonNode metadata = f.optionalObject("metadata");
        f.throwIfAny("invalid message");
        SendTaskMessageRequest.Builder b = SendTaskMessageRequest.newBuilder().setTaskId(taskId).setContent(content);
        if (metadata != null) {
            b.setMetadata(ProtoJson.struct(metadata));
        }
        return Calls.of(plane.tasks().sendTaskMessage(b.build())).thenApply(r -> HttpResponse.created(
                TaskViews.of(r.getMessage())));
    }
}
