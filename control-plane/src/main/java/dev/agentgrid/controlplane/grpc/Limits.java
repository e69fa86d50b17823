package dev.agentgrid.controlplane.grpc;

/** Request size limits; the README lists them. */
final class Limits {
    static final int NAME = 200;
    static final int DESCRIPTION = 4_096;
    static final int LONG_TEXT = 65_536;
    static final int REASON = 1_024;
    static final int REQUEST_ID = 128;
    static final int JSON_BYTES = 1 << 20;
    static final int METADATA_BYTES = 64 << 10;
    static final int LABELS = 32;
    static final int LABEL_KEY = 63;
    static final int LABEL_VALUE = 255;
    static final int DEPENDENCIES = 100;
    static final int TASKS_PER_PROJECT = 1_000;
    /** Most tasks one CreateTasks call adds. */
    static final int TASKS_PER_BATCH = 1_000;
    /** A batch's idempotency key: each task stores it with "/index" appended (column of 128). */
    static final int BATCH_REQUEST_ID = 120;
    static final int VARIABLES = 64;
    static final int PRIORITY = 1_000;
    static final int MAX_ATTEMPTS = 100;
    static final int EVENT_TYPES = 32;
    static final int ARTIFACT_BYTES = 16 << 20;
    static final int ARTIFACT_NAME = 255;
    static final java.time.Duration MIN_TIMEOUT = java.time.Duration.ofSeconds(1);
    static final java.time.Duration MAX_TIMEOUT = java.time.Duration.ofDays(7);

    private Limits() {
    }
}
