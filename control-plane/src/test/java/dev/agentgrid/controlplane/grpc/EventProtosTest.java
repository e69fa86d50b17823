package dev.agentgrid.controlplane.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentgrid.controlplane.event.Event;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventProtosTest {
    private static final Instant AT = Instant.parse("2026-12-05T10:15:30.123456Z");

    private static Event event(UUID id, long seq) {
        return new Event(seq, id, "task_status_change", UUID.randomUUID(), UUID.randomUUID(), "w-1", "coder",
                "{\"status\":\"RUNNING\",\"attempt\":2,\"tags\":[\"a\",null]}", AT);
    }

    @Test
    void convertsEveryField() {
        Event e = event(UUID.randomUUID(), 42);
        dev.agentgrid.proto.v1.Event p = new EventProtos(4).toProto(e);
        assertEquals(42, p.getSeq());
        assertEquals(e.id().toString(), p.getId());
        assertEquals("task_status_change", p.getEventType());
        assertEquals(e.projectId().toString(), p.getProjectId());
        assertEquals(e.taskId().toString(), p.getTaskId());
        assertEquals("w-1", p.getWorkerId());
        assertEquals("coder", p.getAgentType());
        assertEquals("RUNNING", p.getData().getFieldsOrThrow("status").getStringValue());
        assertEquals(2, p.getData().getFieldsOrThrow("attempt").getNumberValue());
        assertEquals(2, p.getData().getFieldsOrThrow("tags").getListValue().getValuesCount());
        assertEquals(AT.getEpochSecond(), p.getTimestamp().getSeconds());
        assertEquals(AT.getNano(), p.getTimestamp().getNanos());
    }

    @Test
    void aLiveOnlyEventWithoutProjectOrTaskLeavesThemEmpty() {
        Event live = new Event(0, UUID.randomUUID(), "worker_metrics", null, null, "w-1", null, "{\"cpu\":0.5}", AT);
        dev.agentgrid.proto.v1.Event p = new EventProtos(4).toProto(live);
        assertEquals(0, p.getSeq());
        assertEquals("", p.getProjectId());
        assertEquals("", p.getTaskId());
        assertEquals("", p.getAgentType());
        assertFalse(p.getData().getFieldsMap().isEmpty());
    }

    @Test
    void theSameEventIsConvertedOnceForEverySubscriber() {
        EventProtos protos = new EventProtos(4);
        Event e = event(UUID.randomUUID(), 7);
        assertSame(protos.toProto(e), protos.toProto(e));
        assertSame(protos.toProto(e), protos.toProto(new Event(7, e.id(), e.eventType(), e.projectId(), e.taskId(),
                e.workerId(), e.agentType(), e.payload(), e.createdAt())), "an equal event read again");
    }

    @Test
    void theLoggedCopyOfALiveEventIsConvertedWithItsSeq() {
        EventProtos protos = new EventProtos(4);
        Event live = event(UUID.randomUUID(), 0);
        assertEquals(0, protos.toProto(live).getSeq());
        assertEquals(9, protos.toProto(live.withSeq(9)).getSeq());
    }

    @Test
    void onlyTheLastFewAreRemembered() {
        EventProtos protos = new EventProtos(1);
        Event first = event(UUID.randomUUID(), 1);
        dev.agentgrid.proto.v1.Event firstProto = protos.toProto(first);
        Event second = event(UUID.randomUUID(), 2);
        assertEquals(second.id().toString(), protos.toProto(second).getId(), "one slot: the second takes it");
        dev.agentgrid.proto.v1.Event again = protos.toProto(first);
        assertNotSame(firstProto, again, "converted anew once its place was taken");
        assertEquals(firstProto, again);
    }

    @Test
    void theSizeMustBeAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new EventProtos(0));
        assertThrows(IllegalArgumentException.class, () -> new EventProtos(3));
    }
}
