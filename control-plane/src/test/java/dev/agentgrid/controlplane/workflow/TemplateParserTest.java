package dev.agentgrid.controlplane.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TemplateParserTest {
    @Test
    void aValidTemplateKeepsItsStepsInOrder() {
        WorkflowTemplate t = TemplateParser.parse("t.yaml", """
                id: two
                name: Two steps
                variables:
                  - name: topic
                    required: true
                tasks:
                  - key: a
                    agent_type: writer
                    instructions: Write about {{ topic }}
                  - key: b
                    agent_type: editor
                    instructions: Edit it
                    depends_on: [a]
                    requires_approval: true
                    label_selector: {gpu: true}
                """);
        assertEquals("two", t.id());
        assertEquals(2, t.steps().size());
        assertEquals(java.util.List.of("a"), t.steps().get(1).dependsOn());
        assertEquals("true", t.steps().get(1).labelSelector().get("gpu"));
        assertTrue(t.steps().get(1).requiresApproval());
    }

    @Test
    void everyProblemOfABrokenTemplateIsReportedAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TemplateParser.parse("bad.yaml",
                """
                id: bad id
                colour: red
                tasks:
                  - key: a
                    agent_type: writer
                    instructions: Write about {{topic}}
                    depends_on: [later]
                  - key: a
                    instructions: again
                """));
        String m = e.getMessage();
        assertTrue(m.startsWith("bad.yaml: "), m);
        assertTrue(m.contains("id: 'bad id' is not a valid name"), m);
        assertTrue(m.contains("colour: unknown key"), m);
        assertTrue(m.contains("{{topic}} is not a declared variable"), m);
        assertTrue(m.contains("'later' is not the key of an earlier task"), m);
        assertTrue(m.contains("tasks[1].agent_type: required"), m);
        assertTrue(m.contains("tasks[1].key: 'a' used twice"), m);
    }

    @Test
    void malformedYamlNamesTheFile() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TemplateParser.parse("x.yaml", "id: [unclosed"));
        assertTrue(e.getMessage().startsWith("x.yaml: not valid YAML"), e.getMessage());
    }
}
