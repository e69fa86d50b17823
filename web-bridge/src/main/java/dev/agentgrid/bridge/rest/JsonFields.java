package dev.agentgrid.bridge.rest;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the fields of a JSON request (a REST body or a WebSocket client frame), collecting every
 * missing or mistyped field as a violation instead of stopping at the first, as the plane does.
 */
public final class JsonFields {
    private final JsonNode object;
    private final List<Violation> violations = new ArrayList<>();

    /** Fields of {@code body}; a missing or non-object body is itself a violation. */
    public JsonFields(@Nullable JsonNode body) {
        if (body == null || body.isNull()) {
            violations.add(new Violation("body", "required: a JSON object"));
            this.object = JsonNode.createObjectNode(Map.of());
        } else if (!body.isObject()) {
            violations.add(new Violation("body", "expected a JSON object"));
            this.object = JsonNode.createObjectNode(Map.of());
        } else {
            this.object = body;
        }
    }

    /** Violations so far (mutable, so callers can add their own checks). */
    public List<Violation> violations() {
        return violations;
    }

    /** Adds a violation. */
    public void violation(String field, String description) {
        violations.add(new Violation(field, description));
    }

    /** A non-empty string field that must be there. */
    @Nullable
    public String requiredText(String name) {
        JsonNode v = object.get(name);
        if (v == null || v.isNull()) {
            violation(name, "required");
            return null;
        }
        if (!v.isString() || v.getStringValue().isEmpty()) {
            violation(name, "expected a non-empty string");
            return null;
        }
        return v.getStringValue();
    }

    /** A string field that may be absent (or null). */
    @Nullable
    public String optionalText(String name) {
        JsonNode v = object.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            violation(name, "expected a string");
            return null;
        }
        return v.getStringValue();
    }

    /** A JSON object field that may be absent. */
    @Nullable
    public JsonNode optionalObject(String name) {
        JsonNode v = object.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            violation(name, "expected a JSON object");
            return null;
        }
        return v;
    }

    /** A whole-number field that may be absent. */
    @Nullable
    public Long optionalLong(String name) {
        JsonNode v = object.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || v.getNumberValue().doubleValue() != Math.rint(v.getNumberValue().doubleValue())) {
            violation(name, "expected a whole number");
            return null;
        }
        return v.getNumberValue().longValue();
    }

    /** A number field that may be absent. */
    @Nullable
    public Double optionalNumber(String name) {
        JsonNode v = object.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            violation(name, "expected a number");
            return null;
        }
        return v.getNumberValue().doubleValue();
    }

    /** A boolean field that may be absent. */
    @Nullable
    public Boolean optionalBoolean(String name) {
        JsonNode v = object.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            violation(name, "expected true or false");
            return null;
        }
        return v.getBooleanValue();
    }

    /** A list of strings that may be absent (then empty). */
    public List<String> optionalTextList(String name) {
        JsonNode v = object.get(name);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            violation(name, "expected a list of strings");
            return out;
        }
        int i = 0;
        for (JsonNode item : v.values()) {
            if (!item.isString()) {
                violation(name + "[" + i + "]", "expected a string");
            } else {
                out.add(item.getStringValue());
            }
            i++;
        }
        return out;
    }

    /** A string-to-string object that may be absent (then empty). */
    public Map<String, String> optionalTextMap(String name) {
        JsonNode v = object.get(name);
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            violation(name, "expected a JSON object of strings");
            return out;
        }
        for (Map.Entry<String, JsonNode> e : v.entries()) {
            if (!e.getValue().isString()) {
                violation(name + "." + e.getKey(), "expected a string");
            } else {
                out.put(e.getKey(), e.getValue().getStringValue());
            }
        }
        return out;
    }

    /** Throws the collected violations as a 400, if any. */
    public void throwIfAny(String message) {
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(message, violations);
        }
    }
}
