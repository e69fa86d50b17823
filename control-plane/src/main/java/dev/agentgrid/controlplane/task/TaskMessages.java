package dev.agentgrid.controlplane.task;

import dev.agentgrid.controlplane.common.NotFoundException;
import dev.agentgrid.controlplane.common.PageToken;
import dev.agentgrid.controlplane.store.Listing;
import dev.agentgrid.controlplane.store.Store;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.util.UUID;

/** Reads a task's stored output and chat. */
@Singleton
public class TaskMessages {
    private final Store store;
    private final JdbcOperations jdbc;
    private final TaskRepository tasks;

    public TaskMessages(Store store, JdbcOperations jdbc, TaskRepository tasks) {
        this.store = store;
        this.jdbc = jdbc;
        this.tasks = tasks;
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
