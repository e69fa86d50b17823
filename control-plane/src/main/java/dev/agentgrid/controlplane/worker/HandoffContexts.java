package dev.agentgrid.controlplane.worker;

import dev.agentgrid.controlplane.artifact.Artifact;
import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.task.Task;
import dev.agentgrid.controlplane.task.TaskDependencies;
import dev.agentgrid.controlplane.task.TaskRepository;
import dev.agentgrid.controlplane.artifact.ArtifactRepository;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Builds the context a task receives from the tasks it depends on: each upstream task's output
 * ({@code handoff_type} "task_output") and each of its artifacts (handoff type = artifact type).
 * Artifact content is inlined up to {@link #INLINE_LIMIT} bytes in all; larger ones are handed on
 * by reference (id, name, size) so an assignment stays well under the message size limit.
 */
@Singleton
public class HandoffContexts {
    /** Bytes of artifact content inlined into one assignment at most. */
    static final long INLINE_LIMIT = 1 << 20;

    private final ArtifactRepository artifacts;
    private final TaskRepository tasks;
    private final TaskDependencies dependencies;

    public HandoffContexts(ArtifactRepository artifacts, TaskRepository tasks, TaskDependencies dependencies) {
        this.artifacts = artifacts;
        this.tasks = tasks;
        this.dependencies = dependencies;
    }

    /** The handoffs for {@code task}, upstream tasks in dependency order. */
    public List<Handoff> forTask(Task task) {
        return forTasks(List.of(task), id -> null).get(task.id());
    }

    /**
     * The handoffs of each task (by id), upstream tasks in dependency order. One query finds
     * which tasks have upstream tasks at all; only those read their upstream outputs.
     *
     * @param knownUpstream the upstream tasks the caller knows of a task (being created, so its
     *     edges are not stored yet), in the stored edges' order; null where it does not know
     */
    public java.util.Map<UUID, List<Handoff>> forTasks(List<Task> tasks,
            java.util.function.Function<UUID, List<UUID>> knownUpstream) {
        List<UUID> ask = tasks.stream().map(Task::id).filter(id -> knownUpstream.apply(id) == null).toList();
        java.util.Map<UUID, List<UUID>> upstream = ask.isEmpty() ? java.util.Map.of() : dependencies.upstreamOf(ask);
        java.util.Map<UUID, List<Handoff>> out = new java.util.HashMap<>();
        for (Task t : tasks) {
            List<UUID> known = knownUpstream.apply(t.id());
            List<UUID> ups = known != null ? known : upstream.getOrDefault(t.id(), List.of());
            out.put(t.id(), ups.isEmpty() ? List.of() : handoffs(t, ups));
        }
        return out;
    }

    private List<Handoff> handoffs(Task task, List<UUID> upstream) {
        List<Handoff> out = new ArrayList<>();
        long inlined = 0;
        for (UUID upId : upstream) {
            Task up = tasks.findById(upId).orElse(null);
            if (up == null) {
                continue;
            }
            out.add(new Handoff(task.projectId(), up.agentType(), task.agentType(), "task_output",
                    up.outputJson() == null ? "null" : up.outputJson(), up.id()));
            for (Artifact a : artifacts.findByTask(up.id())) {
                boolean inline = inlined + a.sizeBytes() <= INLINE_LIMIT;
                if (inline) {
                    inlined += a.sizeBytes();
                }
                String encoding = a.contentEncoding().name().toLowerCase(java.util.Locale.ROOT);
                Object content = !inline ? null : switch (a.contentEncoding()) {
                    case JSON -> Json.parseValue(a.content());
                    case TEXT, BASE64 -> a.content();
                };
                out.add(new Handoff(task.projectId(), up.agentType(), task.agentType(), a.artifactType(),
                        Json.print(Json.object("artifact_id", a.id().toString(), "name", a.name(),
                                "media_type", a.mediaType(), "size_bytes", a.sizeBytes(),
                                "encoding", encoding, "inlined", inline, "content", content)), up.id()));
            }
        }
        return out;
    }
}
