package dev.agentgrid.controlplane.task;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A validated request to create a task.
 *
 * @param key name of the spec inside one project creation, or empty
 * @param inputJson JSON object text
 * @param dependsOn task ids of the same project, or keys of sibling specs
 */
public record NewTask(String key, String agentType, String instructions, String inputJson, int priority,
        Map<String, String> labelSelector, RetryPolicy retryPolicy, Duration timeout, List<String> dependsOn,
        boolean requiresApproval, String approvalQuestion) {

    /** Default time limit of one attempt. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);
}
