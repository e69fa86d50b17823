package dev.agentgrid.controlplane.task;

/** What became of a worker's report about an attempt. */
public enum ReportOutcome {
    /** The attempt is current and held by the worker: the report was applied. */
    APPLIED,
    /** The attempt is no longer current (fenced): nothing changed; the worker must stop it. */
    STALE
}
