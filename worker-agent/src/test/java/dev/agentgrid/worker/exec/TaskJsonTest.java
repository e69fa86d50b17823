package dev.agentgrid.worker.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.HandoffContext;
import dev.agentgrid.proto.v1.HitlAction;
import dev.agentgrid.proto.v1.HitlAnswer;
import dev.agentgrid.proto.v1.UserMessage;
import org.junit.jupiter.api.Test;

class TaskJsonTest {

  @Test
  void theTaskLineIsOneJsonObjectWithEveryField() {
    AssignTask task = AssignTask.newBuilder()
        .setTaskId("t-1").setAttempt(2).setProjectId("p-1").setAgentType("coder")
        .setInstructions("write \"hello\"\nplease")
        .setInput(Struct.newBuilder().putFields("ask", Value.newBuilder().setBoolValue(true)
            .build()))
        .addContext(HandoffContext.newBuilder().setProjectId("p-1").setSourceAgent("architect")
            .setTargetAgent("coder").setHandoffType("implementation_plan").setSourceTaskId("t-0")
            .setContent(Json.string("plan")))
        .setDeadline(Timestamp.newBuilder().setSeconds(1_767_225_600))
        .build();

    assertEquals("{\"agentgrid\":\"task\",\"task_id\":\"t-1\",\"attempt\":2,"
        + "\"project_id\":\"p-1\",\"agent_type\":\"coder\","
        + "\"instructions\":\"write \\\"hello\\\"\\nplease\",\"input\":{\"ask\":true},"
        + "\"context\":[{\"project_id\":\"p-1\",\"source_task_id\":\"t-0\","
        + "\"source_agent\":\"architect\",\"target_agent\":\"coder\","
        + "\"handoff_type\":\"implementation_plan\",\"content\":\"plan\"}],"
        + "\"deadline\":\"2026-01-01T00:00:00Z\"}", TaskJson.taskLine(task));
  }

  @Test
  void answersAndUserMessagesAreOneLineEach() {
    assertEquals("{\"agentgrid\":\"hitl_answer\",\"id\":\"q1\",\"request_id\":\"r-1\","
        + "\"action\":\"amend\",\"content\":\"use v2\"}",
        TaskJson.hitlAnswerLine(HitlAnswer.newBuilder().setAskId("q1").setRequestId("r-1")
            .setAction(HitlAction.HITL_ACTION_AMEND).setContent("use v2").build()));
    assertEquals("{\"agentgrid\":\"user_message\",\"id\":\"m-1\",\"content\":\"hi\","
        + "\"metadata\":{}}",
        TaskJson.userMessageLine(UserMessage.newBuilder().setMessageId("m-1").setContent("hi")
            .build()));
  }

  @Test
  void jsonRoundTripsThroughTheStrictReaderAndWriter() {
    String json = "{\"s\":\"a\\u0001\\\\\",\"n\":-1.5e3,\"i\":42,\"b\":false,\"z\":null,"
        + "\"l\":[1,{\"x\":[]}]}";

    assertEquals("{\"s\":\"a\\u0001\\\\\",\"n\":-1500,\"i\":42,\"b\":false,\"z\":null,"
        + "\"l\":[1,{\"x\":[]}]}", Json.print(Json.parseValue(json)));
  }
}
