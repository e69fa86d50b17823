package dev.agentgrid.bridge.events;

/** The {@code event_type}s the bridge adds to the plane's own (which pass through unchanged). */
public final class FrameTypes {
    /** First frame on every socket: where the client stands and the socket's limits. */
    public static final String CONNECTED = "connected";
    /** The durable events a client asked for are gone (or it fell out of step): reload over REST. */
    public static final String RESYNC = "resync";
    /** A client frame succeeded. */
    public static final String ACK = "ack";
    /** A client frame failed; the socket stays open. */
    public static final String ERROR = "error";
    /** An agent starts a streamed chat reply. */
    public static final String CHAT_START = "chat:start";
    /** The next delta of a streamed reply. */
    public static final String CHAT_CHUNK = "chat:chunk";
    /** The streamed reply is complete. */
    public static final String CHAT_DONE = "chat:done";
    /** The reply (or the chat message that asked for it) failed. */
    public static final String CHAT_ERROR = "chat:error";

    /** The plane's event types the bridge looks into. */
    static final String NEW_MESSAGE = "new_message";
    static final String TASK_STATUS_CHANGE = "task_status_change";

    private FrameTypes() {
    }
}
