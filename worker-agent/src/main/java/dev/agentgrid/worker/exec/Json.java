package dev.agentgrid.worker.exec;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON as protobuf {@code Struct}/{@code Value}, the form the plane receives, so the worker needs no
 * JSON library of its own: a strict parser ({@link JsonReader}) and a one-line writer
 * ({@link JsonWriter}).
 */
public final class Json {

  private Json() {
  }

  /**
   * Parses a JSON object.
   *
   * @throws IllegalArgumentException if the text is not exactly one JSON object
   */
  public static Struct parseObject(String json) {
    Value value = JsonReader.parse(json);
    if (value.getKindCase() != Value.KindCase.STRUCT_VALUE) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return value.getStructValue();
  }

  /**
   * Parses any JSON value.
   *
   * @throws IllegalArgumentException if the text is not exactly one JSON value
   */
  public static Value parseValue(String json) {
    return JsonReader.parse(json);
  }

  /** Prints a value as JSON on one line. */
  public static String print(Value value) {
    return JsonWriter.write(value);
  }

  /** Prints an object as JSON on one line. */
  public static String print(Struct struct) {
    return print(Value.newBuilder().setStructValue(struct).build());
  }

  /** A JSON string value. */
  public static Value string(String text) {
    return Value.newBuilder().setStringValue(text == null ? "" : text).build();
  }

  /** A JSON number value. */
  public static Value number(double number) {
    return Value.newBuilder().setNumberValue(number).build();
  }

  /** The JSON null value. */
  public static Value nullValue() {
    return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
  }

  /**
   * Converts plain Java values (null, String, Number, Boolean, Map with string keys, Iterable,
   * arrays of Object) to a JSON value; anything else becomes its {@code toString()}.
   */
  public static Value fromJava(Object value) {
    if (value == null) {
      return nullValue();
    }
    if (value instanceof Value v) {
      return v;
    }
    if (value instanceof String s) {
      return string(s);
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      // JSON has no NaN or infinities; the plane refuses them.
      return Double.isNaN(d) || Double.isInfinite(d) ? nullValue() : number(d);
    }
    if (value instanceof Boolean b) {
      return Value.newBuilder().setBoolValue(b).build();
    }
    if (value instanceof Map<?, ?> map) {
      Struct.Builder struct = Struct.newBuilder();
      map.forEach((k, v) -> struct.putFields(String.valueOf(k), fromJava(v)));
      return Value.newBuilder().setStructValue(struct).build();
    }
    if (value instanceof Iterable<?> items) {
      ListValue.Builder list = ListValue.newBuilder();
      items.forEach(item -> list.addValues(fromJava(item)));
      return Value.newBuilder().setListValue(list).build();
    }
    if (value instanceof Object[] items) {
      return fromJava(List.of(items));
    }
    return string(value.toString());
  }

  /** Converts a JSON value to plain Java: null, String, Double, Boolean, Map or List. */
  public static Object toJava(Value value) {
    switch (value.getKindCase()) {
      case STRING_VALUE:
        return value.getStringValue();
      case NUMBER_VALUE:
        return value.getNumberValue();
      case BOOL_VALUE:
        return value.getBoolValue();
      case STRUCT_VALUE:
        return toJava(value.getStructValue());
      case LIST_VALUE:
        List<Object> list = new ArrayList<>();
        value.getListValue().getValuesList().forEach(item -> list.add(toJava(item)));
        return list;
      default:
        return null;
    }
  }

  /** Converts a JSON object to a map that keeps the field order. */
  public static Map<String, Object> toJava(Struct struct) {
    Map<String, Object> map = new LinkedHashMap<>();
    struct.getFieldsMap().forEach((k, v) -> map.put(k, toJava(v)));
    return map;
  }
}
