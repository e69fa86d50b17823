package dev.agentgrid.worker.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.proto.v1.HitlAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ProtocolLineTest {

  @Test
  void progressPercentBecomesAFraction() {
    ProtocolLine.ProgressLine line = assertInstanceOf(ProtocolLine.ProgressLine.class,
        ProtocolLine.parse("{\"agentgrid\":\"progress\",\"percent\":40,\"stage\":\"build\","
            + "\"message\":\"compiling\"}"));

    assertEquals(0.4, line.fraction(), 1e-9);
    assertEquals("build", line.stage());
    assertEquals("compiling", line.message());
  }

  @Test
  void messageArtifactHitlAndResultLinesAreRecognised() {
    assertEquals("hi", assertInstanceOf(ProtocolLine.MessageLine.class,
        ProtocolLine.parse("{\"agentgrid\":\"message\",\"text\":\"hi\"}")).text());
    ProtocolLine.MessageLine end = assertInstanceOf(ProtocolLine.MessageLine.class,
        ProtocolLine.parse("{\"agentgrid\":\"message\",\"done\":true}"));
    assertEquals("", end.text());
    assertEquals(true, end.done());
    assertInstanceOf(ProtocolLine.Malformed.class, ProtocolLine.parse("{\"agentgrid\":\"message\"}"),
        "neither text nor done: not a message");
    assertInstanceOf(ProtocolLine.Malformed.class,
        ProtocolLine.parse("{\"agentgrid\":\"message\",\"text\":\"x\",\"done\":\"yes\"}"));

    ProtocolLine.ArtifactLine artifact = assertInstanceOf(ProtocolLine.ArtifactLine.class,
        ProtocolLine.parse("{\"agentgrid\":\"artifact\",\"name\":\"a.bin\",\"base64\":\"aGk=\"}"));
    assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8), artifact.binary().orElseThrow());
    assertEquals("file", artifact.type());

    ProtocolLine.HitlLine hitl = assertInstanceOf(ProtocolLine.HitlLine.class,
        ProtocolLine.parse("{\"agentgrid\":\"hitl\",\"id\":\"q1\",\"question\":\"Deploy?\","
            + "\"options\":[\"yes\",\"no\"],\"payload\":{\"env\":\"prod\"},"
            + "\"timeout_seconds\":60,\"default_action\":\"approve\"}"));
    assertEquals(List.of("yes", "no"), hitl.options());
    assertEquals(Optional.of(60L), hitl.timeoutSeconds());
    assertEquals(HitlAction.HITL_ACTION_APPROVE, hitl.defaultAction());
    assertEquals("prod", hitl.payload().getFieldsOrThrow("env").getStringValue());

    ProtocolLine.ResultLine failed = assertInstanceOf(ProtocolLine.ResultLine.class,
        ProtocolLine.parse("{\"agentgrid\":\"result\",\"error\":\"bad\",\"retryable\":true}"));
    assertEquals(Optional.of("bad"), failed.error());
    assertTrue(failed.retryable());
  }

  @Test
  void artifactNameDefaultsToTheFileNameOfItsPath() {
    ProtocolLine.ArtifactLine artifact = assertInstanceOf(ProtocolLine.ArtifactLine.class,
        ProtocolLine.parse("{\"agentgrid\":\"artifact\",\"path\":\"out/report.md\"}"));

    assertEquals("report.md", artifact.name());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "hello world",
      "{\"no_agentgrid_field\":1}",
      "{\"agentgrid\":42}",
      "[1,2,3]",
      "{not json at all}",
  })
  void linesThatAreNotProtocolMessagesArePlainOutput(String line) {
    assertEquals(line, assertInstanceOf(ProtocolLine.Plain.class, ProtocolLine.parse(line)).text());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"agentgrid\":\"progress\"}",
      "{\"agentgrid\":\"progress\",\"percent\":150}",
      "{\"agentgrid\":\"progress\",\"percent\":\"half\"}",
      "{\"agentgrid\":\"message\"}",
      "{\"agentgrid\":\"artifact\",\"name\":\"x\"}",
      "{\"agentgrid\":\"artifact\",\"name\":\"x\",\"text\":\"a\",\"base64\":\"YQ==\"}",
      "{\"agentgrid\":\"artifact\",\"name\":\"../x\",\"text\":\"a\"}",
      "{\"agentgrid\":\"artifact\",\"name\":\"x\",\"base64\":\"***\"}",
      "{\"agentgrid\":\"hitl\",\"question\":\"no id\"}",
      "{\"agentgrid\":\"hitl\",\"id\":\"q\",\"question\":\"?\",\"options\":[1]}",
      "{\"agentgrid\":\"hitl\",\"id\":\"q\",\"question\":\"?\",\"default_action\":\"maybe\"}",
      "{\"agentgrid\":\"result\",\"output\":1,\"error\":\"both\"}",
      "{\"agentgrid\":\"result\",\"error\":\"x\",\"retryable\":\"yes\"}",
      "{\"agentgrid\":\"teleport\"}",
      "{\"agentgrid\":\"progress\",\"percent\":5,}",
      "{\"agentgrid\":\"artifact\",\"name\":\"x\",\"type\":\"not a name\",\"text\":\"a\"}",
      "{\"agentgrid\":\"artifact\",\"name\":\"a\\tb\",\"text\":\"a\"}",
      "{\"agentgrid\":\"artifact\",\"name\":\"..\",\"text\":\"a\"}",
      "{\"agentgrid\":\"artifact\",\"name\":\"x\",\"text\":\"nul\\u0000inside\"}",
      "{\"agentgrid\":\"hitl\",\"id\":\"q\",\"question\":\"?\",\"timeout_seconds\":2592001}",
      "{\"agentgrid\":\"hitl\",\"id\":\"q\",\"question\":\"\"}",
  })
  void brokenProtocolMessagesAreMalformedNotFatal(String line) {
    assertEquals(line,
        assertInstanceOf(ProtocolLine.Malformed.class, ProtocolLine.parse(line)).text());
  }

  @Test
  void questionsOverTheContractLimitsAreMalformed() {
    String tooManyOptions = "{\"agentgrid\":\"hitl\",\"id\":\"q\",\"question\":\"?\","
        + "\"options\":[" + "\"o\",".repeat(32) + "\"o\"]}";
    String bigPayload = "{\"agentgrid\":\"hitl\",\"id\":\"q\",\"question\":\"?\","
        + "\"payload\":{\"text\":\"" + "x".repeat(1 << 20) + "\"}}";

    assertInstanceOf(ProtocolLine.Malformed.class, ProtocolLine.parse(tooManyOptions));
    assertInstanceOf(ProtocolLine.Malformed.class, ProtocolLine.parse(bigPayload));
    assertInstanceOf(ProtocolLine.HitlLine.class, ProtocolLine.parse(
        "{\"agentgrid\":\"hitl\",\"id\":\"q\",\"question\":\"?\",\"options\":["
            + "\"o\",".repeat(31) + "\"o\"]}"));
  }
}
