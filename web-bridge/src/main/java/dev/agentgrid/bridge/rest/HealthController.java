package dev.agentgrid.bridge.rest;

import dev.agentgrid.bridge.events.EventHub;
import dev.agentgrid.bridge.events.HubStatus;
import dev.agentgrid.bridge.plane.Calls;
import dev.agentgrid.bridge.plane.PlaneChannel;
import dev.agentgrid.bridge.ws.SocketSessions;
import dev.agentgrid.proto.v1.ListWorkersRequest;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code /healthz} (also under {@code /api/v1}): the bridge and each dependency. The control
 * plane is checked with its standard health service, its database with a cheap admin call that
 * reads it (ListWorkers of one). 503 when either is down, so a load balancer stops sending
 * traffic to a bridge whose plane it cannot reach.
 */
@Controller
public class HealthController {
    /** Deadline of each check: health must answer quickly even when the plane does not. */
    static final Duration CHECK_DEADLINE = Duration.ofSeconds(2);

    private final PlaneChannel plane;
    private final EventHub hub;
    private final SocketSessions sockets;

    public HealthController(PlaneChannel plane, EventHub hub, SocketSessions sockets) {
        this.plane = plane;
        this.hub = hub;
        this.sockets = sockets;
    }

    /** Checks the plane and its database now; 200 when both are up, 503 otherwise. */
    @Get(uris = {"/healthz", "/api/v1/healthz"})
    public CompletableFuture<HttpResponse<Health>> healthz() {
        CompletableFuture<String> planeCheck = Calls.of(plane.health(CHECK_DEADLINE)
                .check(HealthCheckRequest.getDefaultInstance())).handle((r, err) -> {
                    if (err != null) {
                        return "unavailable";
                    }
                    return r.getStatus() == HealthCheckResponse.ServingStatus.SERVING ? "ok" : "not_serving";
                });
        CompletableFuture<String> dbCheck = Calls.of(plane.workers()
                .withDeadlineAfter(CHECK_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .listWorkers(ListWorkersRequest.newBuilder().setPageSize(1).build())).handle((r, err) -> {
                    if (err == null) {
                        return "ok";
                    }
                    Status.Code code = Status.fromThrowable(err).getCode();
                    return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED ? "unavailable"
                            : "error";
                });
        return planeCheck.thenCombine(dbCheck, (planeStatus, dbStatus) -> {
            // Without the plane, nothing can be said about its database.
            String db = "ok".equals(planeStatus) ? dbStatus : "unknown";
            boolean healthy = "ok".equals(planeStatus) && "ok".equals(db);
            HubStatus events = hub.status();
            Health body = new Health(healthy ? "ok" : "degraded", planeStatus, db, events.state(), plane.target(),
                    new EventStream(events.state(), events.lastSeq() < 0 ? null : events.lastSeq(), events.ringSize(),
                            events.subscribers(), events.lastEventAt() == null ? null : events.lastEventAt().toString(),
                            events.lastError(), events.historyPages()),
                    sockets.stats(), Instant.now().toString());
            return HttpResponse.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(body);
        });
    }

    /**
     * The health document.
     *
     * @param apiStatus {@code ok}, or {@code degraded} when a dependency is down
     * @param controlPlaneStatus {@code ok}, {@code not_serving} or {@code unavailable}
     * @param dbStatus the plane's database: {@code ok}, {@code unavailable}, {@code error} or {@code unknown}
     * @param eventStreamStatus the upstream event stream: {@code streaming}, {@code connecting}, {@code reconnecting}
     * @param controlPlane the plane's configured address
     * @param eventStream details of the event stream
     * @param websocket socket counters
     * @param checkedAt when the checks ran
     */
    @Serdeable
    public record Health(String apiStatus, String controlPlaneStatus, String dbStatus, String eventStreamStatus,
            String controlPlane, EventStream eventStream, SocketSessions.Stats websocket, String checkedAt) {
    }

    /** The hub's upstream stream. */
    @Serdeable
    public record EventStream(String status, @Nullable Long lastSeq, int ringSize, int subscribers,
            @Nullable String lastEventAt, @Nullable String lastError, long historyPagesRead) {
    }
}
