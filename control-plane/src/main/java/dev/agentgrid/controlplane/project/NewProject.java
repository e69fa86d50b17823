package dev.agentgrid.controlplane.project;

import dev.agentgrid.controlplane.task.NewTask;
import java.util.List;
import java.util.Map;

/** A validated request to create a project. */
public record NewProject(String name, String description, String productIdea, String templateId,
        Map<String, String> variables, List<NewTask> tasks, String requestId) {
}
