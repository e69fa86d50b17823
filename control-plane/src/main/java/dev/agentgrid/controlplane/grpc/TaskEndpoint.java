package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.common.PageToken;
import dev.agentgrid.controlplane.common.Violations;
import dev.agentgrid.controlplane.stats.PlaneStats;
import dev.agentgrid.controlplane.store.Listing;
import dev.agentgrid.controlplane.task.NewTask;
import dev.agentgrid.controlplane.task.Task;
import dev.agentgrid.controlplane.task.TaskMessages;
import dev.agentgrid.controlplane.task.TaskService;
import dev.agentgrid.controlplane.task.TaskStatus;
import dev.agentgrid.proto.v1.CancelTaskRequest;
import dev.agentgrid.proto.v1.CancelTaskResponse;
import dev.agentgrid.proto.v1.CreateTaskRequest;
import dev.agentgrid.proto.v1.CreateTaskResponse;
import dev.agentgrid.proto.v1.CreateTasksRequest;
import dev.agentgrid.proto.v1.CreateTasksResponse;
import dev.agentgrid.proto.v1.GetTaskRequest;
import dev.agentgrid.proto.v1.GetTaskResponse;
import dev.agentgrid.proto.v1.ListTaskMessagesRequest;
import dev.agentgrid.proto.v1.ListTaskMessagesResponse;
import dev.agentgrid.proto.v1.ListTasksRequest;
import dev.agentgrid.proto.v1.ListTasksResponse;
import dev.agentgrid.proto.v1.RetryTaskRequest;
import dev.agentgrid.proto.v1.RetryTaskResponse;
import dev.agentgrid.proto.v1.TaskMessageKind;
import dev.agentgrid.proto.v1.TaskServiceGrpc;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** TaskService over gRPC: validates, maps, delegates to {@link TaskService}. */
@Singleton
public class TaskEndpoint extends TaskServiceGrpc.TaskServiceImplBase {
    private final TaskService tasks;
    private final TaskMessages messages;
    private final PlaneStats stats;

    public TaskEndpoint(TaskService tasks, TaskMessages messages, PlaneStats stats) {
        this.stats = stats;
        this.tasks = tasks;
        this.messages = messages;
    }

    @Override
    public void createTask(CreateTaskRequest req, StreamObserver<CreateTaskResponse> out) {
        long start = System.nanoTime();
        Violations v = new Violations();
        UUID projectId = v.requireUuid(req.getProjectId(), "project_id");
        NewTask spec = null;
        if (!req.hasTask()) {
            v.add("task", "required");
        } else {
            spec = TaskProtos.parseSpec(req.getTask(), "task", v, false);
        }
        String requestId = ProjectEndpoint.requestId(req.getRequestId(), v);
        v.throwIfAny();
        Task created = tasks.create(projectId, spec, requestId);
        // Without dependencies in the request there are none to read back (a repeated request
        // returns the first task, which was created from the same spec).
        CreateTaskResponse reply = CreateTaskResponse.newBuilder().setTask(spec.dependsOn().isEmpty()
                ? TaskProtos.toProto(created, List.of()) : proto(created)).build();
        // Recorded before replying, so a caller that reads the stats after the reply sees this call.
        stats.latency(PlaneStats.CREATE_TASKS).recordSince(start);
        Replies.reply(out, reply);
    }

    @Override
    public void createTasks(CreateTasksRequest req, StreamObserver<CreateTasksResponse> out) {
        long start = System.nanoTime();
        Violations v = new Violations();
        UUID projectId = v.requireUuid(req.getProjectId(), "project_id");
        v.check(req.getTasksCount() >= 1 && req.getTasksCount() <= Limits.TASKS_PER_BATCH, "tasks",
                req.getTasksCount() + " entries (expected: 1 to " + Limits.TASKS_PER_BATCH + ")");
        List<NewTask> specs = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        if (req.getTasksCount() <= Limits.TASKS_PER_BATCH) {
            for (int i = 0; i < req.getTasksCount(); i++) {
                fields.add("tasks[" + i + "]");
                specs.add(TaskProtos.parseSpec(req.getTasks(i), fields.get(i), v, true));
            }
        }
        String requestId = null;
        if (!req.getRequestId().isEmpty()) {
            v.requireLength(req.getRequestId(), "request_id", 1, Limits.BATCH_REQUEST_ID);
            requestId = req.getRequestId();
        }
        v.throwIfAny();
        List<Task> created = tasks.createBatch(projectId, specs, fields, requestId);
        Map<UUID, List<UUID>> deps = tasks.dependenciesOf(created.stream().map(Task::id).toList());
        CreateTasksResponse.Builder b = CreateTasksResponse.newBuilder();
        for (Task t : created) {
            dev.agentgrid.proto.v1.Task p = TaskProtos.toProto(t, deps.getOrDefault(t.id(), List.of()));
            b.addTasks(req.getOmitSpecs() ? p.toBuilder().clearInstructions().clearInput().build() : p);
        }
        stats.latency(PlaneStats.CREATE_TASKS).recordSince(start);
        Replies.reply(out, b.build());
    }

    @Override
    public void getTask(GetTaskRequest req, StreamObserver<GetTaskResponse> out) {
        Replies.reply(out, GetTaskResponse.newBuilder().setTask(proto(tasks.get(Violations.requiredUuid(req.getTaskId(), "task_id")))).build());
    }

    @Override
    public void listTasks(ListTasksRequest req, StreamObserver<ListTasksResponse> out) {
        Violations v = new Violations();
        UUID projectId = v.optionalUuid(req.getProjectId(), "project_id").orElse(null);
        List<TaskStatus> statuses = ProtoEnums.toDomain(req.getStatusesList(), TaskStatus.class, "statuses", v);
        String agentType = req.getAgentType().isEmpty() ? null : req.getAgentType();
        if (agentType != null) {
            v.requireName(agentType, "agent_type");
        }
        v.throwIfAny();
        int size = PageToken.pageSize(req.getPageSize(), 50, "page_size");
        PageToken token = PageToken.decode(req.getPageToken(), "page_token");
        Listing.Page<Task> page = tasks.list(projectId, statuses, agentType, size, token);
        Map<UUID, List<UUID>> deps = tasks.dependenciesOf(page.items().stream().map(Task::id).toList());
        ListTasksResponse.Builder b = ListTasksResponse.newBuilder();
        page.items().forEach(t -> b.addTasks(TaskProtos.toProto(t, deps.getOrDefault(t.id(), List.of()))));
        if (page.next() != null) {
            b.setNextPageToken(page.next().encode());
        }
        Replies.reply(out, b.build());
    }

    @Override
    public void cancelTask(CancelTaskRequest req, StreamObserver<CancelTaskResponse> out) {
        Violations v = new Violations();
        UUID id = v.requireUuid(req.getTaskId(), "task_id");
        v.maxLength(req.getReason(), "reason", Limits.REASON);
        v.throwIfAny();
        Replies.reply(out, CancelTaskResponse.newBuilder().setTask(proto(tasks.cancel(id, req.getReason()))).build());
    }

    @Override
    public void retryTask(RetryTaskRequest req, StreamObserver<RetryTaskResponse> out) {
        Replies.reply(out, RetryTaskResponse.newBuilder().setTask(proto(tasks.retry(Violations.requiredUuid(req.getTaskId(), "task_id")))).build());
    }

    @Override
    public void listTaskMessages(ListTaskMessagesRequest req, StreamObserver<ListTaskMessagesResponse> out) {
        UUID id = Violations.requiredUuid(req.getTaskId(), "task_id");
        int size = PageToken.pageSize(req.getPageSize(), 100, "page_size");
        PageToken token = PageToken.decode(req.getPageToken(), "page_token");
        var page = messages.list(id, size, token);
        ListTaskMessagesResponse.Builder b = ListTaskMessagesResponse.newBuilder();
        page.items().forEach(m -> b.addMessages(message(m)));
        if (page.next() != null) {
            b.setNextPageToken(page.next().encode());
        }
        Replies.reply(out, b.build());
    }

    @Override
    public void sendTaskMessage(dev.agentgrid.proto.v1.SendTaskMessageRequest req,
            StreamObserver<dev.agentgrid.proto.v1.SendTaskMessageResponse> out) {
        Violations v = new Violations();
        UUID id = v.requireUuid(req.getTaskId(), "task_id");
        v.requireLength(req.getContent(), "content", 1, Limits.LONG_TEXT);
        String metadata = TaskProtos.json(req.getMetadata(), "metadata", Limits.METADATA_BYTES, v);
        v.throwIfAny();
        var m = messages.send(id, req.getContent(), metadata);
        Replies.reply(out, dev.agentgrid.proto.v1.SendTaskMessageResponse.newBuilder().setMessage(message(m)).build());
    }

    private static dev.agentgrid.proto.v1.TaskMessage message(dev.agentgrid.controlplane.task.TaskMessage m) {
        return dev.agentgrid.proto.v1.TaskMessage.newBuilder()
                .setId(m.id().toString())
                .setTaskId(m.taskId().toString())
                .setAttempt(m.attempt())
                .setKind(ProtoEnums.toProto(m.kind(), TaskMessageKind.class))
                .setContent(m.content())
                .setMetadata(Json.parseStruct(m.metadataJson()))
                .setCreateTime(ProtoTime.timestamp(m.createdAt()))
                .build();
    }

    private dev.agentgrid.proto.v1.Task proto(Task t) {
        return TaskProtos.toProto(t, tasks.dependenciesOf(List.of(t.id())).getOrDefault(t.id(), List.of()));
    }

}
