package dev.agentgrid.bridge.rest;

import dev.agentgrid.bridge.plane.Calls;
import dev.agentgrid.bridge.plane.PlaneChannel;
import dev.agentgrid.proto.v1.GetWorkflowTemplateRequest;
import dev.agentgrid.proto.v1.ListWorkflowTemplatesRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import java.util.concurrent.CompletableFuture;

/** {@code /api/v1/workflows}: the workflow templates projects are made from. */
@Controller("/api/v1/workflows")
public class WorkflowsController {
    private final PlaneChannel plane;

    public WorkflowsController(PlaneChannel plane) {
        this.plane = plane;
    }

    /** Every template, without its source. */
    @Get("/templates")
    public CompletableFuture<WorkflowViews.TemplateList> list() {
        return Calls.of(plane.workflows().listWorkflowTemplates(ListWorkflowTemplatesRequest.getDefaultInstance()))
                .thenApply(r -> new WorkflowViews.TemplateList(r.getTemplatesList().stream()
                        .map(t -> WorkflowViews.of(t, false)).toList()));
    }

    /** One template with its YAML source, variables and sections. */
    @Get("/templates/{template_id}")
    public CompletableFuture<WorkflowViews.TemplateView> get(@PathVariable("template_id") String templateId) {
        return Calls.of(plane.workflows().getWorkflowTemplate(GetWorkflowTemplateRequest.newBuilder()
                .setTemplateId(templateId).build())).thenApply(r -> WorkflowViews.of(r.getTemplate(), true));
    }
}
