package dev.agentgrid.bridge.ws;

import dev.agentgrid.bridge.events.FrameTypes;
import dev.agentgrid.bridge.events.Frames;
import dev.agentgrid.bridge.plane.Calls;
import dev.agentgrid.bridge.plane.PlaneChannel;
import dev.agentgrid.bridge.plane.ProtoJson;
import dev.agentgrid.bridge.rest.EnumNames;
import dev.agentgrid.bridge.rest.Failure;
import dev.agentgrid.bridge.rest.GrpcProblems;
import dev.agentgrid.bridge.rest.JsonFields;
import dev.agentgrid.bridge.rest.Violation;
import dev.agentgrid.bridge.time.Scheduler;
import dev.agentgrid.proto.v1.CancelTaskRequest;
import dev.agentgrid.proto.v1.HitlAction;
import dev.agentgrid.proto.v1.RespondHitlRequestRequest;
import dev.agentgrid.proto.v1.SendTaskMessageRequest;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Client frames: JSON objects with a {@code type} and an optional {@code id} that the reply
 * echoes. {@code subscribe}/{@code unsubscribe} a room, {@code hitl:respond}, {@code chat:send},
 * {@code chat:cancel} and {@code ping}. Success is an {@code ack} frame, any failure (malformed
 * JSON, unknown type, missing fields, the plane's refusal) an {@code error} frame; the socket
 * stays open either way. Calls to the plane are asynchronous: nothing here blocks the event loop.
 */
@Singleton
public class ClientFrames {
    static final int MAX_ID_LENGTH = 128;

    private final PlaneChannel plane;
    private final Frames frames;
    private final JsonMapper mapper;
    private final Scheduler scheduler;

    public ClientFrames(PlaneChannel plane, Frames frames, JsonMapper mapper, Scheduler scheduler) {
        this.plane = plane;
        this.frames = frames;
        this.mapper = mapper;
        this.scheduler = scheduler;
    }

    /** The JSON of a client message, or null if it is not valid JSON. */
    @Nullable
    JsonNode parse(String text) {
        try {
            return mapper.readValue(text, JsonNode.class);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The {@code id} to echo, if the message has a usable one. */
    @Nullable
    static JsonNode id(@Nullable JsonNode message) {
        if (message == null || !message.isObject()) {
            return null;
        }
        JsonNode id = message.get("id");
        if (id == null || id.isNull()) {
            return null;
        }
        if (id.isNumber() || id.isString() && id.getStringValue().length() <= MAX_ID_LENGTH) {
            return id;
        }
        return null;
    }

    /** Handles one complete client message. */
    void handle(ClientSession s, String text) {
        JsonNode message = parse(text);
        if (message == null) {
            error(s, null, GrpcProblems.invalid("malformed JSON: the message is not a JSON document", List.of()));
            return;
        }
        JsonNode id = id(message);
        if (!message.isObject()) {
            error(s, id, GrpcProblems.invalid("expected a JSON object with a \"type\"", List.of()));
            return;
        }
        JsonNode rawId = message.get("id");
        if (rawId != null && !rawId.isNull() && id == null) {
            error(s, null, invalid("bad id", "id", "expected a string of at most " + MAX_ID_LENGTH
                    + " characters or a number"));
            return;
        }
        JsonFields f = new JsonFields(message);
        String type = f.requiredText("type");
        if (type == null) {
            error(s, id, GrpcProblems.invalid("invalid frame", f.violations()));
            return;
        }
        switch (type) {
            case "subscribe":
                subscribe(s, id, f, true);
                break;
            case "unsubscribe":
                subscribe(s, id, f, false);
                break;
            case "hitl:respond":
                respond(s, id, f);
                break;
            case "chat:send":
                chatSend(s, id, f);
                break;
            case "chat:cancel":
                chatCancel(s, id, f);
                break;
            case "ping":
                ack(s, id, null, ProtoJson.object("pong", true));
                break;
            default:
                error(s, id, invalid("unknown frame type", "type", clip(type)
                        + " (expected one of subscribe, unsubscribe, hitl:respond, chat:send, chat:cancel, ping)"));
        }
    }

    private void subscribe(ClientSession s, JsonNode id, JsonFields f, boolean join) {
        String name = f.requiredText("room");
        if (name == null) {
            error(s, id, GrpcProblems.invalid("invalid " + (join ? "subscribe" : "unsubscribe") + " frame", f.violations()));
            return;
        }
        Room room;
        try {
            room = Room.parse(name);
        } catch (IllegalArgumentException e) {
            error(s, id, invalid("invalid room", "room", e.getMessage()));
            return;
        }
        if (join) {
            if (!s.join(room)) {
                error(s, id, new Failure(429, "RESOURCE_EXHAUSTED", "Too many requests",
                        "a socket may be in at most " + ClientSession.MAX_ROOMS + " rooms", List.of()));
                return;
            }
        } else {
            s.leave(room);
        }
        ack(s, id, null, ProtoJson.object("room", room.name(), "rooms", s.roomNames()));
    }

    private void respond(ClientSession s, JsonNode id, JsonFields f) {
        String requestId = f.requiredText("request_id");
        String action = f.requiredText("action");
        String content = f.optionalText("response_content");
        String responder = f.optionalText("responder");
        HitlAction parsed = null;
        if (action != null) {
            try {
                parsed = EnumNames.parse(HitlAction.class, "HITL_ACTION_", action);
            } catch (IllegalArgumentException e) {
                f.violations().add(new Violation("action", e.getMessage()));
            }
        }
        if (!f.violations().isEmpty()) {
            error(s, id, GrpcProblems.invalid("invalid hitl:respond frame", f.violations()));
            return;
        }
        RespondHitlRequestRequest.Builder b = RespondHitlRequestRequest.newBuilder().setRequestId(requestId)
                .setAction(parsed);
        if (content != null) {
            b.setResponseContent(content);
        }
        if (responder != null) {
            b.setResponder(responder);
        }
        call(s, id, null, Calls.of(plane.hitl().respondHitlRequest(b.build())), r -> ProtoJson.object(
                "request_id", r.getRequest().getId(),
                "new_status", EnumNames.name(r.getRequest().getStatus(), "HITL_STATUS_"),
                "action", EnumNames.name(r.getRequest().getAction(), "HITL_ACTION_"),
                "task_id", r.getRequest().getTaskId()));
    }

    private void chatSend(ClientSession s, JsonNode id, JsonFields f) {
        String taskId = f.requiredText("task_id");
        String content = f.requiredText("content");
        JsonNode metadata = f.optionalObject("metadata");
        Room room = null;
        if (taskId != null) {
            try {
                room = Room.task(taskId);
            } catch (IllegalArgumentException e) {
                f.violations().add(new Violation("task_id", e.getMessage()));
            }
        }
        if (!f.violations().isEmpty()) {
            Failure failure = GrpcProblems.invalid("invalid chat:send frame", f.violations());
            error(s, id, failure);
            chatError(s, id, room == null ? null : room.id(), failure);
            return;
        }
        // The reply streams back as chat:start/chunk/done on the task's room: listen to it.
        Room taskRoom = room;
        boolean joined = !s.inRoom(taskRoom) && s.join(taskRoom);
        SendTaskMessageRequest.Builder b = SendTaskMessageRequest.newBuilder().setTaskId(room.id()).setContent(content);
        if (metadata != null) {
            b.setMetadata(ProtoJson.struct(metadata));
        }
        String task = room.id();
        Calls.of(plane.tasks().sendTaskMessage(b.build())).whenComplete((r, err) -> {
            if (err != null) {
                if (joined) {
                    s.leave(taskRoom);
                }
                Failure failure = GrpcProblems.describe(err);
                error(s, id, failure);
                chatError(s, id, task, failure);
            } else {
                ack(s, id, task, ProtoJson.object("task_id", task, "message_id", r.getMessage().getId()));
            }
        });
    }

    private void chatCancel(ClientSession s, JsonNode id, JsonFields f) {
        String taskId = f.requiredText("task_id");
        String reason = f.optionalText("reason");
        if (!f.violations().isEmpty()) {
            error(s, id, GrpcProblems.invalid("invalid chat:cancel frame", f.violations()));
            return;
        }
        CancelTaskRequest.Builder b = CancelTaskRequest.newBuilder().setTaskId(taskId)
                .setReason(reason == null ? "cancelled from chat" : reason);
        call(s, id, taskId, Calls.of(plane.tasks().cancelTask(b.build())), r -> ProtoJson.object(
                "task_id", r.getTask().getId(),
                "status", EnumNames.name(r.getTask().getStatus(), "TASK_STATUS_")));
    }

    private <T> void call(ClientSession s, JsonNode id, @Nullable String taskId, CompletableFuture<T> call,
            java.util.function.Function<T, JsonNode> ackData) {
        call.whenComplete((r, err) -> {
            if (err != null) {
                error(s, id, GrpcProblems.describe(err));
            } else {
                ack(s, id, taskId, ackData.apply(r));
            }
        });
    }

    private void ack(ClientSession s, @Nullable JsonNode id, @Nullable String taskId, JsonNode data) {
        s.reply(frames.reply(FrameTypes.ACK, id, taskId, data, scheduler.now()));
    }

    /** Sends an {@code error} frame to one client. */
    void error(ClientSession s, @Nullable JsonNode id, Failure failure) {
        List<Object> violations = new ArrayList<>();
        for (Violation v : failure.violations()) {
            violations.add(ProtoJson.object("field", v.field(), "description", v.description()));
        }
        s.reply(frames.reply(FrameTypes.ERROR, id, null, ProtoJson.object("code", failure.code(),
                "message", failure.detail(), "violations", violations), scheduler.now()));
    }

    private void chatError(ClientSession s, @Nullable JsonNode id, @Nullable String taskId, Failure failure) {
        s.reply(frames.reply(FrameTypes.CHAT_ERROR, id, taskId, ProtoJson.object("task_id", taskId,
                "code", failure.code(), "message", failure.detail()), scheduler.now()));
    }

    private static Failure invalid(String detail, String field, String description) {
        return GrpcProblems.invalid(detail, List.of(new Violation(field, description)));
    }

    private static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
