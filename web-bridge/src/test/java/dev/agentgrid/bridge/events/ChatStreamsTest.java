package dev.agentgrid.bridge.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.agentgrid.proto.v1.Event;
import io.micronaut.json.JsonMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatStreamsTest {
    private final ChatStreams chat = new ChatStreams(new Frames(JsonMapper.createDefault()));

    private static Event chunk(String task, String stream, String text, boolean end) {
        return Event.newBuilder().setEventType("new_message").setTaskId(task).setAgentType("coder")
                .setData(Struct.newBuilder().putFields("stream", str(stream)).putFields("message", str(text))
                        .putFields("end_of_message", Value.newBuilder().setBoolValue(end).build())).build();
    }

    private static Event status(String task, String status) {
        return Event.newBuilder().setSeq(7).setEventType("task_status_change").setTaskId(task)
                .setData(Struct.newBuilder().putFields("status", str(status))).build();
    }

    private static Value str(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    private List<String> types(Event e) {
        return chat.translate(e).stream().map(HubEvent::eventType).toList();
    }

    @Test
    void agentChunksOpenStreamAndCloseAReply() {
        assertEquals(List.of("chat:start", "chat:chunk"), types(chunk("t1", "agent", "Hel", false)));
        assertEquals(List.of("chat:chunk"), types(chunk("t1", "agent", "lo", false)));
        assertEquals(List.of("chat:chunk", "chat:done"), types(chunk("t1", "agent", "!", true)));
        assertEquals(List.of("chat:start", "chat:chunk", "chat:done"), types(chunk("t1", "agent", "Again", true)));
        assertEquals(0, chat.openReplies());
    }

    @Test
    void otherStreamsAndStrayEndMarkersMakeNoChatFrames() {
        assertEquals(List.of(), types(chunk("t2", "stdout", "log line", false)));
        assertEquals(List.of(), types(chunk("t2", "user", "hi", false)));
        assertEquals(List.of(), types(chunk("t2", "agent", "", true)));
        assertEquals(List.of(), types(status("t2", "failed")), "no reply open");
    }

    @Test
    void aTaskEndingWhileAReplyIsOpenEndsTheReply() {
        types(chunk("t3", "agent", "Let me", false));
        assertEquals(List.of("chat:error"), types(status("t3", "failed")));
        types(chunk("t4", "agent", "Let me", false));
        assertEquals(List.of(), types(status("t4", "waiting_for_hitl")), "a question does not end the reply");
        assertEquals(List.of("chat:error"), types(status("t4", "cancelled")));
        types(chunk("t5", "agent", "Done soon", false));
        assertEquals(List.of("chat:done"), types(status("t5", "completed")));
        types(chunk("t6", "agent", "Retrying", false));
        assertEquals(List.of("chat:error"), types(status("t6", "pending")), "the attempt was lost");
    }
}
