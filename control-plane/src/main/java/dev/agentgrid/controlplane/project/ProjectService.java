package dev.agentgrid.controlplane.project;

import dev.agentgrid.controlplane.common.Ids;
import dev.agentgrid.controlplane.artifact.Artifact;
import dev.agentgrid.controlplane.artifact.ArtifactService;
import dev.agentgrid.controlplane.common.FailedPreconditionException;
import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.common.NotFoundException;
import dev.agentgrid.controlplane.common.PageToken;
import dev.agentgrid.controlplane.event.EventTypes;
import dev.agentgrid.controlplane.store.Listing;
import dev.agentgrid.controlplane.store.Store;
import dev.agentgrid.controlplane.task.Task;
import dev.agentgrid.controlplane.task.TaskRepository;
import dev.agentgrid.controlplane.task.NewTask;
import dev.agentgrid.controlplane.task.TaskService;
import dev.agentgrid.controlplane.workflow.WorkflowTemplates;
import java.util.HashMap;
import java.util.Map;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

/** Creates and reads projects and decides when they are complete. */
@Singleton
public class ProjectService {
    private final Store store;
    private final JdbcOperations jdbc;
    private final ProjectRepository projects;
    private final TaskRepository tasks;
    private final TaskService taskService;
    private final ProjectCompletion completion;
    private final ArtifactService artifacts;
    private final WorkflowTemplates templates;

    public ProjectService(Store store, JdbcOperations jdbc, ProjectRepository projects, TaskRepository tasks,
            TaskService taskService, ProjectCompletion completion, ArtifactService artifacts,
            WorkflowTemplates templates) {
        this.templates = templates;
        this.store = store;
        this.jdbc = jdbc;
        this.projects = projects;
        this.tasks = tasks;
        this.taskService = taskService;
        this.completion = completion;
        this.artifacts = artifacts;
    }

    /**
     * Creates a project and its tasks atomically. With a request id seen before, returns what was
     * created then.
     */
    public Created create(NewProject request) {
        return store.write(c -> {
            if (request.requestId() != null) {
                Optional<Project> earlier = projects.findByRequestId(request.requestId());
                if (earlier.isPresent()) {
                    UUID id = earlier.get().id();
                    return new Created(earlier.get(), tasks.findByProject(id, TaskService.PROJECT_TASK_LIMIT),
                            completion.count(id));
                }
            }
            List<NewTask> specs = request.tasks();
            String templateId = request.templateId();
            if (specs.isEmpty() && (!templateId.isEmpty() || !request.productIdea().isBlank())) {
                templateId = templateId.isEmpty() ? WorkflowTemplates.DEFAULT_ID : templateId;
                Map<String, String> variables = new HashMap<>(request.variables());
                if (!request.productIdea().isBlank() && templates.declares(templateId, "product_idea")) {
                    variables.putIfAbsent("product_idea", request.productIdea());
                }
                specs = templates.render(templateId, variables, "template_id");
            }
            Project p = projects.save(new Project(Ids.next(), request.name(), request.description(),
                    request.productIdea(), templateId, ProjectStatus.ACTIVE, "created",
                    request.requestId(), c.now(), c.now(), null));
            c.emit(EventTypes.WORKFLOW_EVENT, p.id(), null, null, null, Json.object(
                    "event", "project_created",
                    "project_id", p.id().toString(),
                    "name", p.name(),
                    "template_id", templateId,
                    "message", "Project '" + p.name() + "' created with " + specs.size() + " tasks",
                    "task_count", specs.size()));
            List<String> fields = IntStream.range(0, specs.size()).mapToObj(i -> "tasks[" + i + "]").toList();
            List<Task> created = taskService.createAll(c, p.id(), specs, fields, i -> null);
            return new Created(p, created, completion.count(p.id()));
        });
    }

    /** A project with its tasks, artifacts (without content) and completion figures. */
    public Details get(UUID id) {
        return store.read(() -> {
            Project p = projects.findById(id).orElseThrow(() -> notFound(id));
            return new Details(p, completion.count(id), tasks.findByProject(id, TaskService.PROJECT_TASK_LIMIT),
                    artifacts.listInTx(id, TaskService.PROJECT_TASK_LIMIT, null).items());
        });
    }

    /** Completion figures of a project. */
    public Completion completionOf(UUID id) {
        return store.read(() -> {
            projects.findById(id).orElseThrow(() -> notFound(id));
            return completion.count(id);
        });
    }

    /** A page of projects, newest first, each with its completion figures. */
    public SummaryPage list(Collection<ProjectStatus> statuses, int pageSize, PageToken token) {
        return store.read(() -> {
            Listing.Page<Project> page = new Listing<>(jdbc, "projects", Project.class,
                    p -> Listing.cursor(p.createdAt(), p.id()), UUID::fromString)
                    .whereIn("status", statuses.stream().map(Enum::name).toList())
                    .page(pageSize, token, true);
            List<Summary> out = new ArrayList<>();
            for (Project p : page.items()) {
                out.add(new Summary(p, completion.count(p.id())));
            }
            return new SummaryPage(out, page.next());
        });
    }

    /** Cancels every unfinished task of an ACTIVE project and ends it CANCELLED. */
    public Summary cancel(UUID id, String reason) {
        return store.write(c -> {
            // Lock order everywhere: tasks, then their project, then agent types.
            List<Task> unfinished = tasks.findUnfinishedByProjectForUpdate(id);
            Project p = projects.findByIdForUpdate(id).orElseThrow(() -> notFound(id));
            if (p.status() != ProjectStatus.ACTIVE) {
                throw new FailedPreconditionException("project " + id + " is " + p.status()
                        + "; only an ACTIVE project can be cancelled");
            }
            String why = reason == null || reason.isBlank() ? "cancelled by user" : reason;
            // Ending the project first keeps the task cancellations from completing it.
            Project ended = completion.end(c, p, ProjectStatus.CANCELLED, why);
            for (Task t : unfinished) {
                taskService.cancel(c, t, "project cancelled: " + why);
            }
            return new Summary(ended, completion.count(id));
        });
    }

    /** Ends the project if every task is terminal; says why it is or is not complete. */
    public Check checkCompletion(UUID id) {
        return store.write(c -> {
            projects.findByIdForUpdate(id).orElseThrow(() -> notFound(id));
            Project p = completion.complete(c, id);
            Completion counts = completion.count(id);
            List<String> indicators = new ArrayList<>();
            indicators.add(counts.completedTasks() + "/" + counts.totalTasks() + " tasks completed");
            if (counts.failedTasks() > 0) {
                indicators.add(counts.failedTasks() + " tasks failed");
            }
            if (counts.cancelledTasks() > 0) {
                indicators.add(counts.cancelledTasks() + " tasks cancelled");
            }
            if (counts.unfinishedTasks() > 0) {
                indicators.add(counts.unfinishedTasks() + " tasks unfinished");
            }
            if (counts.totalTasks() == 0) {
                indicators.add("the project has no tasks");
            }
            indicators.add(counts.artifactCount() + " artifacts");
            indicators.add("project is " + p.status());
            return new Check(p.status() != ProjectStatus.ACTIVE, indicators, new Summary(p, counts));
        });
    }

    /** Marks an ACTIVE project COMPLETED at once, cancelling its unfinished tasks. */
    public Summary forceComplete(UUID id) {
        return store.write(c -> {
            List<Task> unfinished = tasks.findUnfinishedByProjectForUpdate(id);
            Project p = projects.findByIdForUpdate(id).orElseThrow(() -> notFound(id));
            if (p.status() != ProjectStatus.ACTIVE) {
                throw new FailedPreconditionException("project " + id + " is " + p.status()
                        + "; only an ACTIVE project can be force-completed");
            }
            Project ended = completion.end(c, p, ProjectStatus.COMPLETED, "forced complete by admin");
            for (Task t : unfinished) {
                taskService.cancel(c, t, "project force-completed");
            }
            return new Summary(ended, completion.count(id));
        });
    }

    private static NotFoundException notFound(UUID id) {
        return new NotFoundException("project " + id + " not found");
    }

    /** A created project and its tasks. */
    public record Created(Project project, List<Task> tasks, Completion completion) {
    }

    /** A project with its completion figures. */
    public record Summary(Project project, Completion completion) {
    }

    /** A page of projects with their completion figures. */
    public record SummaryPage(List<Summary> items, PageToken next) {
    }

    /** A project with everything GetProject shows. */
    public record Details(Project project, Completion completion, List<Task> tasks, List<Artifact> artifacts) {
    }

    /** The outcome of a completion check. */
    public record Check(boolean complete, List<String> indicators, Summary summary) {
    }
}
