package dev.agentgrid.controlplane.task;

import dev.agentgrid.controlplane.common.NotFoundException;
import dev.agentgrid.controlplane.common.PageToken;
import dev.agentgrid.controlplane.store.Listing;
import dev.agentgrid.controlplane.store.Store;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.util.UUID;

/** A task's stored output and chat: reads them, and sends users' messages to the agent. */
@Singleton
public class TaskMessages {
    private final Store store;
    private final JdbcOperations jdbc;
    private final TaskRepository tasks;
    private final TaskMessageRepository messages;
    private final WorkerCommands workers;

    public TaskMessages(Store store, JdbcOperations jdbc, TaskRepository tasks, TaskMessageRepository messages,
            WorkerCommands workers) {
        this.messages = messages;
        this.workers = workers;
        this.store = store;
        this.jdbc = jdbc;
        this.tasks = tasks;
    }

    /**
     * Stores a user's chat message to a running (or waiting) task and sends it to the agent once
     * committed; if its worker is away it is sent when the worker reconnects with the attempt.
     */
    public TaskMessage send(UUID taskId, String content, String metadataJson) {
        return store.write(c -> {
            Task t = tasks.findByIdForUpdate(taskId)
                    .orElseThrow(() -> new NotFoundException("task " + taskId + " not found"));
            if (t.status() != TaskStatus.RUNNING && t.status() != TaskStatus.WAITING_FOR_HITL) {
                throw new dev.agentgrid.controlplane.common.FailedPreconditionException("task " + taskId + " is "
                        + t.status() + "; messages go to a RUNNING or WAITING_FOR_HITL task");
            }
            TaskMessage m = messages.save(new TaskMessage(dev.agentgrid.controlplane.common.Ids.next(), taskId,
                    t.attempt(), TaskMessageKind.USER, content, metadataJson, 0, 0, false, c.now()));
            String worker = t.workerId();
            c.emitLive(dev.agentgrid.controlplane.event.EventTypes.NEW_MESSAGE, t.projectId(),
                    taskId, worker, t.agentType(), dev.agentgrid.controlplane.common.Json.object("task_id",
                            taskId.toString(), "agent_type", t.agentType(), "stream", TaskMessageKind.USER,
                            "message", content, "message_id", m.id().toString(), "timestamp", c.now()));
            c.afterCommit(() -> workers.message(worker, UserMessageDelivery.of(m)));
            return m;
        });
    }

    /** A user's messages to an attempt that have not reached its agent, oldest first. */
    public java.util.List<TaskMessage> undelivered(UUID taskId, int attempt) {
        return store.read(() -> messages.findUndelivered(taskId, attempt));
    }

    /** Records that a user's message reached the worker. */
    public void markDelivered(UUID messageId) {
        store.write(c -> {
            messages.markDelivered(messageId);
            return null;
        });
    }

    /** A page of a task's messages, oldest first. */
    public Listing.Page<TaskMessage> list(UUID taskId, int pageSize, PageToken token) {
        return store.read(() -> {
            tasks.findById(taskId).orElseThrow(() -> new NotFoundException("task " + taskId + " not found"));
            return new Listing<>(jdbc, "task_messages", TaskMessage.class, m -> Listing.cursor(m.createdAt(), m.id()),
                    UUID::fromString)
                    .whereEquals("task_id", taskId)
                    .page(pageSize, token, false);
        });
    }
}
