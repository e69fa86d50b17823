package dev.agentgrid.controlplane.grpc;

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
    /** Enough for the live events all subscribers are sent within a moment of each other. */
    private static final int CONVERSIONS_REMEMBERED = 512;

    private final EventStreams streams;
    private final EventProtos protos = new EventProtos(CONVERSIONS_REMEMBERED);

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
                out.onNext(SubscribeResponse.newBuilder().setEvent(protos.toProto(event)).build());
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
        events.forEach(e -> b.addEvents(protos.toProto(e)));
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
}
