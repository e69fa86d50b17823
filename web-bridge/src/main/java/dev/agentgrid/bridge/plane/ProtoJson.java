package dev.agentgrid.bridge.plane;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts the plane's schema-free protobuf JSON ({@code Struct}, {@code Value}) to and from the
 * JSON tree the HTTP side serialises, and timestamps to ISO-8601 text.
 */
public final class ProtoJson {
    /** Doubles with no fraction up to this size print as integers ("progress": 50, not 50.0). */
    private static final double MAX_EXACT_INTEGER = 9_007_199_254_740_992d;

    private ProtoJson() {
    }

    /** A Struct as a JSON object. */
    public static JsonNode tree(Struct struct) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        struct.getFieldsMap().forEach((k, v) -> fields.put(k, tree(v)));
        return JsonNode.createObjectNode(fields);
    }

    /** A Value as JSON. */
    public static JsonNode tree(Value value) {
        switch (value.getKindCase()) {
            case STRUCT_VALUE:
                return tree(value.getStructValue());
            case LIST_VALUE:
                List<JsonNode> items = new ArrayList<>();
                value.getListValue().getValuesList().forEach(v -> items.add(tree(v)));
                return JsonNode.createArrayNode(items);
            case STRING_VALUE:
                return JsonNode.createStringNode(value.getStringValue());
            case BOOL_VALUE:
                return JsonNode.createBooleanNode(value.getBoolValue());
            case NUMBER_VALUE:
                double d = value.getNumberValue();
                if (d == Math.rint(d) && Math.abs(d) < MAX_EXACT_INTEGER) {
                    return JsonNode.createNumberNode((long) d);
                }
                return JsonNode.createNumberNode(d);
            default:
                return JsonNode.nullNode();
        }
    }

    /** A JSON object as a Struct; null is the empty Struct. */
    public static Struct struct(@Nullable JsonNode node) {
        Struct.Builder b = Struct.newBuilder();
        if (node != null && node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.entries()) {
                b.putFields(e.getKey(), value(e.getValue()));
            }
        }
        return b.build();
    }

    /** Any JSON as a Value. */
    public static Value value(@Nullable JsonNode node) {
        Value.Builder b = Value.newBuilder();
        if (node == null || node.isNull()) {
            b.setNullValue(NullValue.NULL_VALUE);
        } else if (node.isObject()) {
            b.setStructValue(struct(node));
        } else if (node.isArray()) {
            ListValue.Builder l = ListValue.newBuilder();
            node.values().forEach(v -> l.addValues(value(v)));
            b.setListValue(l);
        } else if (node.isString()) {
            b.setStringValue(node.getStringValue());
        } else if (node.isBoolean()) {
            b.setBoolValue(node.getBooleanValue());
        } else if (node.isNumber()) {
            b.setNumberValue(node.getNumberValue().doubleValue());
        } else {
            b.setNullValue(NullValue.NULL_VALUE);
        }
        return b.build();
    }

    /** A timestamp as ISO-8601 text; null when unset. */
    @Nullable
    public static String time(Timestamp t) {
        if (t == null || (t.getSeconds() == 0 && t.getNanos() == 0)) {
            return null;
        }
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
    }

    /** Whether a message field is set, for optional timestamps (proto3 has no presence on plain getters). */
    @Nullable
    public static String time(boolean present, Timestamp t) {
        return present ? time(t) : null;
    }

    /**
     * A JSON object from alternating names and values: String, Number, Boolean, JsonNode, a
     * List of those, or null.
     */
    public static JsonNode object(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must pair up");
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put((String) namesAndValues[i], node(namesAndValues[i + 1]));
        }
        return JsonNode.createObjectNode(fields);
    }

    /** One Java value as JSON (see {@link #object}). */
    public static JsonNode node(@Nullable Object v) {
        if (v == null) {
            return JsonNode.nullNode();
        } else if (v instanceof JsonNode n) {
            return n;
        } else if (v instanceof Long l) {
            return JsonNode.createNumberNode(l);
        } else if (v instanceof Integer n) {
            return JsonNode.createNumberNode(n);
        } else if (v instanceof Double d) {
            return JsonNode.createNumberNode(d);
        } else if (v instanceof Boolean b) {
            return JsonNode.createBooleanNode(b);
        } else if (v instanceof List<?> list) {
            List<JsonNode> items = new ArrayList<>(list.size());
            list.forEach(item -> items.add(node(item)));
            return JsonNode.createArrayNode(items);
        }
        return JsonNode.createStringNode(v.toString());
    }
}
