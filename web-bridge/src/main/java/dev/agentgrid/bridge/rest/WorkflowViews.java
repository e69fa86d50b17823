package dev.agentgrid.bridge.rest;

import dev.agentgrid.proto.v1.WorkflowTemplate;
import dev.agentgrid.proto.v1.WorkflowVariable;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** Workflow templates as the REST face shows them. */
final class WorkflowViews {
    private WorkflowViews() {
    }

    /** A template; {@code content} (the YAML source) only when read by id. */
    @Serdeable
    record TemplateView(String id, String name, String description, String version, @Nullable String content,
            List<VariableView> variables, List<String> sections) {
    }

    /** One template variable. */
    @Serdeable
    record VariableView(String name, String description, boolean required, String defaultValue) {
    }

    /** GET /workflows/templates. */
    @Serdeable
    record TemplateList(List<TemplateView> templates) {
    }

    static TemplateView of(WorkflowTemplate t, boolean withContent) {
        return new TemplateView(t.getId(), t.getName(), t.getDescription(), t.getVersion(),
                withContent ? t.getContent() : null, t.getVariablesList().stream().map(WorkflowViews::of).toList(),
                t.getSectionsList());
    }

    private static VariableView of(WorkflowVariable v) {
        return new VariableView(v.getName(), v.getDescription(), v.getRequired(), v.getDefaultValue());
    }
}
