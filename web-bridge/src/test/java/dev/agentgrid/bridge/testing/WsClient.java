package dev.agentgrid.bridge.testing;

import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real WebSocket client (the JDK's) that collects the server's frames. It reads one message at a
 * time; {@link #pause()} stops reading altogether, as a stuck browser tab would, and
 * {@link #resume()} reads again. The JDK answers pings by itself.
 */
public final class WsClient implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(20);
    private static final JsonMapper JSON = JsonMapper.createDefault();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public final BlockingQueue<Received> frames = new LinkedBlockingQueue<>();
    public final CompletableFuture<Closed> closed = new CompletableFuture<>();
    public final AtomicInteger pings = new AtomicInteger();
    private final AtomicInteger received = new AtomicInteger();
    private volatile WebSocket socket;
    private volatile boolean paused;

    /** How the server closed the socket. */
    public record Closed(int code, String reason) {
    }

    private WsClient() {
    }

    /** Opens a socket; {@code headers} may carry Origin or Last-Event-ID. Fails on a refused upgrade. */
    public static WsClient connect(URI uri, Map<String, String> headers) {
        WsClient c = new WsClient();
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        try {
            c.socket = b.buildAsync(uri, c.new Listener()).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new CompletionException(cause);
        }
        return c;
    }

    /** The refused upgrade's HTTP status and body. */
    public static Refusal refused(URI uri, Map<String, String> headers) {
        try {
            WsClient c = connect(uri, headers);
            c.close();
            throw new AssertionError("the upgrade to " + uri + " was accepted");
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return new Refusal(h.getResponse().statusCode(), String.valueOf(h.getResponse().body()));
            }
            throw e;
        }
    }

    /** A refused upgrade. */
    public record Refusal(int status, String body) {
    }

    /** Sends a text message. */
    public void send(String text) {
        socket.sendText(text, true).join();
    }

    /** Sends a text message in fragments. */
    public void sendFragments(String... parts) {
        for (int i = 0; i < parts.length; i++) {
            socket.sendText(parts[i], i == parts.length - 1).join();
        }
    }

    /** Sends a binary message. */
    public void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /** Stops reading from the socket. */
    public void pause() {
        paused = true;
    }

    /** Reads again, everything the server sent meanwhile. */
    public void resume() {
        paused = false;
        socket.request(Long.MAX_VALUE);
    }

    /** The next frame matching {@code which}; the frames skipped on the way are returned in {@code skipped}. */
    public Received next(Predicate<Received> which, List<Received> skipped) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Received r = frames.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new AssertionError("no matching frame within " + WAIT + "; skipped " + skipped
                        + (closed.isDone() ? "; socket closed: " + closed.join() : ""));
            }
            if (which.test(r)) {
                return r;
            }
            skipped.add(r);
        }
    }

    /** The next frame matching {@code which}, skipping others. */
    public Received next(Predicate<Received> which) throws InterruptedException {
        return next(which, new ArrayList<>());
    }

    /** The next frame of a type. */
    public Received next(String type) throws InterruptedException {
        return next(r -> type.equals(r.type()));
    }

    /** How the server closed the socket, within a bounded wait. */
    public Closed awaitClosed() {
        try {
            return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the socket was not closed within " + WAIT, e);
        }
    }

    public int receivedCount() {
        return received.get();
    }

    @Override
    public void close() {
        WebSocket s = socket;
        if (s != null && !s.isOutputClosed()) {
            try {
                s.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // Closed already.
            }
        }
        if (s != null) {
            s.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode node = JSON.readValue(text, JsonNode.class);
                    frames.add(new Received(node, text));
                } catch (IOException e) {
                    throw new UncheckedIOException("the server sent invalid JSON: " + text, e);
                }
                received.incrementAndGet();
            }
            if (!paused) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            pings.incrementAndGet();
            if (!paused) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Closed(1006, String.valueOf(error)));
        }
    }
}
