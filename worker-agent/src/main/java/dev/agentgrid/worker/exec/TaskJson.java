package dev.agentgrid.worker.exec;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.ListValue;
import com.google.protobuf.util.Timestamps;
import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.HandoffContext;
import dev.agentgrid.proto.v1.HitlAction;
import dev.agentgrid.proto.v1.HitlAnswer;
import dev.agentgrid.proto.v1.UserMessage;
import java.util.Locale;

/**
 * The lines the worker writes to a command agent's stdin, each one JSON object with an
 * {@code "agentgrid"} field naming its kind: {@code task} (always the first line),
 * {@code hitl_answer} and {@code user_message}.
 */
public final class TaskJson {

  private TaskJson() {
  }

  /** The task as one JSON object. */
  public static Struct task(AssignTask task) {
    Struct.Builder json = Struct.newBuilder()
        .putFields("agentgrid", Json.string("task"))
        .putFields("task_id", Json.string(task.getTaskId()))
        .putFields("attempt", Json.number(task.getAttempt()))
        .putFields("project_id", Json.string(task.getProjectId()))
        .putFields("agent_type", Json.string(task.getAgentType()))
        .putFields("instructions", Json.string(task.getInstructions()))
        .putFields("input", Value.newBuilder().setStructValue(task.getInput()).build());
    ListValue.Builder context = ListValue.newBuilder();
    for (HandoffContext handoff : task.getContextList()) {
      context.addValues(Value.newBuilder().setStructValue(handoff(handoff)));
    }
    json.putFields("context", Value.newBuilder().setListValue(context).build());
    if (task.hasDeadline()) {
      json.putFields("deadline", Json.string(Timestamps.toString(task.getDeadline())));
    }
    return json.build();
  }

  /** The first stdin line: the task on one line. */
  public static String taskLine(AssignTask task) {
    return Json.print(task(task));
  }

  /** A stdin line carrying a human's answer to the question with id {@code ask_id}. */
  public static String hitlAnswerLine(HitlAnswer answer) {
    return Json.print(Struct.newBuilder()
        .putFields("agentgrid", Json.string("hitl_answer"))
        .putFields("id", Json.string(answer.getAskId()))
        .putFields("request_id", Json.string(answer.getRequestId()))
        .putFields("action", Json.string(actionName(answer.getAction())))
        .putFields("content", Json.string(answer.getContent()))
        .build());
  }

  /** A stdin line carrying a user's chat message. */
  public static String userMessageLine(UserMessage message) {
    return Json.print(Struct.newBuilder()
        .putFields("agentgrid", Json.string("user_message"))
        .putFields("id", Json.string(message.getMessageId()))
        .putFields("content", Json.string(message.getContent()))
        .putFields("metadata", Value.newBuilder().setStructValue(message.getMetadata()).build())
        .build());
  }

  /** The protocol's name for an action: approve, reject or amend ("" if unset). */
  public static String actionName(HitlAction action) {
    return switch (action) {
      case HITL_ACTION_APPROVE, HITL_ACTION_REJECT, HITL_ACTION_AMEND ->
          action.name().substring("HITL_ACTION_".length()).toLowerCase(Locale.ROOT);
      default -> "";
    };
  }

  private static Struct handoff(HandoffContext handoff) {
    return Struct.newBuilder()
        .putFields("project_id", Json.string(handoff.getProjectId()))
        .putFields("source_task_id", Json.string(handoff.getSourceTaskId()))
        .putFields("source_agent", Json.string(handoff.getSourceAgent()))
        .putFields("target_agent", Json.string(handoff.getTargetAgent()))
        .putFields("handoff_type", Json.string(handoff.getHandoffType()))
        .putFields("content", handoff.hasContent() ? handoff.getContent() : Json.nullValue())
        .build();
  }
}
