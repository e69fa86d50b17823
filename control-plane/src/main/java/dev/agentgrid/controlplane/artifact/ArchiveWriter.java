package dev.agentgrid.controlplane.artifact;

import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.project.Project;
import dev.agentgrid.controlplane.task.Task;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Packs a project into a structured ZIP: {@code README.md} (a generated overview),
 * {@code project-summary.json} (the project, its tasks with their outputs, its artifacts), and a
 * folder per source agent holding that agent's artifacts. Entry order and times come from the
 * data, so the same project packs to the same bytes.
 */
final class ArchiveWriter {
    private ArchiveWriter() {
    }

    /** The packed ZIP and how many files it holds. */
    record Packed(byte[] bytes, int fileCount) {
    }

    static Packed pack(Project p, List<Task> tasks, List<Artifact> artifacts) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int files = 0;
        try (ZipOutputStream zip = new ZipOutputStream(buffer)) {
            String root = "project-" + p.id() + "/";
            put(zip, root + "README.md", readme(p, tasks, artifacts).getBytes(StandardCharsets.UTF_8), p.updatedAt());
            put(zip, root + "project-summary.json", summary(p, tasks, artifacts).getBytes(StandardCharsets.UTF_8),
                    p.updatedAt());
            files += 2;
            Set<String> used = new HashSet<>();
            for (Artifact a : artifacts) {
                String folder = root + safe(a.sourceAgent()) + "/";
                String name = unique(used, folder, safe(a.name()));
                put(zip, name, contentBytes(a), a.createdAt());
                files++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Packed(buffer.toByteArray(), files);
    }

    static byte[] contentBytes(Artifact a) {
        return switch (a.contentEncoding()) {
            case TEXT, JSON -> a.content().getBytes(StandardCharsets.UTF_8);
            case BASE64 -> Base64.getDecoder().decode(a.content());
        };
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes, java.time.Instant time) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setLastModifiedTime(FileTime.from(time));
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }

    /** A name fit for a ZIP entry: no path separators, no control characters, not empty. */
    private static String safe(String name) {
        String s = name.replaceAll("[\\\\/:*?\"<>|\\p{Cntrl}]", "_").strip();
        return s.isEmpty() || s.equals(".") || s.equals("..") ? "_" : s;
    }

    private static String unique(Set<String> used, String folder, String name) {
        String candidate = folder + name;
        int dot = name.lastIndexOf('.');
        for (int n = 2; !used.add(candidate); n++) {
            candidate = folder + (dot > 0 ? name.substring(0, dot) + "-" + n + name.substring(dot) : name + "-" + n);
        }
        return candidate;
    }

    private static String readme(Project p, List<Task> tasks, List<Artifact> artifacts) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(p.name()).append("\n\n");
        if (!p.productIdea().isBlank()) {
            md.append("> ").append(p.productIdea().strip().replace("\n", "\n> ")).append("\n\n");
        }
        if (!p.description().isBlank()) {
            md.append(p.description().strip()).append("\n\n");
        }
        md.append("Status: **").append(p.status().name().toLowerCase(Locale.ROOT)).append("** (")
                .append(p.statusReason()).append(")\n\n");
        md.append("## Tasks\n\n| # | Agent | Status | Attempts | Instructions |\n|---|---|---|---|---|\n");
        for (int i = 0; i < tasks.size(); i++) {
            Task t = tasks.get(i);
            md.append("| ").append(i + 1).append(" | ").append(t.agentType()).append(" | ")
                    .append(t.status().name().toLowerCase(Locale.ROOT)).append(" | ").append(t.attempt()).append(" | ")
                    .append(cell(t.instructions())).append(" |\n");
        }
        md.append("\n## Artifacts\n\n");
        if (artifacts.isEmpty()) {
            md.append("None.\n");
        }
        for (Artifact a : artifacts) {
            md.append("- `").append(safe(a.sourceAgent())).append('/').append(safe(a.name())).append("` (")
                    .append(a.artifactType()).append(", ").append(a.sizeBytes()).append(" bytes)\n");
        }
        md.append("\n`project-summary.json` holds the same as data, with every task's output.\n");
        return md.toString();
    }

    private static String cell(String s) {
        String one = s.strip().replace("\n", " ").replace("|", "\\|");
        return one.length() > 120 ? one.substring(0, 117) + "..." : one;
    }

    private static String summary(Project p, List<Task> tasks, List<Artifact> artifacts) {
        List<Object> taskList = new ArrayList<>();
        for (Task t : tasks) {
            taskList.add(Json.object("id", t.id().toString(), "agent_type", t.agentType(), "status", t.status(),
                    "attempt", t.attempt(), "instructions", t.instructions(),
                    "output", t.outputJson() == null ? null : Json.parseValue(t.outputJson()),
                    "error", t.errorMessage()));
        }
        List<Object> artifactList = new ArrayList<>();
        for (Artifact a : artifacts) {
            artifactList.add(Json.object("id", a.id().toString(), "name", a.name(), "type", a.artifactType(),
                    "source_agent", a.sourceAgent(), "task_id", a.taskId() == null ? null : a.taskId().toString(),
                    "media_type", a.mediaType(), "size_bytes", a.sizeBytes()));
        }
        return Json.print(Json.object("project_id", p.id().toString(), "name", p.name(), "product_idea",
                p.productIdea(), "status", p.status(), "status_reason", p.statusReason(), "created_at", p.createdAt(),
                "finished_at", p.finishedAt(), "tasks", taskList, "artifacts", artifactList));
    }
}
