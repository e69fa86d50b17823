package dev.agentgrid.bridge.events;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.agentgrid.proto.v1.Event;
import dev.agentgrid.bridge.plane.ProtoJson;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a task's streamed agent output into the chat protocol the seeds' dashboards speak. An
 * agent chunk ({@code new_message} with {@code "stream": "agent"}) opens a reply with
 * {@code chat:start} if none is open for the task, and is sent as {@code chat:chunk}; a chunk
 * marked {@code end_of_message} closes it with {@code chat:done}. A task that fails, is cancelled
 * or goes back to pending while a reply is open ends it with {@code chat:error}; one that
 * completes ends it with {@code chat:done}. The {@code new_message} events themselves still pass
 * through. Only the hub's stream thread calls this, in event order.
 */
final class ChatStreams {
    /** Replies open at once; beyond it the oldest is forgotten (its client sees no chat:done). */
    static final int MAX_OPEN = 10_000;

    private final Frames frames;
    private final Set<String> open = new LinkedHashSet<>();

    ChatStreams(Frames frames) {
        this.frames = frames;
    }

    /** The chat frames {@code e} makes, in order; usually none. */
    List<HubEvent> translate(Event e) {
        if (e.getTaskId().isEmpty()) {
            return List.of();
        }
        if (e.getEventType().equals(FrameTypes.NEW_MESSAGE) && "agent".equals(text(e.getData(), "stream"))) {
            return chunk(e);
        }
        if (e.getEventType().equals(FrameTypes.TASK_STATUS_CHANGE) && open.contains(e.getTaskId())) {
            return statusChanged(e);
        }
        return List.of();
    }

    /** Forgets every open reply (the hub lost track of the stream). */
    void clear() {
        open.clear();
    }

    int openReplies() {
        return open.size();
    }

    private List<HubEvent> chunk(Event e) {
        String task = e.getTaskId();
        String delta = text(e.getData(), "message");
        boolean end = e.getData().getFieldsOrDefault("end_of_message", Value.getDefaultInstance()).getBoolValue();
        List<HubEvent> out = new ArrayList<>(3);
        if (!open.contains(task)) {
            if (delta.isEmpty()) {
                // A bare end marker for a reply this bridge never saw start.
                return List.of();
            }
            if (open.size() >= MAX_OPEN) {
                open.remove(open.iterator().next());
            }
            open.add(task);
            out.add(frames.derived(FrameTypes.CHAT_START, e, ProtoJson.object("task_id", task, "agent_type", e.getAgentType(),
                    "attempt", number(e.getData(), "attempt"))));
        }
        if (!delta.isEmpty()) {
            out.add(frames.derived(FrameTypes.CHAT_CHUNK, e, ProtoJson.object("task_id", task, "delta", delta,
                    "sequence", number(e.getData(), "sequence"))));
        }
        if (end) {
            open.remove(task);
            out.add(frames.derived(FrameTypes.CHAT_DONE, e, ProtoJson.object("task_id", task)));
        }
        return out;
    }

    private List<HubEvent> statusChanged(Event e) {
        String status = text(e.getData(), "status");
        String task = e.getTaskId();
        switch (status) {
            case "completed":
                open.remove(task);
                return List.of(frames.derived(FrameTypes.CHAT_DONE, e, ProtoJson.object("task_id", task)));
            case "failed":
            case "cancelled":
            case "pending":
                open.remove(task);
                String reason = text(e.getData(), "reason");
                String message = "pending".equals(status) ? "the attempt ended before the reply did" : "task " + status;
                return List.of(frames.derived(FrameTypes.CHAT_ERROR, e, ProtoJson.object("task_id", task,
                        "message", reason.isEmpty() ? message : message + ": " + reason)));
            default:
                return List.of();
        }
    }

    private static String text(Struct data, String field) {
        return data.getFieldsOrDefault(field, Value.getDefaultInstance()).getStringValue();
    }

    private static Object number(Struct data, String field) {
        Value v = data.getFieldsOrDefault(field, Value.getDefaultInstance());
        return v.hasNumberValue() ? (Object) (long) v.getNumberValue() : null;
    }
}
