package dev.agentgrid.bridge.rest;

import dev.agentgrid.bridge.plane.Calls;
import dev.agentgrid.bridge.plane.PlaneChannel;
import dev.agentgrid.proto.v1.GetHitlRequestRequest;
import dev.agentgrid.proto.v1.HitlAction;
import dev.agentgrid.proto.v1.HitlStatus;
import dev.agentgrid.proto.v1.ListHitlRequestsRequest;
import dev.agentgrid.proto.v1.RespondHitlRequestRequest;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.tree.JsonNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code /api/v1/hitl}: humans answer the questions of tasks and agents, exactly once. */
@Controller("/api/v1/hitl")
public class HitlController {
    private final PlaneChannel plane;

    public HitlController(PlaneChannel plane) {
        this.plane = plane;
    }

    /** Answers a pending request: {@code action} approve, reject or amend, {@code response_content}. */
    @Post("/{request_id}/respond")
    public CompletableFuture<HitlViews.Answered> respond(@PathVariable("request_id") String requestId,
            @Body @Nullable JsonNode body) {
        JsonFields f = new JsonFields(body);
        String action = f.requiredText("action");
        String content = f.optionalText("response_content");
        String responder = f.optionalText("responder");
        HitlAction parsed = null;
        if (action != null) {
            try {
                parsed = EnumNames.parse(HitlAction.class, "HITL_ACTION_", action);
            } catch (IllegalArgumentException e) {
                f.violation("action", e.getMessage());
            }
        }
        f.throwIfAny("invalid answer");
        RespondHitlRequestRequest.Builder b = RespondHitlRequestRequest.newBuilder().setRequestId(requestId)
                .setAction(parsed);
        if (content != null) {
            b.setResponseContent(content);
        }
        if (responder != null) {
            b.setResponder(responder);
        }
        return Calls.of(plane.hitl().respondHitlRequest(b.build())).thenApply(r -> new HitlViews.Answered(
                r.getRequest().getId(), EnumNames.name(r.getRequest().getStatus(), "HITL_STATUS_"),
                EnumNames.name(r.getRequest().getAction(), "HITL_ACTION_"), r.getRequest().getTaskId()));
    }

    /** One request. */
    @Get("/{request_id}")
    public CompletableFuture<HitlViews.RequestView> get(@PathVariable("request_id") String requestId) {
        return Calls.of(plane.hitl().getHitlRequest(GetHitlRequestRequest.newBuilder().setRequestId(requestId).build()))
                .thenApply(r -> HitlViews.of(r.getRequest()));
    }

    /** A project's requests, oldest first, with how many are pending; {@code status} filters. */
    @Get("/project/{project_id}/requests")
    public CompletableFuture<HitlViews.RequestList> forProject(@PathVariable("project_id") String projectId,
            @QueryValue("status") @Nullable List<String> status, @QueryValue("page_size") @Nullable String pageSize,
            @QueryValue("page_token") @Nullable String pageToken) {
        return list(projectId, null, status, pageSize, pageToken);
    }

    /** Requests of every project (the dashboard's inbox); {@code status}, {@code project_id}, {@code task_id} filter. */
    @Get
    public CompletableFuture<HitlViews.RequestList> inbox(@QueryValue("project_id") @Nullable String projectId,
            @QueryValue("task_id") @Nullable String taskId, @QueryValue("status") @Nullable List<String> status,
            @QueryValue("page_size") @Nullable String pageSize, @QueryValue("page_token") @Nullable String pageToken) {
        return list(projectId, taskId, status, pageSize, pageToken);
    }

    private CompletableFuture<HitlViews.RequestList> list(@Nullable String projectId, @Nullable String taskId,
            @Nullable List<String> status, @Nullable String pageSize, @Nullable String pageToken) {
        Params p = new Params();
        ListHitlRequestsRequest.Builder b = ListHitlRequestsRequest.newBuilder().setPageSize(p.pageSize(pageSize));
        for (String s : Params.list(status)) {
            try {
                b.addStatuses(EnumNames.parse(HitlStatus.class, "HITL_STATUS_", s));
            } catch (IllegalArgumentException e) {
                p.violation("status", e.getMessage());
            }
        }
        p.throwIfAny();
        if (projectId != null) {
            b.setProjectId(projectId);
        }
        if (taskId != null) {
            b.setTaskId(taskId);
        }
        if (pageToken != null) {
            b.setPageToken(pageToken);
        }
        return Calls.of(plane.hitl().listHitlRequests(b.build())).thenApply(r -> new HitlViews.RequestList(projectId,
                r.getRequestsList().stream().map(HitlViews::of).toList(), r.getPendingCount(),
                TaskViews.blankToNull(r.getNextPageToken())));
    }
}
