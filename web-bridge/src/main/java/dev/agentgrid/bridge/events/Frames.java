package dev.agentgrid.bridge.events;

import dev.agentgrid.bridge.plane.ProtoJson;
import dev.agentgrid.proto.v1.Event;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/** Serialises server frames: the plane's events, and the frames the bridge makes itself. */
@Singleton
public class Frames {
    private final JsonMapper mapper;

    public Frames(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** A plane event as a frame, {@code data} being the event's data object. */
    public HubEvent event(Event e) {
        Frame f = new Frame(e.getEventType(), null, e.getSeq() > 0 ? e.getSeq() : null, blankToNull(e.getProjectId()),
                blankToNull(e.getTaskId()), blankToNull(e.getAgentType()), blankToNull(e.getWorkerId()),
                ProtoJson.tree(e.getData()), timestamp(e));
        return new HubEvent(e.getSeq(), e.getEventType(), f.projectId(), f.taskId(), f.workerId(), write(f));
    }

    /** A live-only frame the bridge derives from an event (e.g. the chat frames). */
    public HubEvent derived(String type, Event from, JsonNode data) {
        Frame f = new Frame(type, null, null, blankToNull(from.getProjectId()), blankToNull(from.getTaskId()),
                blankToNull(from.getAgentType()), null, data, timestamp(from));
        return new HubEvent(0, type, f.projectId(), f.taskId(), null, write(f));
    }

    /** A frame addressed to one client ({@code connected}, {@code resync}, {@code ack}, {@code error}, ...). */
    public HubEvent reply(String type, @Nullable JsonNode id, @Nullable String taskId, JsonNode data, Instant now) {
        Frame f = new Frame(type, id, null, null, taskId, null, null, data, now.toString());
        return new HubEvent(0, type, null, taskId, null, write(f));
    }

    private static String timestamp(Event e) {
        String t = ProtoJson.time(e.getTimestamp());
        return t == null ? Instant.now().toString() : t;
    }

    private byte[] write(Frame f) {
        try {
            return mapper.writeValueAsBytes(f);
        } catch (IOException e) {
            throw new UncheckedIOException("frame not serialisable: " + f.eventType(), e);
        }
    }

    @Nullable
    static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
