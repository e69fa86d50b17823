package dev.agentgrid.bridge.ws;

import java.nio.charset.StandardCharsets;

/** WebSocket close codes the bridge uses, and why. */
public final class CloseCodes {
    /** The bridge is shutting down; reconnect (to another bridge) and resume. */
    public static final int GOING_AWAY = 1001;
    /** Policy: too many sockets from the client's address (checked again after the upgrade). */
    public static final int POLICY_VIOLATION = 1008;
    /** A client message (all its fragments) was larger than {@code max-frame-bytes}. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** The control plane could not be read to replay history; reconnect later and resume. */
    public static final int TRY_AGAIN_LATER = 1013;
    /** The socket sent nothing, not even a pong, for {@code idle-timeout}. */
    public static final int IDLE_TIMEOUT = 4000;
    /**
     * The client read too slowly: its queue of {@code max-queued-frames} filled up, or the
     * bridge's {@code max-queued-bytes-total} was spent while it held more than its share.
     */
    public static final int SLOW_CONSUMER = 4008;
    /** Longest reason a close frame may carry, in UTF-8 bytes (RFC 6455: 125 bytes less the code). */
    static final int MAX_REASON_BYTES = 123;

    private CloseCodes() {
    }

    /**
     * A close reason cut to what a close frame can carry: a longer one makes the client fail the
     * connection (code 1006) instead of seeing the code and the reason.
     */
    static String reason(String reason) {
        if (reason.getBytes(StandardCharsets.UTF_8).length <= MAX_REASON_BYTES) {
            return reason;
        }
        // Whole characters (code points) up to the limit, less the three bytes of the ellipsis.
        int bytes = 0;
        int end = 0;
        while (end < reason.length()) {
            int cp = reason.codePointAt(end);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > MAX_REASON_BYTES - 3) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return reason.substring(0, end) + "…";
    }
}
