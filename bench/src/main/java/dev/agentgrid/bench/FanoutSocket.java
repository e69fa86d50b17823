package dev.agentgrid.bench;

import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One fan-out client: counts the event frames of the tally's type it receives and times them
 * against the event's own timestamp. The bridge's first frame on a socket is {@code connected},
 * listing its rooms; {@link #connected} completes then.
 */
final class FanoutSocket implements WebSocket.Listener {
    final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final int index;
    private final FanoutTally tally;
    private final EventFrames frames = new EventFrames();
    private final StringBuilder partial = new StringBuilder();
    private long lastSeq = -1;
    private volatile boolean closedByServer;

    FanoutSocket(int index, FanoutTally tally) {
        this.index = index;
        this.tally = tally;
    }

    @Override
    public void onOpen(WebSocket ws) {
        // Frames are handled as they come; no backpressure from this side.
        ws.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        long received = tally.clock.epochNanos();
        if (!last) {
            partial.append(data);
            return null;
        }
        CharSequence frame = data;
        if (partial.length() > 0) {
            frame = partial.append(data).toString();
            partial.setLength(0);
        }
        String project = tally.projectId();
        if (project != null && EventFrames.isType(frame, tally.eventType()) && EventFrames.isProject(frame, project)) {
            long seq = EventFrames.seq(frame);
            boolean duplicate = seq >= 0 && seq <= lastSeq;
            lastSeq = Math.max(lastSeq, seq);
            tally.delivered(index, seq, frames.timestampEpochNanos(frame), received, duplicate);
        } else if (!connected.isDone() && EventFrames.isType(frame, "connected")) {
            connected.complete(null);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closedByServer = true;
        tally.closed(statusCode);
        connected.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason));
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        if (!closedByServer) {
            closedByServer = true;
            tally.closed(1006); // abnormal closure: the connection broke without a close frame
        }
        connected.completeExceptionally(error);
    }

    boolean closedByServer() {
        return closedByServer;
    }
}
