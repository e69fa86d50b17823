package dev.agentgrid.controlplane.workflow;

import dev.agentgrid.controlplane.common.InvalidArgumentException;
import dev.agentgrid.controlplane.common.NotFoundException;
import dev.agentgrid.controlplane.common.Violations;
import dev.agentgrid.controlplane.task.NewTask;
import dev.agentgrid.controlplane.task.RetryPolicy;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.stream.Stream;

/**
 * The workflow templates: the built-in ones (classpath {@code templates/}) and those in the
 * directory {@code agentgrid.templates.dir} (env {@code AGENTGRID_TEMPLATES_DIR}), which may
 * override a built-in one by id. Every template is checked when the plane starts, so a broken
 * file stops the start with its problems listed instead of failing a user's request later.
 */
@Singleton
public class WorkflowTemplates {
    /** Template used when a project is created from a product idea alone. */
    public static final String DEFAULT_ID = "default";

    private final Map<String, WorkflowTemplate> byId = new TreeMap<>();

    public WorkflowTemplates(@Value("${agentgrid.templates.dir:}") String directory) {
        for (String file : builtInFiles()) {
            add(TemplateParser.parse("classpath:templates/" + file, resource("templates/" + file)));
        }
        if (!directory.isBlank()) {
            Path dir = Path.of(directory);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                        .sorted().toList()) {
                    add(TemplateParser.parse(f.toString(), Files.readString(f)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read templates directory " + dir, e);
            }
        }
    }

    private void add(WorkflowTemplate t) {
        byId.put(t.id(), t);
    }

    /** Every template by id. */
    public List<WorkflowTemplate> list() {
        return List.copyOf(byId.values());
    }

    /** One template. */
    public WorkflowTemplate get(String id) {
        WorkflowTemplate t = byId.get(id);
        if (t == null) {
            throw new NotFoundException("workflow template '" + id + "' not found");
        }
        return t;
    }

    /** Whether template {@code id} exists and declares variable {@code name}. */
    public boolean declares(String id, String name) {
        WorkflowTemplate t = byId.get(id);
        return t != null && t.variables().stream().anyMatch(v -> v.name().equals(name));
    }

    /**
     * Fills a template's variables and returns its tasks as specs (keys and dependencies kept).
     *
     * @param field the request field holding the template id, for errors
     * @throws InvalidArgumentException for an unknown template or a missing required variable
     */
    public List<NewTask> render(String id, Map<String, String> given, String field) {
        WorkflowTemplate t = byId.get(id);
        if (t == null) {
            throw new InvalidArgumentException(field, "unknown workflow template '" + id + "' (known: " + byId.keySet()
                    + ")");
        }
        Violations v = new Violations();
        Map<String, String> values = new HashMap<>();
        for (WorkflowTemplate.Variable var : t.variables()) {
            String value = given.get(var.name());
            if (value == null || value.isBlank()) {
                v.check(!var.required(), "variables[" + var.name() + "]", "required by workflow template '" + id + "'");
                value = var.defaultValue();
            }
            values.put(var.name(), value);
        }
        for (String name : given.keySet()) {
            v.check(values.containsKey(name), "variables[" + name + "]",
                    "not a variable of workflow template '" + id + "'");
        }
        v.throwIfAny();
        List<NewTask> out = new ArrayList<>();
        for (WorkflowTemplate.Step s : t.steps()) {
            out.add(new NewTask(s.key(), s.agentType(), fill(s.instructions(), values), "{}", s.priority(),
                    s.labelSelector(), RetryPolicy.DEFAULT, NewTask.DEFAULT_TIMEOUT, s.dependsOn(),
                    s.requiresApproval(), fill(s.approvalQuestion(), values)));
        }
        return out;
    }

    private static String fill(String text, Map<String, String> values) {
        Matcher m = TemplateParser.PLACEHOLDER.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(values.getOrDefault(m.group(1), "")));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static List<String> builtInFiles() {
        return resource("templates/index.txt").lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static String resource(String name) {
        try (InputStream in = WorkflowTemplates.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
