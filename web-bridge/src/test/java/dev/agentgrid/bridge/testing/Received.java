package dev.agentgrid.bridge.testing;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;

/** One server frame as a client received it, with accessors for the envelope's fields. */
public record Received(JsonNode json, String text) {
    private static final io.micronaut.json.JsonMapper JSON = io.micronaut.json.JsonMapper.createDefault();

    public String type() {
        return text("event_type");
    }

    /** The durable seq, or null for live-only frames. */
    @Nullable
    public Long seq() {
        JsonNode s = json.get("seq");
        return s == null || s.isNull() ? null : s.getNumberValue().longValue();
    }

    public boolean durable() {
        return seq() != null;
    }

    @Nullable
    public String projectId() {
        return text("project_id");
    }

    @Nullable
    public String taskId() {
        return text("task_id");
    }

    public JsonNode data() {
        return json.get("data");
    }

    /** A field of {@code data} as text (numbers as written, lists and objects as JSON), or null. */
    @Nullable
    public String dataText(String field) {
        JsonNode v = data() == null ? null : data().get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isString()) {
            return v.getStringValue();
        }
        try {
            return JSON.writeValueAsString(v);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The echoed client frame id as text, or null. */
    @Nullable
    public String id() {
        JsonNode v = json.get("id");
        return v == null || v.isNull() ? null : v.isString() ? v.getStringValue() : v.getNumberValue().toString();
    }

    @Nullable
    private String text(String field) {
        JsonNode v = json.get(field);
        return v == null || v.isNull() ? null : v.getStringValue();
    }

    @Override
    public String toString() {
        return text;
    }
}
