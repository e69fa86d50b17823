package dev.agentgrid.controlplane.event;

/** Event type names, as the seeds' dashboards know them. */
public final class EventTypes {
    /** A task changed status (durable). */
    public static final String TASK_STATUS_CHANGE = "task_status_change";
    /** An agent type changed status (durable). */
    public static final String AGENT_STATUS_CHANGE = "agent_status_change";
    /** A HITL request was opened (durable). */
    public static final String HITL_REQUEST = "hitl_request";
    /** A HITL request was answered (durable). */
    public static final String HITL_RESPONSE = "hitl_response";
    /** An artifact or archive was stored (durable). */
    public static final String ARTIFACT_CREATED = "artifact_created";
    /** A project's artifacts and archive were deleted (durable). */
    public static final String ARTIFACTS_DELETED = "artifacts_deleted";
    /** A project was created, completed, failed or cancelled (durable). */
    public static final String WORKFLOW_EVENT = "workflow_event";
    /** A worker changed connection state (durable). */
    public static final String WORKER_STATUS = "worker_status";
    /** A task reported progress (live only). */
    public static final String TASK_PROGRESS = "task_progress";
    /** A task produced output or a chat message (live only). */
    public static final String NEW_MESSAGE = "new_message";
    /** A worker reported metrics (live only). */
    public static final String WORKER_METRICS = "worker_metrics";

    private EventTypes() {
    }
}
