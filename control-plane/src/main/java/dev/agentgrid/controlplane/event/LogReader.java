package dev.agentgrid.controlplane.event;

import java.util.List;

/** What a subscription reads from the event log (each call in its own read transaction). */
interface LogReader {
    /** The latest committed sequence number. */
    long latestSeq();

    /** Matching events with {@code after < seq <= upTo}, in order, at most {@code limit}. */
    List<Event> read(long after, long upTo, EventFilter filter, int limit);
}
