package dev.agentgrid.worker.exec;

import com.google.protobuf.Value;
import java.util.Map;

/**
 * Writes protobuf {@link Value}s as compact JSON on one line. Whole numbers are written without a
 * fraction ({@code 1}, not {@code 1.0}) so shell agents can match them as text.
 */
final class JsonWriter {

  /** Largest whole number a double holds exactly. */
  private static final double MAX_EXACT = 9007199254740992d;

  private JsonWriter() {
  }

  static String write(Value value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  private static void write(Value value, StringBuilder out) {
    switch (value.getKindCase()) {
      case STRUCT_VALUE -> {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Value> field : value.getStructValue().getFieldsMap().entrySet()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          string(field.getKey(), out);
          out.append(':');
          write(field.getValue(), out);
        }
        out.append('}');
      }
      case LIST_VALUE -> {
        out.append('[');
        boolean first = true;
        for (Value item : value.getListValue().getValuesList()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          write(item, out);
        }
        out.append(']');
      }
      case STRING_VALUE -> string(value.getStringValue(), out);
      case NUMBER_VALUE -> number(value.getNumberValue(), out);
      case BOOL_VALUE -> out.append(value.getBoolValue());
      default -> out.append("null");
    }
  }

  private static void number(double number, StringBuilder out) {
    if (Double.isNaN(number) || Double.isInfinite(number)) {
      // JSON has no NaN or infinities.
      out.append("null");
    } else if (number == Math.rint(number) && Math.abs(number) <= MAX_EXACT) {
      out.append((long) number);
    } else {
      out.append(number);
    }
  }

  private static void string(String text, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          // U+2028/2029 are valid JSON but end lines in some readers; escape them with controls.
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
