package dev.agentgrid.controlplane.common;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * JSON as the store keeps it (text) and as the contract carries it (protobuf Struct/Value).
 * Struct, Value and ListValue go through {@link StructJson}; other messages (rare, e.g. a
 * worker's inventory) through protobuf's {@code JsonFormat}.
 */
public final class Json {
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

    private Json() {
    }

    /** Prints a Struct, Value or ListValue (or any message, slower) as compact JSON. */
    public static String print(com.google.protobuf.MessageOrBuilder message) {
        if (message instanceof Struct s) {
            return StructJson.print(s);
        }
        if (message instanceof Value v) {
            return StructJson.print(v);
        }
        if (message instanceof ListValue l) {
            return StructJson.print(l);
        }
        if (message instanceof Struct.Builder s) {
            return StructJson.print(s.build());
        }
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Parses a JSON object; null or empty text is the empty object. */
    public static Struct parseStruct(String json) {
        if (json == null || json.isEmpty()) {
            return Struct.getDefaultInstance();
        }
        try {
            return StructJson.parseStruct(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored JSON object is corrupt", e);
        }
    }

    /** Parses any JSON value; null or empty text is JSON null. */
    public static Value parseValue(String json) {
        if (json == null || json.isEmpty()) {
            return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
        }
        try {
            return StructJson.parseValue(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored JSON value is corrupt", e);
        }
    }

    /** Parses a JSON string-to-string object (labels). */
    public static Map<String, String> parseStringMap(String json) {
        Map<String, String> out = new java.util.TreeMap<>();
        parseStruct(json).getFieldsMap().forEach((k, v) -> out.put(k, v.getStringValue()));
        return out;
    }

    /** Prints a string-to-string map as a JSON object, keys sorted. */
    public static String printStringMap(Map<String, String> map) {
        Struct.Builder b = Struct.newBuilder();
        new java.util.TreeMap<>(map).forEach((k, v) -> b.putFields(k, Value.newBuilder().setStringValue(v).build()));
        return print(b);
    }

    /**
     * Builds a JSON object from alternating keys and values (String, Number, Boolean, Instant,
     * Map, Collection, Value, null).
     */
    public static Struct object(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must pair up");
        }
        Struct.Builder b = Struct.newBuilder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            b.putFields((String) keysAndValues[i], value(keysAndValues[i + 1]));
        }
        return b.build();
    }

    /** Converts a Java value to a JSON value. */
    public static Value value(Object v) {
        Value.Builder b = Value.newBuilder();
        if (v == null) {
            b.setNullValue(NullValue.NULL_VALUE);
        } else if (v instanceof Value value) {
            return value;
        } else if (v instanceof Struct struct) {
            b.setStructValue(struct);
        } else if (v instanceof String s) {
            b.setStringValue(s);
        } else if (v instanceof Number n) {
            b.setNumberValue(n.doubleValue());
        } else if (v instanceof Boolean bool) {
            b.setBoolValue(bool);
        } else if (v instanceof Instant t) {
            b.setStringValue(t.toString());
        } else if (v instanceof Enum<?> e) {
            b.setStringValue(e.name().toLowerCase(java.util.Locale.ROOT));
        } else if (v instanceof Map<?, ?> map) {
            Struct.Builder s = Struct.newBuilder();
            map.forEach((k, val) -> s.putFields(String.valueOf(k), value(val)));
            b.setStructValue(s);
        } else if (v instanceof Collection<?> list) {
            ListValue.Builder l = ListValue.newBuilder();
            list.forEach(item -> l.addValues(value(item)));
            b.setListValue(l);
        } else {
            b.setStringValue(v.toString());
        }
        return b.build();
    }
}
