package dev.agentgrid.controlplane.artifact;

import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.common.NotFoundException;
import dev.agentgrid.controlplane.event.EventTypes;
import dev.agentgrid.controlplane.project.Project;
import dev.agentgrid.controlplane.project.ProjectRepository;
import dev.agentgrid.controlplane.store.Changes;
import dev.agentgrid.controlplane.store.SqlTime;
import dev.agentgrid.controlplane.store.Store;
import dev.agentgrid.controlplane.task.TaskRepository;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A project's downloadable ZIP: generated on completion (or on request), kept until the next
 * generation, deleted with the project's artifacts or by age.
 */
@Singleton
public class ProjectArchives {
    /** Most tasks listed in an archive's summary. */
    static final int TASK_LIMIT = 10_000;

    private final Store store;
    private final JdbcOperations jdbc;
    private final ProjectRepository projects;
    private final TaskRepository tasks;
    private final ProjectArchiveRepository archives;
    private final ArtifactRepository artifacts;

    public ProjectArchives(Store store, JdbcOperations jdbc, ProjectRepository projects, TaskRepository tasks,
            ProjectArchiveRepository archives, ArtifactRepository artifacts) {
        this.artifacts = artifacts;
        this.store = store;
        this.jdbc = jdbc;
        this.projects = projects;
        this.tasks = tasks;
        this.archives = archives;
    }

    /** Packs the project's artifacts now, replacing an earlier archive, and emits {@code artifact_created}. */
    public ProjectArchive generate(UUID projectId) {
        return store.write(c -> {
            Project p = projects.findByIdForUpdate(projectId)
                    .orElseThrow(() -> new NotFoundException("project " + projectId + " not found"));
            ArchiveWriter.Packed packed = ArchiveWriter.pack(p, tasks.findByProject(projectId, TASK_LIMIT),
                    artifacts.findByProject(projectId));
            ProjectArchive archive = new ProjectArchive(projectId, "project-" + projectId + ".zip",
                    packed.bytes().length, packed.fileCount(), sha256(packed.bytes()),
                    Base64.getEncoder().encodeToString(packed.bytes()), c.now());
            if (archives.existsById(projectId)) {
                archives.update(archive);
            } else {
                archives.save(archive);
            }
            c.emit(EventTypes.ARTIFACT_CREATED, projectId, null, null, null, Json.object(
                    "message", "Project archive generated: " + packed.fileCount() + " files, "
                            + packed.bytes().length + " bytes",
                    "download_available", true,
                    "generated_at", c.now(),
                    "archive", Json.object("file_name", archive.fileName(), "size_bytes", archive.sizeBytes(),
                            "file_count", archive.fileCount(), "sha256", archive.sha256())));
            return archive;
        });
    }

    /** The project's archive, generated first if there is none. */
    public ProjectArchive forDownload(UUID projectId) {
        ProjectArchive existing = store.read(() -> {
            projects.findById(projectId).orElseThrow(() -> new NotFoundException("project " + projectId + " not found"));
            return archives.findById(projectId).orElse(null);
        });
        return existing != null ? existing : generate(projectId);
    }

    /** The archive's description, if one was generated. */
    public java.util.Optional<ProjectArchive> find(UUID projectId) {
        return store.read(() -> archives.findById(projectId));
    }

    /** Deletes a project's artifacts and archive. */
    public Deleted delete(UUID projectId) {
        return store.write(c -> {
            projects.findByIdForUpdate(projectId)
                    .orElseThrow(() -> new NotFoundException("project " + projectId + " not found"));
            Map<UUID, long[]> gone = deleteWhere(c, "project_id = ?", projectId);
            return new Deleted(total(gone)[0], total(gone)[1]);
        });
    }

    /** Deletes artifacts and archives older than {@code maxAge}, across projects. */
    public Deleted cleanup(Duration maxAge) {
        return store.write(c -> {
            Map<UUID, long[]> gone = deleteWhere(c, "created_at < ?", SqlTime.param(c.now().minus(maxAge)));
            return new Deleted(total(gone)[0], total(gone)[1]);
        });
    }

    /** Deletes matching artifacts and archives; per project: {files, bytes}; emits one event per project. */
    private Map<UUID, long[]> deleteWhere(Changes c, String condition, Object arg) {
        Map<UUID, long[]> perProject = new LinkedHashMap<>();
        for (String table : List.of("context_artifacts", "project_archives")) {
            jdbc.prepareStatement("SELECT project_id, COUNT(*), COALESCE(SUM(size_bytes), 0) FROM " + table
                    + " WHERE " + condition + " GROUP BY project_id", ps -> {
                        ps.setObject(1, arg);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                long[] t = perProject.computeIfAbsent(rs.getObject(1, UUID.class), k -> new long[2]);
                                t[0] += rs.getLong(2);
                                t[1] += rs.getLong(3);
                            }
                        }
                        return null;
                    });
            jdbc.prepareStatement("DELETE FROM " + table + " WHERE " + condition, ps -> {
                ps.setObject(1, arg);
                return ps.executeUpdate();
            });
        }
        perProject.forEach((project, t) -> c.emit(EventTypes.ARTIFACTS_DELETED, project, null, null, null,
                Json.object("project_id", project.toString(), "deleted_count", t[0], "freed_bytes", t[1],
                        "message", t[0] + " artifacts and archives deleted")));
        return perProject;
    }

    private static long[] total(Map<UUID, long[]> perProject) {
        long[] sum = new long[2];
        perProject.values().forEach(t -> {
            sum[0] += t[0];
            sum[1] += t[1];
        });
        return sum;
    }


    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a deletion removed. */
    public record Deleted(long count, long bytes) {
    }
}
