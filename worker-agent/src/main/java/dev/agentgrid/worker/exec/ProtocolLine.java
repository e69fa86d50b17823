package dev.agentgrid.worker.exec;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.agentgrid.proto.v1.HitlAction;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One line a command agent wrote to stdout, as the JSON-lines protocol reads it. A line that is a
 * JSON object with a string field {@code "agentgrid"} is a protocol message; any other line is
 * {@link Plain} output. A protocol message that breaks the rules is {@link Malformed}: the worker
 * passes it through as plain output and logs why.
 */
public sealed interface ProtocolLine {

  /** A line of ordinary output. */
  record Plain(String text) implements ProtocolLine {
  }

  /** A line that meant to be a protocol message but is not a valid one. */
  record Malformed(String text, String problem) implements ProtocolLine {
  }

  /** {@code {"agentgrid":"progress","percent":0-100,"stage":"...","message":"..."}}. */
  record ProgressLine(double fraction, String stage, String message) implements ProtocolLine {
  }

  /**
   * {@code {"agentgrid":"message","text":"...","done":false}}: an agent message delta;
   * {@code "done": true} marks the end of the message (e.g. a complete chat reply).
   */
  record MessageLine(String text, boolean done) implements ProtocolLine {
  }

  /**
   * {@code {"agentgrid":"artifact","name","type","media_type"}} plus exactly one content field.
   * {@code path} is relative to the attempt's working directory and is read by the executor.
   */
  record ArtifactLine(String name, String type, String mediaType, Optional<String> text,
      Optional<Value> json, Optional<byte[]> binary, Optional<String> path)
      implements ProtocolLine {
  }

  /**
   * {@code {"agentgrid":"hitl","id","question","options":[...],"payload":{...},
   * "timeout_seconds":N,"default_action":"approve"}}.
   */
  record HitlLine(String id, String question, List<String> options, Struct payload,
      Optional<Long> timeoutSeconds, HitlAction defaultAction) implements ProtocolLine {
  }

  /** {@code {"agentgrid":"result","output":<any>}} or {@code {"agentgrid":"result","error":...}}. */
  record ResultLine(Optional<Value> output, Optional<String> error, boolean retryable)
      implements ProtocolLine {
  }

  /** Reads one stdout line (without its line terminator). */
  static ProtocolLine parse(String line) {
    String trimmed = line.strip();
    if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
      return new Plain(line);
    }
    Struct json;
    try {
      json = Json.parseObject(trimmed);
    } catch (IllegalArgumentException e) {
      return trimmed.contains("\"agentgrid\"")
          ? new Malformed(line, "not valid JSON: " + e.getMessage()) : new Plain(line);
    }
    Value kind = json.getFieldsOrDefault("agentgrid", null);
    if (kind == null || kind.getKindCase() != Value.KindCase.STRING_VALUE) {
      return new Plain(line);
    }
    try {
      return switch (kind.getStringValue()) {
        case "progress" -> progress(json);
        case "message" -> new MessageLine(optionalString(json, "text").orElse(""), done(json));
        case "artifact" -> artifact(json);
        case "hitl" -> hitl(json);
        case "result" -> result(json);
        default -> throw new IllegalArgumentException(
            "unknown kind \"" + kind.getStringValue() + "\"");
      };
    } catch (IllegalArgumentException e) {
      return new Malformed(line, e.getMessage());
    }
  }

  private static ProgressLine progress(Struct json) {
    double fraction;
    if (json.containsFields("percent")) {
      fraction = requiredNumber(json, "percent") / 100.0;
    } else if (json.containsFields("fraction")) {
      fraction = requiredNumber(json, "fraction");
    } else {
      throw new IllegalArgumentException("progress needs \"percent\" (0 to 100)");
    }
    if (fraction < 0 || fraction > 1) {
      throw new IllegalArgumentException("percent out of range (expected: 0 to 100)");
    }
    return new ProgressLine(fraction, optionalString(json, "stage").orElse(""),
        optionalString(json, "message").orElse(""));
  }

  private static ArtifactLine artifact(Struct json) {
    Optional<String> text = optionalString(json, "text");
    Optional<Value> value = Optional.ofNullable(json.getFieldsOrDefault("json", null));
    Optional<String> base64 = optionalString(json, "base64");
    Optional<String> path = optionalString(json, "path");
    long kinds = List.of(text, value, base64, path).stream().filter(Optional::isPresent).count();
    if (kinds != 1) {
      throw new IllegalArgumentException(
          "artifact needs exactly one of \"text\", \"json\", \"base64\", \"path\"");
    }
    Optional<byte[]> binary;
    try {
      binary = base64.map(Base64.getDecoder()::decode);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("artifact \"base64\" is not base64");
    }
    String name = optionalString(json, "name")
        .orElseGet(() -> path.map(p -> p.substring(p.lastIndexOf('/') + 1)).orElse(""));
    String type = optionalString(json, "type").orElse("file");
    String mediaType = optionalString(json, "media_type").orElse("");
    String problem = ContractLimits.artifactProblem(name, type, mediaType);
    if (problem == null && text.isPresent()) {
      problem = ContractLimits.textProblem(text.get());
    }
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return new ArtifactLine(name, type, mediaType, text, value, binary, path);
  }

  private static HitlLine hitl(Struct json) {
    String id = requiredString(json, "id");
    if (id.isEmpty() || id.length() > ContractLimits.MAX_ASK_ID) {
      throw new IllegalArgumentException("hitl \"id\" must be 1 to 128 characters");
    }
    String question = requiredString(json, "question");
    List<String> options = new ArrayList<>();
    Value rawOptions = json.getFieldsOrDefault("options", null);
    if (rawOptions != null) {
      if (rawOptions.getKindCase() != Value.KindCase.LIST_VALUE) {
        throw new IllegalArgumentException("hitl \"options\" must be an array of strings");
      }
      for (Value option : rawOptions.getListValue().getValuesList()) {
        if (option.getKindCase() != Value.KindCase.STRING_VALUE) {
          throw new IllegalArgumentException("hitl \"options\" must be an array of strings");
        }
        options.add(option.getStringValue());
      }
    }
    Struct payload = Struct.getDefaultInstance();
    Value rawPayload = json.getFieldsOrDefault("payload", null);
    if (rawPayload != null && rawPayload.getKindCase() != Value.KindCase.NULL_VALUE) {
      if (rawPayload.getKindCase() != Value.KindCase.STRUCT_VALUE) {
        throw new IllegalArgumentException("hitl \"payload\" must be an object");
      }
      payload = rawPayload.getStructValue();
    }
    Optional<Long> timeout = Optional.empty();
    if (json.containsFields("timeout_seconds")) {
      double seconds = requiredNumber(json, "timeout_seconds");
      if (seconds < 1 || seconds > ContractLimits.MAX_ASK_TIMEOUT_SECONDS) {
        throw new IllegalArgumentException(
            "hitl \"timeout_seconds\" must be 1 to 2592000 (30 days)");
      }
      timeout = Optional.of((long) seconds);
    }
    String problem = ContractLimits.askProblem(question, options.size(), payload);
    if (problem != null) {
      throw new IllegalArgumentException("hitl " + problem);
    }
    // Without a stated default, nobody answering must not count as consent.
    HitlAction defaultAction = optionalString(json, "default_action")
        .map(ProtocolLine::action).orElse(HitlAction.HITL_ACTION_REJECT);
    return new HitlLine(id, question, List.copyOf(options), payload, timeout, defaultAction);
  }

  private static ResultLine result(Struct json) {
    Optional<String> error = optionalString(json, "error");
    Optional<Value> output = Optional.ofNullable(json.getFieldsOrDefault("output", null));
    if (error.isPresent() && output.isPresent()) {
      throw new IllegalArgumentException("result has both \"output\" and \"error\"");
    }
    boolean retryable = false;
    Value rawRetryable = json.getFieldsOrDefault("retryable", null);
    if (rawRetryable != null) {
      if (rawRetryable.getKindCase() != Value.KindCase.BOOL_VALUE) {
        throw new IllegalArgumentException("result \"retryable\" must be true or false");
      }
      retryable = rawRetryable.getBoolValue();
    }
    return new ResultLine(error.isPresent() ? Optional.empty() : output, error, retryable);
  }

  private static HitlAction action(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "approve" -> HitlAction.HITL_ACTION_APPROVE;
      case "reject" -> HitlAction.HITL_ACTION_REJECT;
      case "amend" -> HitlAction.HITL_ACTION_AMEND;
      default -> throw new IllegalArgumentException(
          "\"default_action\" must be approve, reject or amend");
    };
  }

  private static boolean done(Struct json) {
    Value value = json.getFieldsOrDefault("done", null);
    if (value == null || value.getKindCase() == Value.KindCase.NULL_VALUE) {
      if (!json.containsFields("text")) {
        throw new IllegalArgumentException("\"text\" (a string) is missing");
      }
      return false;
    }
    if (value.getKindCase() != Value.KindCase.BOOL_VALUE) {
      throw new IllegalArgumentException("\"done\" must be true or false");
    }
    return value.getBoolValue();
  }

  private static String requiredString(Struct json, String field) {
    return optionalString(json, field).orElseThrow(
        () -> new IllegalArgumentException("\"" + field + "\" (a string) is missing"));
  }

  private static Optional<String> optionalString(Struct json, String field) {
    Value value = json.getFieldsOrDefault(field, null);
    if (value == null || value.getKindCase() == Value.KindCase.NULL_VALUE) {
      return Optional.empty();
    }
    if (value.getKindCase() != Value.KindCase.STRING_VALUE) {
      throw new IllegalArgumentException("\"" + field + "\" must be a string");
    }
    return Optional.of(value.getStringValue());
  }

  private static double requiredNumber(Struct json, String field) {
    Value value = json.getFieldsOrDefault(field, null);
    if (value == null || value.getKindCase() != Value.KindCase.NUMBER_VALUE) {
      throw new IllegalArgumentException("\"" + field + "\" must be a number");
    }
    return value.getNumberValue();
  }
}
