package dev.agentgrid.bridge.ws;

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
    /** The client read too slowly and its queue of {@code max-queued-frames} filled up. */
    public static final int SLOW_CONSUMER = 4008;

    private CloseCodes() {
    }
}
