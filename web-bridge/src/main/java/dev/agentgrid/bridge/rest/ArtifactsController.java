package dev.agentgrid.bridge.rest;

import com.google.protobuf.Duration;
import dev.agentgrid.bridge.plane.Calls;
import dev.agentgrid.bridge.plane.PlaneChannel;
import dev.agentgrid.bridge.plane.ProtoJson;
import dev.agentgrid.proto.v1.Artifact;
import dev.agentgrid.proto.v1.CleanupArtifactsRequest;
import dev.agentgrid.proto.v1.DeleteArtifactsRequest;
import dev.agentgrid.proto.v1.GenerateArchiveRequest;
import dev.agentgrid.proto.v1.ListArtifactsRequest;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Publisher;

/** {@code /api/v1/artifacts}: a project's artifacts, its ZIP archive, and clean-up. */
@Controller("/api/v1/artifacts")
public class ArtifactsController {
    /** Most artifacts a summary lists (pages of 1,000 are read until then). */
    static final int SUMMARY_LIMIT = 10_000;

    private final PlaneChannel plane;
    private final ArchiveDownload downloads;

    public ArtifactsController(PlaneChannel plane, ArchiveDownload downloads) {
        this.plane = plane;
        this.downloads = downloads;
    }

    /** Packs the project's artifacts into its ZIP now (replacing an older one). */
    @Post("/{project_id}/generate")
    public CompletableFuture<Generated> generate(@PathVariable("project_id") String projectId) {
        return Calls.of(plane.artifacts().generateArchive(GenerateArchiveRequest.newBuilder().setProjectId(projectId)
                .build())).thenApply(r -> new Generated(projectId, true, true, true, r.getArchive().getFileName(),
                        r.getArchive().getSizeBytes(), r.getArchive().getFileCount(), r.getArchive().getSha256(),
                        ProtoJson.time(r.getArchive().hasCreateTime(), r.getArchive().getCreateTime())));
    }

    /** The project's artifacts without content: name, type, size. */
    @Get("/{project_id}/summary")
    public CompletableFuture<Summary> summary(@PathVariable("project_id") String projectId) {
        return page(projectId, "", new ArrayList<>()).thenApply(all -> new Summary(projectId,
                all.stream().map(ProjectViews::artifact).toList(), all.stream().mapToLong(Artifact::getSizeBytes).sum()));
    }

    private CompletableFuture<List<Artifact>> page(String projectId, String token, List<Artifact> into) {
        return Calls.of(plane.artifacts().listArtifacts(ListArtifactsRequest.newBuilder().setProjectId(projectId)
                .setPageSize(1000).setPageToken(token).build())).thenCompose(r -> {
                    into.addAll(r.getArtifactsList());
                    if (r.getNextPageToken().isEmpty() || into.size() >= SUMMARY_LIMIT) {
                        return CompletableFuture.completedFuture(into);
                    }
                    return page(projectId, r.getNextPageToken(), into);
                });
    }

    /** The ZIP (generated first if there is none), streamed. */
    @Get(value = "/{project_id}/download", produces = "application/zip")
    public CompletableFuture<MutableHttpResponse<Publisher<byte[]>>> download(
            @PathVariable("project_id") String projectId) {
        return downloads.download(projectId);
    }

    /** Deletes the project's artifacts and archive. */
    @Delete("/{project_id}/artifacts")
    public CompletableFuture<Cleaned> delete(@PathVariable("project_id") String projectId) {
        return Calls.of(plane.artifacts().deleteArtifacts(DeleteArtifactsRequest.newBuilder().setProjectId(projectId)
                .build())).thenApply(r -> new Cleaned(r.getDeletedCount(), r.getFreedBytes(), megabytes(r.getFreedBytes()),
                        "cleaned"));
    }

    /** Deletes artifacts and archives older than {@code max_age_hours} (body or query; default 24), for all projects. */
    @Delete("/cleanup-old")
    public CompletableFuture<Cleaned> cleanup(@Body @Nullable JsonNode body,
            @QueryValue("max_age_hours") @Nullable String maxAgeHours) {
        Long hours = 24L;
        if (body != null) {
            JsonFields f = new JsonFields(body);
            Long given = f.optionalLong("max_age_hours");
            f.throwIfAny("invalid clean-up request");
            if (given != null) {
                hours = given;
            }
        } else if (maxAgeHours != null) {
            Params p = new Params();
            hours = (long) p.optionalInt("max_age_hours", maxAgeHours, Integer.MIN_VALUE, Integer.MAX_VALUE);
            p.throwIfAny();
        }
        long seconds = Math.multiplyExact(Math.max(Math.min(hours, Integer.MAX_VALUE), Integer.MIN_VALUE), 3600L);
        return Calls.of(plane.artifacts().cleanupArtifacts(CleanupArtifactsRequest.newBuilder()
                .setMaxAge(Duration.newBuilder().setSeconds(seconds)).build()))
                .thenApply(r -> new Cleaned(r.getDeletedCount(), r.getFreedBytes(), megabytes(r.getFreedBytes()),
                        "cleaned"));
    }

    private static double megabytes(long bytes) {
        return Math.round(bytes / 1048576.0 * 100) / 100.0;
    }

    /** POST /artifacts/{id}/generate. */
    @Serdeable
    record Generated(String projectId, boolean artifactsGenerated, boolean zipCreated, boolean downloadAvailable,
            String fileName, long sizeBytes, int fileCount, String sha256, @Nullable String createdAt) {
    }

    /** GET /artifacts/{id}/summary. */
    @Serdeable
    record Summary(String projectId, List<ProjectViews.ArtifactView> artifacts, long totalSize) {
    }

    /** The DELETE answers: files deleted and space freed. */
    @Serdeable
    record Cleaned(int cleanedFiles, long freedBytes, double freedSpaceMb, String status) {
    }
}
