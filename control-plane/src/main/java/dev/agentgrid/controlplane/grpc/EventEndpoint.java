package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.common.Violations;
import dev.agentgrid.controlplane.event.Event;
import dev.agentgrid.controlplane.event.EventFilter;
import dev.agentgrid.controlplane.event.EventSink;
import dev.agentgrid.controlplane.event.EventStreams;
import dev.agentgrid.controlplane.common.PageToken;
import dev.agentgrid.proto.v1.EventServiceGrpc;
import dev.agentgrid.proto.v1.ListEventsRequest;
import dev.agentgrid.proto.v1.ListEventsResponse;
import dev.agentgrid.proto.v1.Resync;
import dev.agentgrid.proto.v1.SubscribeRequest;
import dev.agentgrid.proto.v1.SubscribeResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** EventService over gRPC: replay then live, with flow control from the client's reading speed. */
@Singleton
public class EventEndpoint extends EventServiceGrpc.EventServiceImplBase {
    private final EventStreams streams;

    public EventEndpoint(EventStreams streams) {
        this.streams = streams;
    }

    @Override
    public void subscribe(SubscribeRequest req, StreamObserver<SubscribeResponse> responseObserver) {
        Violations v = new Violations();
        v.check(req.getAfterSeq() >= -1, "after_seq", req.getAfterSeq() + " (expected: -1 or more)");
        EventFilter filter = filter(req.getProjectId(), req.getTaskId(), req.getWorkerId(), req.getEventTypesList(), v);
        v.throwIfAny();
        ServerCallStreamObserver<SubscribeResponse> out = (ServerCallStreamObserver<SubscribeResponse>) responseObserver;
        EventStreams.Handle handle = streams.subscribe(filter, req.getIncludeLive(), req.getAfterSeq(), new EventSink() {
            @Override
            public boolean isReady() {
                return out.isReady() && !out.isCancelled();
            }

            @Override
            public void send(Event event) {
                out.onNext(SubscribeResponse.newBuilder().setEvent(toProto(event)).build());
            }

            @Override
            public void resync(long oldestSeq, long latestSeq) {
                out.onNext(SubscribeResponse.newBuilder()
                        .setResync(Resync.newBuilder().setOldestSeq(oldestSeq).setLatestSeq(latestSeq)).build());
            }

            @Override
            public void fail(Throwable error) {
                out.onError(StatusMapping.toStatus(error));
            }

            @Override
            public void complete() {
                out.onCompleted();
            }
        });
        out.setOnCancelHandler(handle::close);
        out.setOnReadyHandler(handle::ready);
    }

    @Override
    public void listEvents(ListEventsRequest req, StreamObserver<ListEventsResponse> out) {
        Violations v = new Violations();
        v.check(req.getAfterSeq() >= 0, "after_seq", req.getAfterSeq() + " (expected: 0 or more)");
        EventFilter filter = filter(req.getProjectId(), req.getTaskId(), "", req.getEventTypesList(), v);
        v.throwIfAny();
        int size = PageToken.pageSize(req.getPageSize(), 100, "page_size");
        List<Event> events = streams.list(req.getAfterSeq(), filter, size);
        ListEventsResponse.Builder b = ListEventsResponse.newBuilder()
                .setLastSeq(events.isEmpty() ? req.getAfterSeq() : events.get(events.size() - 1).seq());
        events.forEach(e -> b.addEvents(toProto(e)));
        Replies.reply(out, b.build());
    }

    private static EventFilter filter(String projectId, String taskId, String workerId, List<String> types,
            Violations v) {
        UUID project = v.optionalUuid(projectId, "project_id").orElse(null);
        UUID task = v.optionalUuid(taskId, "task_id").orElse(null);
        v.maxLength(workerId, "worker_id", 128);
        v.check(types.size() <= Limits.EVENT_TYPES, "event_types",
                types.size() + " entries (expected: at most " + Limits.EVENT_TYPES + ")");
        for (int i = 0; i < types.size(); i++) {
            v.requireName(types.get(i), "event_types[" + i + "]");
        }
        return new EventFilter(project, task, workerId.isEmpty() ? null : workerId, Set.copyOf(types));
    }

    /**
     * Recently converted events by id: every subscriber receives the same events, and turning the
     * stored JSON back into a Struct is the costly part, so it is done once per event, not once
     * per subscriber. Cleared whole when full; a miss only costs a conversion.
     */
    private static final java.util.concurrent.ConcurrentHashMap<java.util.UUID, dev.agentgrid.proto.v1.Event>
            RECENT = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int RECENT_LIMIT = 16_384;

    static dev.agentgrid.proto.v1.Event toProto(Event e) {
        dev.agentgrid.proto.v1.Event cached = RECENT.get(e.id());
        if (cached != null && cached.getSeq() == e.seq()) {
            return cached;
        }
        dev.agentgrid.proto.v1.Event converted = convert(e);
        if (RECENT.size() >= RECENT_LIMIT) {
            RECENT.clear();
        }
        RECENT.put(e.id(), converted);
        return converted;
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
