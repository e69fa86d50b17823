package dev.agentgrid.worker.exec;

import com.google.protobuf.Struct;
import java.util.regex.Pattern;

/**
 * Limits the contract sets on what a worker sends. The plane closes the stream on a message that
 * breaks them, and the message is lost, so the worker checks them before sending: a command agent's
 * bad line becomes plain output, a TaskHandler's bad call an {@link IllegalArgumentException}.
 */
final class ContractLimits {

  /** Largest artifact content, in bytes. */
  static final long MAX_ARTIFACT_BYTES = 16L * 1024 * 1024;
  /** Longest artifact file name. */
  static final int MAX_ARTIFACT_NAME = 255;
  /** Longest media type. */
  static final int MAX_MEDIA_TYPE = 255;
  /** Longest question. */
  static final int MAX_QUESTION = 65_536;
  /** Most suggested answers. */
  static final int MAX_OPTIONS = 32;
  /** Longest question id. */
  static final int MAX_ASK_ID = 128;
  /** Largest question payload, in bytes of JSON. */
  static final int MAX_PAYLOAD_BYTES = 1 << 20;
  /** Longest wait a question may ask for, in seconds (30 days). */
  static final long MAX_ASK_TIMEOUT_SECONDS = 30L * 24 * 3600;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  private ContractLimits() {
  }

  /** Why an artifact's name, type or media type would be refused, or null if they are fine. */
  static String artifactProblem(String name, String type, String mediaType) {
    if (name == null || name.isEmpty() || name.length() > MAX_ARTIFACT_NAME || name.contains("/")
        || name.contains("\\") || name.equals(".") || name.equals("..")
        || name.chars().anyMatch(c -> c < 0x20)) {
      return "artifact name must be 1 to 255 characters without path separators or control"
          + " characters";
    }
    if (!type.isEmpty() && !NAME.matcher(type).matches()) {
      return "artifact type must be 1 to 64 of [A-Za-z0-9_.-], starting with a letter or digit";
    }
    if (mediaType.length() > MAX_MEDIA_TYPE) {
      return "artifact media type is longer than 255 characters";
    }
    return null;
  }

  /** Why a text artifact's content would be refused, or null. */
  static String textProblem(String text) {
    if (text.indexOf('\0') >= 0) {
      return "text artifacts cannot hold NUL characters (send them as base64)";
    }
    return Utf8.length(text) > MAX_ARTIFACT_BYTES ? "artifact content is larger than 16 MiB" : null;
  }

  /** Why a question would be refused, or null. */
  static String askProblem(String question, int options, Struct payload) {
    if (question == null || question.isEmpty() || question.length() > MAX_QUESTION) {
      return "question must be 1 to 65,536 characters";
    }
    if (options > MAX_OPTIONS) {
      return "at most 32 options";
    }
    if (Utf8.length(Json.print(payload)) > MAX_PAYLOAD_BYTES) {
      return "payload is larger than 1 MiB of JSON";
    }
    return null;
  }
}
