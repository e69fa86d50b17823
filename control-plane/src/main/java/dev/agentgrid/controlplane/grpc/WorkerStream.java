package dev.agentgrid.controlplane.grpc;

import dev.agentgrid.controlplane.artifact.NewArtifact;
import dev.agentgrid.controlplane.common.FailedPreconditionException;
import dev.agentgrid.controlplane.common.Ids;
import dev.agentgrid.controlplane.common.InvalidArgumentException;
import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.common.Violations;
import dev.agentgrid.controlplane.event.EventTypes;
import dev.agentgrid.controlplane.event.LiveEvents;
import dev.agentgrid.controlplane.hitl.HitlDelivery;
import dev.agentgrid.controlplane.hitl.HitlRequests;
import dev.agentgrid.controlplane.stats.PlaneStats;
import dev.agentgrid.controlplane.store.Store;
import dev.agentgrid.controlplane.task.AttemptReports;
import dev.agentgrid.controlplane.task.DispatchSignal;
import dev.agentgrid.controlplane.task.ReportOutcome;
import dev.agentgrid.controlplane.task.TaskMessageKind;
import dev.agentgrid.controlplane.worker.Assignment;
import dev.agentgrid.controlplane.worker.Handoff;
import dev.agentgrid.controlplane.worker.RunningAttempt;
import dev.agentgrid.controlplane.worker.WorkerChannel;
import dev.agentgrid.controlplane.worker.WorkerReconciler;
import dev.agentgrid.controlplane.worker.WorkerRegistration;
import dev.agentgrid.controlplane.worker.WorkerRegistry;
import dev.agentgrid.controlplane.worker.WorkerSessions;
import dev.agentgrid.controlplane.worker.WorkerSettings;
import dev.agentgrid.controlplane.worker.WorkerStatus;
import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.proto.v1.CancelTask;
import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectResponse;
import dev.agentgrid.proto.v1.Drain;
import dev.agentgrid.proto.v1.HandoffContext;
import dev.agentgrid.proto.v1.Heartbeat;
import dev.agentgrid.proto.v1.Hello;
import dev.agentgrid.proto.v1.HitlAnswer;
import dev.agentgrid.proto.v1.HitlAsk;
import dev.agentgrid.proto.v1.OutputChunk;
import dev.agentgrid.proto.v1.TaskArtifact;
import dev.agentgrid.proto.v1.TaskOutput;
import dev.agentgrid.proto.v1.TaskResult;
import dev.agentgrid.proto.v1.Welcome;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker's Connect stream. Inbound messages arrive one at a time (grpc-java serialises them
 * per call) and are applied through the plane's services; outbound messages go through a bounded
 * queue drained only while the transport is ready, so a worker that stops reading costs at most
 * {@link #MAX_QUEUED} messages before its stream is closed.
 */
final class WorkerStream implements StreamObserver<ConnectRequest>, WorkerChannel {
    static final int MAX_QUEUED = 1024;
    static final int MAX_CHUNK_CHARS = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(WorkerStream.class);

    /** What a stream needs from the plane. */
    record Dependencies(WorkerRegistry registry, WorkerSessions sessions, WorkerReconciler reconciler,
            AttemptReports reports, WorkerSettings settings, DispatchSignal dispatch, LiveEvents live,
            HitlRequests hitl, Store store, dev.agentgrid.controlplane.task.TaskMessages messages,
            PlaneStats stats, java.time.Clock clock, dev.agentgrid.controlplane.worker.WorkerArrivals arrivals,
            dev.agentgrid.controlplane.worker.WorkerDepartures departures, java.util.concurrent.Executor blocking) {
    }

    private final Dependencies deps;
    private final ServerCallStreamObserver<ConnectResponse> out;
    private final String headerToken;
    private final ArrayDeque<ConnectResponse> queue = new ArrayDeque<>();
    private boolean closed; // guarded by queue
    // Guarded by queue. Nothing goes out before Welcome: once the channel is attached, other
    // threads (a HITL answer, a cancel) may send while Hello is still being handled.
    private boolean welcomed;
    private volatile boolean draining;
    private volatile WorkerRegistration registration;
    private volatile UUID sessionId;
    // Completes once the arrival committed and Welcome was queued (or the stream closed for its failure).
    private volatile CompletableFuture<Void> arrival;
    // When this stream last renewed the worker's liveness (by a heartbeat or any other message).
    private volatile java.time.Instant lastRenewal;
    // The last report queued (reports are not waited for); the worker leaves only after it applied.
    private volatile CompletableFuture<?> lastReport = CompletableFuture.completedFuture(null);
    // When the message being handled arrived (inbound messages are handled one at a time).
    private long receivedAt;

    WorkerStream(Dependencies deps, ServerCallStreamObserver<ConnectResponse> out, String headerToken) {
        this.deps = deps;
        this.out = out;
        this.headerToken = headerToken;
        out.setOnReadyHandler(this::drainQueue);
        out.setOnCancelHandler(this::disconnected);
    }

    // ---- inbound ---------------------------------------------------------------------------

    @Override
    public void onNext(ConnectRequest req) {
        long start = System.nanoTime();
        receivedAt = start;
        try {
            if (registration == null) {
                if (!req.hasHello()) {
                    throw new FailedPreconditionException("protocol error: the first message must be Hello, got "
                            + req.getMessageCase());
                }
                hello(req.getHello(), start);
                return;
            }
            CompletableFuture<Void> arrived = arrival;
            if (arrived != null && !arrived.isDone()) {
                // A worker waits for Welcome before it sends more; one that did not waits here.
                arrived.join();
                synchronized (queue) {
                    if (closed) {
                        return; // the arrival failed and ended the stream
                    }
                }
            }
            if (!req.hasHeartbeat()) {
                renewIfDue();
            }
            switch (req.getMessageCase()) {
                case HELLO -> throw new FailedPreconditionException("protocol error: Hello sent twice");
                case HEARTBEAT -> heartbeat(req.getHeartbeat());
                case TASK_ACCEPTED -> fenced(req.getTaskAccepted().getTaskId(), req.getTaskAccepted().getAttempt(),
                        (id, a) -> deps.reports.accepted(workerId(), id, a));
                case TASK_REJECTED -> fenced(req.getTaskRejected().getTaskId(), req.getTaskRejected().getAttempt(),
                        (id, a) -> deps.reports.rejected(workerId(), id, a, req.getTaskRejected().getReason()));
                case TASK_PROGRESS -> {
                    var p = req.getTaskProgress();
                    double fraction = p.getProgress().getFraction();
                    if (!(fraction >= 0 && fraction <= 1)) {
                        throw new InvalidArgumentException("task_progress.progress.fraction",
                                fraction + " (expected: 0 to 1)");
                    }
                    fenced(p.getTaskId(), p.getAttempt(), (id, a) -> deps.reports.progress(workerId(), id, a, fraction,
                            p.getProgress().getStage(), p.getProgress().getMessage()));
                }
                case TASK_OUTPUT -> output(req.getTaskOutput());
                case TASK_ARTIFACT -> artifact(req.getTaskArtifact());
                case HITL_ASK -> ask(req.getHitlAsk());
                case TASK_RESULT -> result(req.getTaskResult());
                case DRAINING -> {
                    draining = true;
                    deps.registry.changeStatus(workerId(), sessionId, WorkerStatus.DRAINING,
                            "worker draining: " + req.getDraining().getReason());
                }
                case MESSAGE_NOT_SET -> throw new InvalidArgumentException("message", "required");
            }
            if (req.hasDraining() || req.hasHitlAsk()) {
                // Applied before this returned; heartbeats and the other reports record on commit.
                deps.stats.latency(PlaneStats.WORKER_REPORT).recordSince(start);
            }
        } catch (RuntimeException e) {
            // A protocol error changes nothing and ends the stream; the worker reconnects cleanly.
            LOG.info("closing stream of worker {}: {}", registration == null ? "?" : workerId(), e.getMessage());
            close(StatusMapping.toStatus(e));
        }
    }

    @Override
    public void onError(Throwable t) {
        disconnected();
    }

    @Override
    public void onCompleted() {
        disconnected();
        synchronized (queue) {
            if (!closed) {
                closed = true;
                out.onCompleted();
            }
        }
    }

    private void hello(Hello h, long start) {
        Violations v = new Violations();
        v.requireLength(h.getWorkerId(), "hello.worker_id", 1, 128);
        v.maxLength(h.getName(), "hello.name", Limits.NAME);
        v.maxLength(h.getHostname(), "hello.hostname", 255);
        v.maxLength(h.getVersion(), "hello.version", 64);
        TaskProtos.labels(h.getLabelsMap(), "hello.labels", v);
        v.check(h.getAgentTypesCount() >= 1 && h.getAgentTypesCount() <= 64, "hello.agent_types",
                h.getAgentTypesCount() + " entries (expected: 1 to 64)");
        for (int i = 0; i < h.getAgentTypesCount(); i++) {
            v.requireName(h.getAgentTypes(i), "hello.agent_types[" + i + "]");
        }
        v.range(h.getSlots(), "hello.slots", 1, 1024);
        v.throwIfAny();
        String expected = deps.settings.getToken();
        if (!expected.isEmpty() && !constantTimeEquals(expected, h.getToken())
                && !constantTimeEquals(expected, headerToken)) {
            throw Status.UNAUTHENTICATED.withDescription("a valid worker token is required").asRuntimeException();
        }
        List<RunningAttempt> running = new ArrayList<>();
        for (var r : h.getRunningList()) {
            running.add(new RunningAttempt(Violations.requiredUuid(r.getTaskId(), "hello.running.task_id"), r.getAttempt()));
        }
        String name = h.getName().isEmpty() ? h.getHostname() : h.getName();
        WorkerRegistration reg = new WorkerRegistration(h.getWorkerId(), name.isEmpty() ? h.getWorkerId() : name,
                h.getHostname(), h.getVersion(), java.util.Map.copyOf(h.getLabelsMap()), List.copyOf(h.getAgentTypesList()), h.getSlots(),
                Json.print(h.getInventory()));
        UUID session = Ids.next();
        sessionId = session;
        registration = reg;
        // Attached before the session is stored, so that a command sent while it is being stored
        // reaches this stream (it waits for Welcome); the dispatcher places nothing on a session
        // the store does not know yet.
        deps.sessions.attach(this);
        // Welcomed on the committing thread once the arrival's batch committed; the handler
        // thread goes back to the pool meanwhile.
        arrival = deps.arrivals.arrive(reg, session, running).handle((rec, error) -> {
            if (error != null) {
                closeAfterFailedWrite(session, error);
            } else {
                welcome(session, rec);
                deps.stats.latency(PlaneStats.HELLO).recordSince(start);
            }
            return null;
        });
    }

    private void welcome(UUID session, WorkerReconciler.Reconciliation rec) {
        Welcome.Builder welcome = Welcome.newBuilder()
                .setSessionId(session.toString())
                .setHeartbeatInterval(ProtoTime.duration(deps.settings.getHeartbeatInterval()))
                .setLeaseDuration(ProtoTime.duration(deps.settings.lease()));
        rec.kept().forEach(k -> welcome.addKept(dev.agentgrid.proto.v1.RunningAttempt.newBuilder()
                .setTaskId(k.taskId().toString()).setAttempt(k.attempt())));
        sendWelcome(ConnectResponse.newBuilder().setWelcome(welcome).build());
        rec.cancelled().forEach(c -> cancel(c.taskId(), c.attempt(), "attempt is no longer held by this worker"));
        rec.resent().forEach(this::assign);
        if (!rec.kept().isEmpty()) {
            // What reached the plane for these attempts while the worker was away: read on a
            // thread of the server's pool, not on the committing one.
            deps.blocking.execute(() -> {
                for (RunningAttempt k : rec.kept()) {
                    for (var answered : deps.store.read(() -> deps.hitl.undelivered(k.taskId(), k.attempt()))) {
                        answer(HitlDelivery.of(answered));
                    }
                    for (var m : deps.messages.undelivered(k.taskId(), k.attempt())) {
                        message(dev.agentgrid.controlplane.task.UserMessageDelivery.of(m));
                    }
                }
            });
        }
        deps.dispatch.wake();
    }

    /**
     * Any message proves the worker alive. A worker that sent hundreds of reports has its
     * heartbeat queued behind them, and applying them can take longer than a lease: renewing as
     * the reports are applied (at most once per heartbeat interval) keeps a busy worker from
     * being declared lost.
     */
    private void renewIfDue() {
        java.time.Instant now = deps.clock.instant();
        java.time.Instant last = lastRenewal;
        if (last != null && now.isBefore(last.plus(deps.settings.getHeartbeatInterval()))) {
            return;
        }
        lastRenewal = now;
        UUID session = sessionId;
        deps.registry.renew(workerId(), session).whenComplete((current, error) -> {
            if (error != null || !Boolean.TRUE.equals(current)) {
                closeAfterFailedWrite(session, error);
            }
        });
    }

    private void heartbeat(Heartbeat hb) {
        lastRenewal = deps.clock.instant();
        String metrics;
        try {
            metrics = MetricsJson.print(hb.getMetrics());
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("heartbeat.metrics", "not representable as JSON: " + e.getMessage());
        }
        java.time.Instant captured = hb.getMetrics().hasCaptureTime()
                ? ProtoTime.instant(hb.getMetrics().getCaptureTime()) : null;
        String id = workerId();
        UUID session = sessionId;
        String live = MetricsJson.liveEventData(id, metrics);
        long received = System.nanoTime();
        // Not waited for: the stream goes on with its next message while the heartbeat waits for
        // its batch (a thread per waiting worker would be ten thousand threads at ten thousand
        // workers). Its outcome arrives on the committing thread.
        deps.registry.heartbeatAsync(id, session, metrics, captured).whenComplete((current, error) -> {
            if (error != null || !Boolean.TRUE.equals(current)) {
                closeAfterFailedWrite(session, error);
                return;
            }
            deps.stats.latency(PlaneStats.HEARTBEAT).recordSince(received);
            deps.live.publishJson(EventTypes.WORKER_METRICS, null, null, id, null, live);
        });
    }

    /** Ends the stream when a write not waited for failed, or its session was superseded. */
    private void closeAfterFailedWrite(UUID session, Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        RuntimeException failure = cause instanceof RuntimeException r ? r
                : cause != null ? new IllegalStateException(cause)
                : new FailedPreconditionException("session " + session + " is no longer current");
        LOG.info("closing stream of worker {}: {}", workerId(), failure.getMessage());
        close(StatusMapping.toStatus(failure));
    }

    private void output(TaskOutput o) {
        List<AttemptReports.OutputChunk> chunks = new ArrayList<>();
        for (int i = 0; i < o.getChunksCount(); i++) {
            OutputChunk c = o.getChunks(i);
            String f = "task_output.chunks[" + i + "]";
            if (c.getSequence() < 1) {
                throw new InvalidArgumentException(f + ".sequence", c.getSequence() + " (expected: 1 or more)");
            }
            if (c.getText().length() > MAX_CHUNK_CHARS) {
                throw new InvalidArgumentException(f + ".text", c.getText().length() + " characters (expected: at most "
                        + MAX_CHUNK_CHARS + ")");
            }
            TaskMessageKind kind = switch (c.getStream()) {
                case OUTPUT_STREAM_STDOUT -> TaskMessageKind.STDOUT;
                case OUTPUT_STREAM_STDERR -> TaskMessageKind.STDERR;
                case OUTPUT_STREAM_AGENT -> TaskMessageKind.AGENT;
                default -> throw new InvalidArgumentException(f + ".stream", "must be STDOUT, STDERR or AGENT");
            };
            chunks.add(new AttemptReports.OutputChunk(c.getSequence(), kind, c.getText().replace("\u0000", ""),
                    c.getEndOfMessage()));
        }
        fenced(o.getTaskId(), o.getAttempt(), (id, a) -> deps.reports.output(workerId(), id, a, chunks));
    }

    private void artifact(TaskArtifact a) {
        Violations v = new Violations();
        ArtifactProtos.ContentCase content = switch (a.getContentCase()) {
            case TEXT -> ArtifactProtos.ContentCase.text(a.getText());
            case JSON -> ArtifactProtos.ContentCase.json(a.getJson(), v);
            case BINARY -> ArtifactProtos.ContentCase.binary(a.getBinary());
            case CONTENT_NOT_SET -> ArtifactProtos.ContentCase.none();
        };
        NewArtifact parsed = ArtifactProtos.parse(null, null, a.getName(), a.getArtifactType(), a.getMediaType(),
                content, v);
        v.throwIfAny();
        fenced(a.getTaskId(), a.getAttempt(), (id, at) -> deps.reports.artifact(workerId(), id, at, parsed));
    }

    private void ask(HitlAsk q) {
        Violations v = new Violations();
        v.requireLength(q.getAskId(), "hitl_ask.ask_id", 1, 128);
        v.requireLength(q.getQuestion(), "hitl_ask.question", 1, Limits.LONG_TEXT);
        v.check(q.getOptionsCount() <= 32, "hitl_ask.options", q.getOptionsCount() + " (expected: at most 32)");
        String payload = TaskProtos.json(q.getPayload(), "hitl_ask.payload", Limits.JSON_BYTES, v);
        Duration timeout = null;
        dev.agentgrid.controlplane.hitl.HitlAction defaultAction = null;
        if (q.hasTimeout()) {
            timeout = ProtoTime.duration(q.getTimeout().getAfter());
            v.check(timeout.compareTo(Duration.ofSeconds(1)) >= 0 && timeout.compareTo(Duration.ofDays(30)) <= 0,
                    "hitl_ask.timeout.after", timeout + " (expected: 1s to 30 days)");
            defaultAction = ProtoEnums.toDomain(q.getTimeout().getDefaultAction(),
                    dev.agentgrid.controlplane.hitl.HitlAction.class, "hitl_ask.timeout.default_action", v);
        }
        v.throwIfAny();
        String options = Json.print(Json.value(q.getOptionsList()).getListValue());
        Duration t = timeout;
        dev.agentgrid.controlplane.hitl.HitlAction d = defaultAction;
        UUID taskId = Violations.requiredUuid(q.getTaskId(), "hitl_ask.task_id");
        AttemptReports.AskOutcome outcome = deps.reports.ask(workerId(), taskId, q.getAttempt(), q.getAskId(),
                q.getQuestion(), options, payload, t, d);
        if (outcome.outcome() == ReportOutcome.STALE) {
            cancel(taskId, q.getAttempt(), "stale attempt");
        } else if (outcome.answer() != null) {
            answer(outcome.answer());
        }
    }

    private void result(TaskResult r) {
        switch (r.getOutcomeCase()) {
            case OUTPUT -> {
                String output;
                try {
                    output = Json.print(r.getOutput());
                } catch (IllegalArgumentException e) {
                    throw new InvalidArgumentException("task_result.output", "not representable as JSON");
                }
                fenced(r.getTaskId(), r.getAttempt(), (id, a) -> deps.reports.completed(workerId(), id, a, output));
            }
            case ERROR -> fenced(r.getTaskId(), r.getAttempt(), (id, a) -> deps.reports.failed(workerId(), id, a,
                    r.getError().getMessage().isEmpty() ? "failed without a message" : r.getError().getMessage(),
                    r.getError().getRetryable()));
            case OUTCOME_NOT_SET -> throw new InvalidArgumentException("task_result.outcome", "output or error required");
        }
    }

    private interface Report {
        CompletableFuture<ReportOutcome> apply(UUID taskId, int attempt);
    }

    /**
     * Queues a task-scoped report and goes on with the next message; when it has committed, a
     * stale attempt is told to stop, and a report the plane refuses ends the stream as a
     * synchronous protocol error does. Outcomes arrive in the order the reports were sent.
     */
    private void fenced(String taskId, int attempt, Report report) {
        UUID id = Violations.requiredUuid(taskId, "task_id");
        long received = receivedAt;
        UUID session = sessionId;
        CompletableFuture<ReportOutcome> applied = report.apply(id, attempt);
        lastReport = applied;
        applied.whenComplete((outcome, error) -> {
            if (error != null) {
                closeAfterFailedWrite(session, error);
                return;
            }
            deps.stats.latency(PlaneStats.WORKER_REPORT).recordSince(received);
            if (outcome == ReportOutcome.STALE) {
                cancel(id, attempt, "stale attempt");
            }
        });
    }


    private void disconnected() {
        WorkerRegistration reg = registration;
        if (reg != null && deps.sessions.detach(this)) {
            String worker = reg.workerId();
            UUID session = sessionId;
            CompletableFuture<Void> arrived = arrival;
            // Queued after the arrival if that is still committing (before it, the departure would
            // find nothing to take offline), and after the reports the worker sent before it left
            // (a result sent just before a disconnect must find its task still held). Not waited
            // for: if it fails, the liveness monitor declares the worker lost when its lease ends.
            CompletableFuture<?> reported = lastReport.handle((outcome, error) -> null);
            CompletableFuture.allOf(arrived == null ? CompletableFuture.completedFuture(null) : arrived, reported)
                    .thenRun(() ->
                    deps.departures.leave(worker, session).whenComplete((done, error) -> {
                        if (error != null) {
                            LOG.warn("could not mark worker {} offline", worker, error);
                        }
                    }));
        }
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    // ---- outbound (WorkerChannel) ------------------------------------------------------------

    @Override
    public String workerId() {
        return registration.workerId();
    }

    @Override
    public UUID sessionId() {
        return sessionId;
    }

    @Override
    public WorkerRegistration registration() {
        return registration;
    }

    @Override
    public boolean isDraining() {
        return draining;
    }

    @Override
    public void markDraining() {
        draining = true;
    }

    @Override
    public void assign(Assignment a) {
        var t = a.task();
        AssignTask.Builder b = AssignTask.newBuilder()
                .setTaskId(t.id().toString())
                .setAttempt(t.attempt())
                .setProjectId(t.projectId().toString())
                .setAgentType(t.agentType())
                .setInstructions(t.instructions())
                .setInput(Json.parseStruct(t.inputJson()))
                .setDeadline(ProtoTime.timestamp(a.deadline()));
        for (Handoff h : a.context()) {
            b.addContext(HandoffContext.newBuilder()
                    .setProjectId(h.projectId().toString())
                    .setSourceAgent(h.sourceAgent())
                    .setTargetAgent(h.targetAgent())
                    .setHandoffType(h.handoffType())
                    .setContent(Json.parseValue(h.contentJson()))
                    .setSourceTaskId(h.sourceTaskId().toString()));
        }
        send(ConnectResponse.newBuilder().setAssignTask(b).build());
    }

    @Override
    public void cancel(UUID taskId, int attempt, String reason) {
        send(ConnectResponse.newBuilder().setCancelTask(CancelTask.newBuilder().setTaskId(taskId.toString())
                .setAttempt(attempt).setReason(reason).setGrace(ProtoTime.duration(Duration.ofSeconds(10)))).build());
    }

    @Override
    public void answer(HitlDelivery d) {
        send(ConnectResponse.newBuilder().setHitlAnswer(HitlAnswer.newBuilder()
                .setTaskId(d.taskId().toString())
                .setAttempt(d.attempt())
                .setAskId(d.askId() == null ? "" : d.askId())
                .setRequestId(d.requestId().toString())
                .setAction(HitlProtos.action(d.action()))
                .setContent(d.content())).build());
        deps.store.write(c -> {
            deps.hitl.markDelivered(d.requestId());
            return null;
        });
    }

    @Override
    public void message(dev.agentgrid.controlplane.task.UserMessageDelivery m) {
        send(ConnectResponse.newBuilder().setUserMessage(dev.agentgrid.proto.v1.UserMessage.newBuilder()
                .setTaskId(m.taskId().toString())
                .setAttempt(m.attempt())
                .setMessageId(m.messageId().toString())
                .setContent(m.content())
                .setMetadata(Json.parseStruct(m.metadataJson()))).build());
        deps.messages.markDelivered(m.messageId());
    }

    @Override
    public void drain(String reason) {
        draining = true;
        send(ConnectResponse.newBuilder().setDrain(Drain.newBuilder().setReason(reason)).build());
    }

    @Override
    public void supersede() {
        close(Status.ABORTED.withDescription("superseded by a newer connection of worker "
                + registration.workerId()).asRuntimeException());
    }

    @Override
    public void shutdown() {
        synchronized (queue) {
            closeLocked(Status.UNAVAILABLE.withDescription("control plane shutting down; reconnect")
                    .asRuntimeException());
        }
    }

    @Override
    public void expire() {
        close(Status.UNAVAILABLE.withDescription("lease expired: no heartbeat from worker "
                + registration.workerId()).asRuntimeException());
    }

    private void send(ConnectResponse message) {
        synchronized (queue) {
            if (closed) {
                return;
            }
            if (queue.size() < MAX_QUEUED) {
                queue.add(message);
                drainLocked();
                return;
            }
        }
        LOG.warn("worker {} is not reading its stream; closing it", registration == null ? "?" : workerId());
        close(Status.RESOURCE_EXHAUSTED.withDescription("outbound queue full: the worker is not reading")
                .asRuntimeException());
    }

    private void drainQueue() {
        synchronized (queue) {
            drainLocked();
        }
    }

    private void sendWelcome(ConnectResponse welcome) {
        synchronized (queue) {
            if (closed) {
                return;
            }
            queue.addFirst(welcome);
            welcomed = true;
            drainLocked();
        }
    }

    private void drainLocked() {
        if (!welcomed) {
            return;
        }
        while (!closed && out.isReady() && !queue.isEmpty()) {
            out.onNext(queue.poll());
        }
    }

    private void close(StatusRuntimeException status) {
        synchronized (queue) {
            closeLocked(status);
        }
        disconnected();
    }

    private void closeLocked(StatusRuntimeException status) {
        if (!closed) {
            closed = true;
            queue.clear();
            try {
                out.onError(status);
            } catch (IllegalStateException alreadyClosed) {
                // the call ended concurrently
            }
        }
    }
}
