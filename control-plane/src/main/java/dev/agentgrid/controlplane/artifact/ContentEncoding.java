package dev.agentgrid.controlplane.artifact;

/** How an artifact's content is stored in its text column. */
public enum ContentEncoding {
    /** Plain text. */
    TEXT,
    /** A JSON value. */
    JSON,
    /** Binary, base64-encoded. */
    BASE64
}
