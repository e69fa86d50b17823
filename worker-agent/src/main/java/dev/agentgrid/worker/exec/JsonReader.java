package dev.agentgrid.worker.exec;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

/**
 * A strict JSON (RFC 8259) parser into protobuf {@link Value}s. Protobuf's own {@code JsonFormat}
 * is lenient (unquoted keys, single quotes, trailing text), which would make lines that are not
 * JSON count as protocol messages.
 */
final class JsonReader {

  /** Deepest nesting accepted; deeper input is refused rather than overflowing the stack. */
  static final int MAX_DEPTH = 100;

  private final String text;
  private int pos;

  private JsonReader(String text) {
    this.text = text;
  }

  /**
   * Parses exactly one JSON value, with nothing but whitespace around it.
   *
   * @throws IllegalArgumentException with the position of the first problem
   */
  static Value parse(String text) {
    JsonReader reader = new JsonReader(text);
    reader.skipWhitespace();
    Value value = reader.value(0);
    reader.skipWhitespace();
    if (reader.pos != text.length()) {
      throw reader.error("unexpected text after the value");
    }
    return value;
  }

  private Value value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nested more than " + MAX_DEPTH + " levels");
    }
    if (pos >= text.length()) {
      throw error("unexpected end");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return Value.newBuilder().setStructValue(object(depth)).build();
      case '[':
        return Value.newBuilder().setListValue(array(depth)).build();
      case '"':
        return Value.newBuilder().setStringValue(string()).build();
      case 't':
        literal("true");
        return Value.newBuilder().setBoolValue(true).build();
      case 'f':
        literal("false");
        return Value.newBuilder().setBoolValue(false).build();
      case 'n':
        literal("null");
        return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return Value.newBuilder().setNumberValue(number()).build();
        }
        throw error("unexpected character '" + c + "'");
    }
  }

  private Struct object(int depth) {
    Struct.Builder struct = Struct.newBuilder();
    pos++;
    skipWhitespace();
    if (peek('}')) {
      pos++;
      return struct.build();
    }
    while (true) {
      skipWhitespace();
      if (!peek('"')) {
        throw error("expected a quoted key");
      }
      String key = string();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      struct.putFields(key, value(depth + 1));
      skipWhitespace();
      if (peek(',')) {
        pos++;
      } else if (peek('}')) {
        pos++;
        return struct.build();
      } else {
        throw error("expected ',' or '}'");
      }
    }
  }

  private ListValue array(int depth) {
    ListValue.Builder list = ListValue.newBuilder();
    pos++;
    skipWhitespace();
    if (peek(']')) {
      pos++;
      return list.build();
    }
    while (true) {
      skipWhitespace();
      list.addValues(value(depth + 1));
      skipWhitespace();
      if (peek(',')) {
        pos++;
      } else if (peek(']')) {
        pos++;
        return list.build();
      } else {
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() {
    pos++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw error("control character in string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= text.length()) {
        throw error("unterminated escape");
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw error("short \\u escape");
          }
          try {
            out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          } catch (NumberFormatException ex) {
            throw error("bad \\u escape");
          }
          pos += 4;
        }
        default -> throw error("bad escape '\\" + e + "'");
      }
    }
  }

  private double number() {
    int start = pos;
    if (peek('-')) {
      pos++;
    }
    if (peek('0')) {
      pos++;
    } else if (digitAhead()) {
      digits();
    } else {
      throw error("bad number");
    }
    if (peek('.')) {
      pos++;
      if (!digitAhead()) {
        throw error("bad number");
      }
      digits();
    }
    if (peek('e') || peek('E')) {
      pos++;
      if (peek('+') || peek('-')) {
        pos++;
      }
      if (!digitAhead()) {
        throw error("bad number");
      }
      digits();
    }
    return Double.parseDouble(text.substring(start, pos));
  }

  private void digits() {
    while (digitAhead()) {
      pos++;
    }
  }

  private boolean digitAhead() {
    return pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9';
  }

  private void literal(String word) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected word");
    }
    pos += word.length();
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private IllegalArgumentException error(String problem) {
    return new IllegalArgumentException(problem + " at position " + pos);
  }
}
