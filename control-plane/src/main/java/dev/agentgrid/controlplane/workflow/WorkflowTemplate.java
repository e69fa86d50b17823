package dev.agentgrid.controlplane.workflow;

import java.util.List;

/**
 * A named pipeline of tasks, loaded from YAML.
 *
 * @param content the YAML source
 */
public record WorkflowTemplate(String id, String name, String description, String version, String content,
        List<Variable> variables, List<Step> steps) {

    /** A value the template needs; {@code {{name}}} in instructions and questions. */
    public record Variable(String name, String description, boolean required, String defaultValue) {
    }

    /** One task of the pipeline. */
    public record Step(String key, String agentType, String instructions, List<String> dependsOn,
            boolean requiresApproval, String approvalQuestion, int priority, java.util.Map<String, String> labelSelector) {
    }
}
