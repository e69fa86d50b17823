-- Agentgrid schema. Portable SQL: runs on PostgreSQL and on H2 in PostgreSQL mode.
-- Free text and JSON are TEXT (PostgreSQL text, H2 CLOB); ids are UUID except worker ids, which
-- workers choose themselves.

CREATE TABLE projects (
    id            UUID PRIMARY KEY,
    name          VARCHAR(200)  NOT NULL,
    description   TEXT          NOT NULL,
    product_idea  TEXT          NOT NULL,
    template_id   VARCHAR(128)  NOT NULL,
    status        VARCHAR(16)   NOT NULL,
    status_reason VARCHAR(1024) NOT NULL,
    request_id    VARCHAR(128) UNIQUE,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX projects_created_idx ON projects (created_at, id);

CREATE TABLE tasks (
    id                  UUID PRIMARY KEY,
    project_id          UUID          NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    agent_type          VARCHAR(64)   NOT NULL,
    instructions        TEXT          NOT NULL,
    input_json          TEXT          NOT NULL,
    status              VARCHAR(24)   NOT NULL,
    status_reason       VARCHAR(1024) NOT NULL,
    attempt             INTEGER       NOT NULL,
    max_attempts        INTEGER       NOT NULL,
    retry_initial_ms    BIGINT        NOT NULL,
    retry_coefficient   DOUBLE PRECISION NOT NULL,
    retry_max_ms        BIGINT        NOT NULL,
    timeout_ms          BIGINT        NOT NULL,
    priority            INTEGER       NOT NULL,
    label_selector_json TEXT          NOT NULL,
    requires_approval   BOOLEAN       NOT NULL,
    approval_question   TEXT          NOT NULL,
    -- Dependencies not yet COMPLETED; a PENDING task is placed only when this is 0.
    unfinished_deps     INTEGER       NOT NULL,
    worker_id           VARCHAR(128),
    lease_expires_at    TIMESTAMP WITH TIME ZONE,
    not_before          TIMESTAMP WITH TIME ZONE,
    progress_fraction   DOUBLE PRECISION,
    progress_stage      VARCHAR(128),
    progress_message    VARCHAR(1024),
    output_json         TEXT,
    error_message       TEXT,
    error_retryable     BOOLEAN,
    request_id          VARCHAR(128) UNIQUE,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at          TIMESTAMP WITH TIME ZONE,
    finished_at         TIMESTAMP WITH TIME ZONE
);
CREATE INDEX tasks_project_idx ON tasks (project_id, created_at, id);
CREATE INDEX tasks_list_idx ON tasks (created_at, id);
CREATE INDEX tasks_dispatch_idx ON tasks (status, agent_type, priority, created_at);
CREATE INDEX tasks_worker_idx ON tasks (worker_id);

CREATE TABLE task_dependencies (
    task_id       UUID NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    depends_on_id UUID NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, depends_on_id)
);
CREATE INDEX task_dependencies_upstream_idx ON task_dependencies (depends_on_id);

CREATE TABLE context_artifacts (
    id               UUID PRIMARY KEY,
    project_id       UUID         NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    task_id          UUID REFERENCES tasks (id) ON DELETE SET NULL,
    source_agent     VARCHAR(64)  NOT NULL,
    name             VARCHAR(255) NOT NULL,
    artifact_type    VARCHAR(64)  NOT NULL,
    media_type       VARCHAR(255) NOT NULL,
    -- How `content` is encoded: TEXT, JSON or BASE64 (binary).
    content_encoding VARCHAR(8)   NOT NULL,
    content          TEXT         NOT NULL,
    size_bytes       BIGINT       NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX context_artifacts_project_idx ON context_artifacts (project_id, created_at, id);

-- A project's packed artifacts: the ZIP offered for download (base64), replaced on regeneration.
CREATE TABLE project_archives (
    project_id UUID PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    file_name  VARCHAR(255) NOT NULL,
    size_bytes BIGINT       NOT NULL,
    file_count INTEGER      NOT NULL,
    sha256     VARCHAR(64)  NOT NULL,
    content    TEXT         NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE hitl_requests (
    id               UUID PRIMARY KEY,
    task_id          UUID         NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    project_id       UUID         NOT NULL,
    agent_type       VARCHAR(64)  NOT NULL,
    attempt          INTEGER      NOT NULL,
    kind             VARCHAR(16)  NOT NULL,
    -- The worker's id for a question, so a question re-sent after a reconnect opens no second row.
    ask_id           VARCHAR(128),
    question         TEXT         NOT NULL,
    options_json     TEXT         NOT NULL,
    payload_json     TEXT         NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    action           VARCHAR(16),
    response_content TEXT,
    responder        VARCHAR(200),
    delivered        BOOLEAN      NOT NULL,
    expires_at       TIMESTAMP WITH TIME ZONE,
    default_action   VARCHAR(16),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    answered_at      TIMESTAMP WITH TIME ZONE,
    CONSTRAINT hitl_requests_ask_uq UNIQUE (task_id, attempt, ask_id)
);
CREATE INDEX hitl_requests_project_idx ON hitl_requests (project_id, created_at, id);
CREATE INDEX hitl_requests_task_idx ON hitl_requests (task_id, created_at, id);
CREATE INDEX hitl_requests_list_idx ON hitl_requests (created_at, id);

-- One row holding the last event sequence number. Appending events locks it, so durable events
-- commit in sequence order and a reader that sees seq N has every event up to N.
CREATE TABLE event_sequence (
    id       INTEGER PRIMARY KEY,
    last_seq BIGINT NOT NULL
);
INSERT INTO event_sequence (id, last_seq) VALUES (1, 0);

CREATE TABLE event_log (
    seq        BIGINT PRIMARY KEY,
    id         UUID         NOT NULL UNIQUE,
    event_type VARCHAR(64)  NOT NULL,
    project_id UUID,
    task_id    UUID,
    worker_id  VARCHAR(128),
    agent_type VARCHAR(64),
    payload    TEXT         NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX event_log_project_idx ON event_log (project_id, seq);
CREATE INDEX event_log_task_idx ON event_log (task_id, seq);
CREATE INDEX event_log_created_idx ON event_log (created_at);

CREATE TABLE workers (
    id                VARCHAR(128) PRIMARY KEY,
    name              VARCHAR(200) NOT NULL,
    hostname          VARCHAR(255) NOT NULL,
    version           VARCHAR(64)  NOT NULL,
    labels_json       TEXT         NOT NULL,
    agent_types_json  TEXT         NOT NULL,
    slots             INTEGER      NOT NULL,
    status            VARCHAR(16)  NOT NULL,
    inventory_json    TEXT         NOT NULL,
    metrics_json      TEXT,
    session_id        UUID,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    connected_at      TIMESTAMP WITH TIME ZONE,
    last_heartbeat_at TIMESTAMP WITH TIME ZONE,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE worker_metrics (
    id           UUID PRIMARY KEY,
    worker_id    VARCHAR(128) NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    captured_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    metrics_json TEXT NOT NULL
);
CREATE INDEX worker_metrics_worker_idx ON worker_metrics (worker_id, captured_at);

CREATE TABLE agent_statuses (
    agent_type      VARCHAR(64) PRIMARY KEY,
    status          VARCHAR(24)   NOT NULL,
    current_task_id UUID,
    status_reason   VARCHAR(1024) NOT NULL,
    last_activity   TIMESTAMP WITH TIME ZONE NOT NULL,
    -- A reset clears ERROR for task failures up to this moment.
    reset_at        TIMESTAMP WITH TIME ZONE
);

CREATE TABLE agent_status_history (
    id         UUID PRIMARY KEY,
    agent_type VARCHAR(64)   NOT NULL,
    status     VARCHAR(24)   NOT NULL,
    task_id    UUID,
    reason     VARCHAR(1024) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX agent_status_history_idx ON agent_status_history (agent_type, created_at, id);

CREATE TABLE task_messages (
    id            UUID PRIMARY KEY,
    task_id       UUID        NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    attempt       INTEGER     NOT NULL,
    kind          VARCHAR(16) NOT NULL,
    content       TEXT        NOT NULL,
    metadata_json TEXT        NOT NULL,
    -- Output chunk sequence numbers coalesced into this row (0 for chat).
    first_seq     BIGINT      NOT NULL,
    last_seq      BIGINT      NOT NULL,
    -- For a user's chat message: whether it reached the agent (else it is sent on reconnect).
    delivered     BOOLEAN     NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX task_messages_task_idx ON task_messages (task_id, created_at, id);
