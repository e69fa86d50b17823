package dev.agentgrid.controlplane.worker;

import java.util.UUID;

/** An attempt of a task, as a worker reports it. */
public record RunningAttempt(UUID taskId, int attempt) {
}
