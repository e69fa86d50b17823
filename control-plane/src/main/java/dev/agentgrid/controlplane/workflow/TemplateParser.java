package dev.agentgrid.controlplane.workflow;

import dev.agentgrid.controlplane.common.Violations;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads a workflow template from YAML and checks it whole: known keys only, valid agent types and
 * keys, dependencies on earlier steps, every {@code {{variable}}} declared.
 */
final class TemplateParser {
    static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");
    private static final Set<String> TOP = Set.of("id", "name", "description", "version", "variables", "tasks");
    private static final Set<String> VARIABLE = Set.of("name", "description", "required", "default");
    private static final Set<String> STEP = Set.of("key", "agent_type", "instructions", "depends_on",
            "requires_approval", "approval_question", "priority", "label_selector");

    private TemplateParser() {
    }

    /**
     * Parses {@code yaml}.
     *
     * @throws IllegalArgumentException naming the source and every problem found
     */
    static WorkflowTemplate parse(String source, String yaml) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        Map<String, Object> top = map(root, "template", problems);
        unknownKeys(top, TOP, "", problems);
        String id = string(top.get("id"), "id", problems, true);
        if (id != null && !Violations.NAME.matcher(id).matches()) {
            problems.add("id: '" + id + "' is not a valid name");
        }
        List<WorkflowTemplate.Variable> variables = new ArrayList<>();
        Set<String> declared = new HashSet<>();
        List<?> vars = list(top.get("variables"), "variables", problems);
        for (int i = 0; i < vars.size(); i++) {
            String f = "variables[" + i + "]";
            Map<String, Object> v = map(vars.get(i), f, problems);
            unknownKeys(v, VARIABLE, f + ".", problems);
            String name = string(v.get("name"), f + ".name", problems, true);
            if (name != null && !declared.add(name)) {
                problems.add(f + ".name: '" + name + "' declared twice");
            }
            variables.add(new WorkflowTemplate.Variable(name, nonNull(string(v.get("description"), f + ".description",
                    problems, false)), Boolean.TRUE.equals(v.get("required")),
                    nonNull(string(v.get("default"), f + ".default", problems, false))));
        }
        List<WorkflowTemplate.Step> steps = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        List<?> tasks = list(top.get("tasks"), "tasks", problems);
        if (tasks.isEmpty()) {
            problems.add("tasks: at least one task is required");
        }
        for (int i = 0; i < tasks.size(); i++) {
            String f = "tasks[" + i + "]";
            Map<String, Object> t = map(tasks.get(i), f, problems);
            unknownKeys(t, STEP, f + ".", problems);
            String key = string(t.get("key"), f + ".key", problems, true);
            String agentType = string(t.get("agent_type"), f + ".agent_type", problems, true);
            String instructions = string(t.get("instructions"), f + ".instructions", problems, true);
            if (key != null && !Violations.NAME.matcher(key).matches()) {
                problems.add(f + ".key: '" + key + "' is not a valid name");
            }
            if (agentType != null && !Violations.NAME.matcher(agentType).matches()) {
                problems.add(f + ".agent_type: '" + agentType + "' is not a valid name");
            }
            List<String> deps = new ArrayList<>();
            for (Object d : list(t.get("depends_on"), f + ".depends_on", problems)) {
                if (!keys.contains(String.valueOf(d))) {
                    problems.add(f + ".depends_on: '" + d + "' is not the key of an earlier task");
                }
                deps.add(String.valueOf(d));
            }
            if (key != null && !keys.add(key)) {
                problems.add(f + ".key: '" + key + "' used twice");
            }
            String question = nonNull(string(t.get("approval_question"), f + ".approval_question", problems, false));
            for (String text : List.of(nonNull(instructions), question)) {
                Matcher m = PLACEHOLDER.matcher(text);
                while (m.find()) {
                    if (!declared.contains(m.group(1))) {
                        problems.add(f + ": {{" + m.group(1) + "}} is not a declared variable");
                    }
                }
            }
            Object priority = t.getOrDefault("priority", 0);
            Map<String, String> selector = new LinkedHashMap<>();
            map(t.getOrDefault("label_selector", Map.of()), f + ".label_selector", problems)
                    .forEach((k, v) -> selector.put(k, String.valueOf(v)));
            steps.add(new WorkflowTemplate.Step(key, agentType, instructions, deps,
                    Boolean.TRUE.equals(t.get("requires_approval")), question,
                    priority instanceof Integer p ? p : 0, selector));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(source + ": " + String.join("; ", problems));
        }
        return new WorkflowTemplate(id, nonNull(string(top.get("name"), "name", problems, false)),
                nonNull(string(top.get("description"), "description", problems, false)),
                nonNull(string(top.get("version"), "version", problems, false)), yaml, variables, steps);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String field, List<String> problems) {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        problems.add(field + ": expected a mapping");
        return Map.of();
    }

    private static List<?> list(Object o, String field, List<String> problems) {
        if (o == null) {
            return List.of();
        }
        if (o instanceof List<?> l) {
            return l;
        }
        problems.add(field + ": expected a list");
        return List.of();
    }

    private static String string(Object o, String field, List<String> problems, boolean required) {
        if (o == null) {
            if (required) {
                problems.add(field + ": required");
            }
            return null;
        }
        if (o instanceof String || o instanceof Number || o instanceof Boolean) {
            return String.valueOf(o);
        }
        problems.add(field + ": expected text");
        return null;
    }

    private static void unknownKeys(Map<String, Object> m, Set<String> known, String prefix, List<String> problems) {
        for (String k : m.keySet()) {
            if (!known.contains(k)) {
                problems.add(prefix + k + ": unknown key (expected one of " + new java.util.TreeSet<>(known) + ")");
            }
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
