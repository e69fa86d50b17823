package dev.agentgrid.controlplane.event;

/** Where a subscription delivers; implemented by the transport (the gRPC stream). */
public interface EventSink {
    /** Whether the transport can take another message without buffering. */
    boolean isReady();

    /** Delivers one event. */
    void send(Event event);

    /** Tells the subscriber that the history it asked for is gone. */
    void resync(long oldestSeq, long latestSeq);

    /** Ends the stream because the subscription failed. */
    void fail(Throwable error);

    /** Ends the stream normally (server shutting down). */
    void complete();
}
