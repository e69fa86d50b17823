package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.artifact.ArtifactService;
import dev.agentgrid.controlplane.artifact.NewArtifact;
import dev.agentgrid.controlplane.common.PageToken;
import dev.agentgrid.controlplane.common.Violations;
import dev.agentgrid.proto.v1.ArtifactServiceGrpc;
import dev.agentgrid.proto.v1.CreateArtifactRequest;
import dev.agentgrid.proto.v1.CreateArtifactResponse;
import dev.agentgrid.proto.v1.GetArtifactRequest;
import dev.agentgrid.proto.v1.GetArtifactResponse;
import dev.agentgrid.proto.v1.ListArtifactsRequest;
import dev.agentgrid.proto.v1.ListArtifactsResponse;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.util.UUID;

/** ArtifactService over gRPC (archives arrive with project completion). */
@Singleton
public class ArtifactEndpoint extends ArtifactServiceGrpc.ArtifactServiceImplBase {
    private final ArtifactService artifacts;

    public ArtifactEndpoint(ArtifactService artifacts) {
        this.artifacts = artifacts;
    }

    @Override
    public void createArtifact(CreateArtifactRequest req, StreamObserver<CreateArtifactResponse> out) {
        Violations v = new Violations();
        UUID projectId = v.requireUuid(req.getProjectId(), "project_id");
        UUID taskId = v.optionalUuid(req.getTaskId(), "task_id").orElse(null);
        ArtifactProtos.ContentCase content = switch (req.getContentCase()) {
            case TEXT -> ArtifactProtos.ContentCase.text(req.getText());
            case JSON -> ArtifactProtos.ContentCase.json(req.getJson(), v);
            case BINARY -> ArtifactProtos.ContentCase.binary(req.getBinary());
            case CONTENT_NOT_SET -> ArtifactProtos.ContentCase.none();
        };
        NewArtifact a = ArtifactProtos.parse(projectId, taskId, req.getName(), req.getArtifactType(),
                req.getMediaType(), content, v);
        v.throwIfAny();
        Replies.reply(out, CreateArtifactResponse.newBuilder()
                .setArtifact(ArtifactProtos.toProto(artifacts.create(a))).build());
    }

    @Override
    public void listArtifacts(ListArtifactsRequest req, StreamObserver<ListArtifactsResponse> out) {
        Violations v = new Violations();
        UUID projectId = v.requireUuid(req.getProjectId(), "project_id");
        v.throwIfAny();
        int size = PageToken.pageSize(req.getPageSize(), 100, "page_size");
        PageToken token = PageToken.decode(req.getPageToken(), "page_token");
        var page = artifacts.list(projectId, size, token);
        ListArtifactsResponse.Builder b = ListArtifactsResponse.newBuilder();
        page.items().forEach(a -> b.addArtifacts(ArtifactProtos.toProto(a)));
        if (page.next() != null) {
            b.setNextPageToken(page.next().encode());
        }
        Replies.reply(out, b.build());
    }

    @Override
    public void getArtifact(GetArtifactRequest req, StreamObserver<GetArtifactResponse> out) {
        Violations v = new Violations();
        UUID id = v.requireUuid(req.getArtifactId(), "artifact_id");
        v.throwIfAny();
        Replies.reply(out, GetArtifactResponse.newBuilder()
                .setArtifact(ArtifactProtos.toProtoWithContent(artifacts.get(id))).build());
    }
}
