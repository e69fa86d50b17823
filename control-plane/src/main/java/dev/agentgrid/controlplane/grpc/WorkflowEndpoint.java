package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.common.Violations;
import dev.agentgrid.controlplane.task.NewTask;
import dev.agentgrid.controlplane.workflow.WorkflowTemplate;
import dev.agentgrid.controlplane.workflow.WorkflowTemplates;
import dev.agentgrid.proto.v1.GetWorkflowTemplateRequest;
import dev.agentgrid.proto.v1.GetWorkflowTemplateResponse;
import dev.agentgrid.proto.v1.ListWorkflowTemplatesRequest;
import dev.agentgrid.proto.v1.ListWorkflowTemplatesResponse;
import dev.agentgrid.proto.v1.RenderWorkflowTemplateRequest;
import dev.agentgrid.proto.v1.RenderWorkflowTemplateResponse;
import dev.agentgrid.proto.v1.TaskSpec;
import dev.agentgrid.proto.v1.WorkflowServiceGrpc;
import dev.agentgrid.proto.v1.WorkflowVariable;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/** WorkflowService over gRPC. */
@Singleton
public class WorkflowEndpoint extends WorkflowServiceGrpc.WorkflowServiceImplBase {
    private final WorkflowTemplates templates;

    public WorkflowEndpoint(WorkflowTemplates templates) {
        this.templates = templates;
    }

    @Override
    public void listWorkflowTemplates(ListWorkflowTemplatesRequest req, StreamObserver<ListWorkflowTemplatesResponse> out) {
        ListWorkflowTemplatesResponse.Builder b = ListWorkflowTemplatesResponse.newBuilder();
        templates.list().forEach(t -> b.addTemplates(proto(t).clearContent()));
        Replies.reply(out, b.build());
    }

    @Override
    public void getWorkflowTemplate(GetWorkflowTemplateRequest req, StreamObserver<GetWorkflowTemplateResponse> out) {
        new Violations().requireName(req.getTemplateId(), "template_id").throwIfAny();
        Replies.reply(out, GetWorkflowTemplateResponse.newBuilder().setTemplate(proto(templates.get(req.getTemplateId())))
                .build());
    }

    @Override
    public void renderWorkflowTemplate(RenderWorkflowTemplateRequest req,
            StreamObserver<RenderWorkflowTemplateResponse> out) {
        Violations v = new Violations();
        v.requireName(req.getTemplateId(), "template_id");
        req.getVariablesMap().forEach((k, val) -> v.maxLength(val, "variables[" + Violations.abbreviate(k) + "]",
                Limits.LONG_TEXT));
        v.throwIfAny();
        RenderWorkflowTemplateResponse.Builder b = RenderWorkflowTemplateResponse.newBuilder();
        for (NewTask t : templates.render(req.getTemplateId(), req.getVariablesMap(), "template_id")) {
            b.addTasks(TaskSpec.newBuilder().setKey(t.key()).setAgentType(t.agentType())
                    .setInstructions(t.instructions()).setPriority(t.priority()).putAllLabelSelector(t.labelSelector())
                    .addAllDependsOn(t.dependsOn()).setRequiresApproval(t.requiresApproval())
                    .setApprovalQuestion(t.approvalQuestion()));
        }
        Replies.reply(out, b.build());
    }

    private static dev.agentgrid.proto.v1.WorkflowTemplate.Builder proto(WorkflowTemplate t) {
        var b = dev.agentgrid.proto.v1.WorkflowTemplate.newBuilder().setId(t.id()).setName(t.name())
                .setDescription(t.description()).setVersion(t.version()).setContent(t.content());
        t.variables().forEach(v -> b.addVariables(WorkflowVariable.newBuilder().setName(v.name())
                .setDescription(v.description()).setRequired(v.required()).setDefaultValue(v.defaultValue())));
        t.steps().forEach(s -> b.addSections(s.key()));
        return b;
    }
}
