package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.artifact.ArtifactService;
import dev.agentgrid.controlplane.artifact.NewArtifact;
import dev.agentgrid.controlplane.artifact.ProjectArchive;
import dev.agentgrid.controlplane.artifact.ProjectArchives;
import com.google.protobuf.ByteString;
import dev.agentgrid.proto.v1.ArchiveInfo;
import dev.agentgrid.proto.v1.CleanupArtifactsRequest;
import dev.agentgrid.proto.v1.CleanupArtifactsResponse;
import dev.agentgrid.proto.v1.DeleteArtifactsRequest;
import dev.agentgrid.proto.v1.DeleteArtifactsResponse;
import dev.agentgrid.proto.v1.DownloadArchiveRequest;
import dev.agentgrid.proto.v1.DownloadArchiveResponse;
import dev.agentgrid.proto.v1.GenerateArchiveRequest;
import dev.agentgrid.proto.v1.GenerateArchiveResponse;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.Base64;
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

/** ArtifactService over gRPC: artifacts and the project's ZIP archive. */
@Singleton
public class ArtifactEndpoint extends ArtifactServiceGrpc.ArtifactServiceImplBase {
    /** Bytes per download message. */
    static final int CHUNK = 64 * 1024;
    private final ArtifactService artifacts;
    private final ProjectArchives archives;

    public ArtifactEndpoint(ArtifactService artifacts, ProjectArchives archives) {
        this.artifacts = artifacts;
        this.archives = archives;
    }

    @Override
    public void generateArchive(GenerateArchiveRequest req, StreamObserver<GenerateArchiveResponse> out) {
        Replies.reply(out, GenerateArchiveResponse.newBuilder().setArchive(info(archives.generate(
                Violations.requiredUuid(req.getProjectId(), "project_id")))).build());
    }

    @Override
    public void downloadArchive(DownloadArchiveRequest req, StreamObserver<DownloadArchiveResponse> responseObserver) {
        ProjectArchive archive = archives.forDownload(Violations.requiredUuid(req.getProjectId(), "project_id"));
        byte[] zip = Base64.getDecoder().decode(archive.content());
        ServerCallStreamObserver<DownloadArchiveResponse> out =
                (ServerCallStreamObserver<DownloadArchiveResponse>) responseObserver;
        // Chunks go out only while the client keeps up; the rest waits for onReady.
        int[] offset = {-1};
        Runnable pump = () -> {
            synchronized (offset) {
                while (offset[0] < zip.length && out.isReady() && !out.isCancelled()) {
                    if (offset[0] < 0) {
                        out.onNext(DownloadArchiveResponse.newBuilder().setInfo(info(archive)).build());
                        offset[0] = 0;
                        continue;
                    }
                    int n = Math.min(CHUNK, zip.length - offset[0]);
                    out.onNext(DownloadArchiveResponse.newBuilder()
                            .setChunk(ByteString.copyFrom(zip, offset[0], n)).build());
                    offset[0] += n;
                    if (offset[0] == zip.length) {
                        out.onCompleted();
                    }
                }
            }
        };
        out.setOnReadyHandler(pump);
        pump.run();
    }

    @Override
    public void deleteArtifacts(DeleteArtifactsRequest req, StreamObserver<DeleteArtifactsResponse> out) {
        ProjectArchives.Deleted d = archives.delete(Violations.requiredUuid(req.getProjectId(), "project_id"));
        Replies.reply(out, DeleteArtifactsResponse.newBuilder().setDeletedCount((int) d.count())
                .setFreedBytes(d.bytes()).build());
    }

    @Override
    public void cleanupArtifacts(CleanupArtifactsRequest req, StreamObserver<CleanupArtifactsResponse> out) {
        Violations v = new Violations();
        java.time.Duration maxAge = java.time.Duration.ofHours(24);
        if (req.hasMaxAge()) {
            var d = req.getMaxAge();
            boolean valid = d.getSeconds() >= 0 && d.getSeconds() <= 3650L * 86_400 && d.getNanos() >= 0
                    && d.getNanos() < 1_000_000_000;
            maxAge = valid ? ProtoTime.duration(d) : java.time.Duration.ZERO;
            v.check(valid && maxAge.compareTo(java.time.Duration.ofHours(1)) >= 0, "max_age",
                    (valid ? maxAge.toString() : "out of range") + " (expected: 1h to 3650 days)");
        }
        v.throwIfAny();
        ProjectArchives.Deleted d = archives.cleanup(maxAge);
        Replies.reply(out, CleanupArtifactsResponse.newBuilder().setDeletedCount((int) d.count())
                .setFreedBytes(d.bytes()).build());
    }

    private static ArchiveInfo info(ProjectArchive a) {
        return ArchiveInfo.newBuilder().setProjectId(a.projectId().toString()).setFileName(a.fileName())
                .setSizeBytes(a.sizeBytes()).setFileCount(a.fileCount()).setSha256(a.sha256())
                .setCreateTime(ProtoTime.timestamp(a.createdAt())).build();
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
