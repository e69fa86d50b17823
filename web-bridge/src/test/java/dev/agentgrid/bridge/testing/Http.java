package dev.agentgrid.bridge.testing;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A plain HTTP client for the REST facade, returning status, headers and the body as JSON (or bytes). */
public final class Http {
    private static final JsonMapper JSON = JsonMapper.createDefault();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    public Http(URI base) {
        this.base = base;
    }

    /** One answer. */
    public record Answer(int status, java.net.http.HttpHeaders headers, byte[] bytes) {
        /** The body as JSON (null when empty). */
        @Nullable
        public JsonNode json() {
            if (bytes.length == 0) {
                return null;
            }
            try {
                return JSON.readValue(bytes, JsonNode.class);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + new String(bytes), e);
            }
        }

        public String contentType() {
            return headers.firstValue("content-type").orElse("");
        }

        /** A text field of the JSON body. */
        @Nullable
        public String text(String field) {
            JsonNode v = json().get(field);
            return v == null || v.isNull() ? null : v.getStringValue();
        }

        @Override
        public String toString() {
            return status + " " + new String(bytes);
        }
    }

    public Answer get(String path) {
        return send("GET", path, null, Map.of());
    }

    public Answer post(String path, @Nullable String json) {
        return send("POST", path, json, Map.of());
    }

    public Answer delete(String path, @Nullable String json) {
        return send("DELETE", path, json, Map.of());
    }

    /** Any request; {@code json} is sent as application/json when not null. */
    public Answer send(String method, String path, @Nullable String json, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        headers.forEach(b::header);
        if (json != null) {
            if (headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
                b.header("Content-Type", "application/json");
            }
            b.method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
