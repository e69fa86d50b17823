package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.event.Event;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Turns events into their protobuf form, remembering the last few hundred: every subscriber is
 * sent the same live events within moments of each other, and turning the stored JSON back into
 * a Struct is the costly part, so it is done once per event, not once per subscriber.
 *
 * <p>The memory is a small table indexed by the event's id (a newer event takes an older one's
 * place), not a map cleared when full. A map of 16,384 events kept every converted event alive
 * for seconds: with the 10,000-worker benchmark's 2,000 metrics events a second going to a
 * subscribed bridge that was 10 MB of objects copied by every young collection and more promoted,
 * and the collector's pauses (20–27 ms every 2 s) made the heartbeat's p99. Kept this small, an
 * entry is replaced within a fraction of a second at such rates and dies young.
 */
final class EventProtos {
    private final AtomicReferenceArray<Converted> recent;
    private final int mask;

    /** @param slots how many converted events are remembered at most (a power of two) */
    EventProtos(int slots) {
        if (slots < 1 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        recent = new AtomicReferenceArray<>(slots);
        mask = slots - 1;
    }

    dev.agentgrid.proto.v1.Event toProto(Event e) {
        int slot = slot(e.id());
        Converted c = recent.get(slot);
        if (c != null && c.seq == e.seq() && c.id.equals(e.id())) {
            return c.proto;
        }
        dev.agentgrid.proto.v1.Event proto = convert(e);
        recent.set(slot, new Converted(e.id(), e.seq(), proto));
        return proto;
    }

    private int slot(UUID id) {
        int h = id.hashCode();
        return (h ^ (h >>> 16)) & mask;
    }

    /** A remembered conversion; the seq tells the live copy of an event from its logged one. */
    private record Converted(UUID id, long seq, dev.agentgrid.proto.v1.Event proto) {
    }

    private static dev.agentgrid.proto.v1.Event convert(Event e) {
        dev.agentgrid.proto.v1.Event.Builder b = dev.agentgrid.proto.v1.Event.newBuilder()
                .setSeq(e.seq())
                .setId(e.id().toString())
                .setEventType(e.eventType())
                .setData(Json.parseStruct(e.payload()))
                .setTimestamp(ProtoTime.timestamp(e.createdAt()));
        if (e.projectId() != null) {
            b.setProjectId(e.projectId().toString());
        }
        if (e.taskId() != null) {
            b.setTaskId(e.taskId().toString());
        }
        if (e.workerId() != null) {
            b.setWorkerId(e.workerId());
        }
        if (e.agentType() != null) {
            b.setAgentType(e.agentType());
        }
        return b.build();
    }
}
