package dev.agentgrid.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The bridge's own count of the sockets it closed, by reason, from its {@code /healthz}. A client
 * whose close frame never arrives sees only code 1006; the bridge knows whether it gave up on the
 * socket as a slow consumer or as idle.
 *
 * @param slowConsumer sockets closed because their queue filled up
 * @param idle sockets closed because they sent nothing for the idle timeout
 */
record BridgeCloses(long slowConsumer, long idle) {
    // An overloaded bridge (its heap at the cap after the full fan-out load) took over 10 s to answer.
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Reads the counters from the bridge at {@code baseUrl} ({@code http://host:port}). */
    static BridgeCloses read(HttpClient http, String baseUrl) throws Exception {
        URI uri = URI.create(baseUrl.replaceAll("/+$", "") + "/healthz");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        // /healthz answers 503 while the plane is unreachable, with the same body.
        return parse(r.body());
    }

    /** The counters in a {@code /healthz} body. */
    static BridgeCloses parse(String healthz) {
        JsonObject ws = JsonParser.parseString(healthz).getAsJsonObject().getAsJsonObject("websocket");
        if (ws == null || !ws.has("closed_slow_consumer") || !ws.has("closed_idle")) {
            throw new IllegalArgumentException("no websocket close counters in /healthz: " + healthz);
        }
        return new BridgeCloses(ws.get("closed_slow_consumer").getAsLong(), ws.get("closed_idle").getAsLong());
    }

    /** What was closed since {@code before}. */
    BridgeCloses since(BridgeCloses before) {
        return new BridgeCloses(slowConsumer - before.slowConsumer, idle - before.idle);
    }
}
