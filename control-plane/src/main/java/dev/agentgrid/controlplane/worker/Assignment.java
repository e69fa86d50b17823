package dev.agentgrid.controlplane.worker;

import dev.agentgrid.controlplane.task.Task;
import java.time.Instant;
import java.util.List;

/** An attempt placed on a worker, with everything the worker needs to run it. */
public record Assignment(Task task, List<Handoff> context, Instant deadline) {
}
