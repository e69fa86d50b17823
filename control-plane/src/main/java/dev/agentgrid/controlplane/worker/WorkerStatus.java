package dev.agentgrid.controlplane.worker;

/** A worker's connection state. */
public enum WorkerStatus {
    ONLINE, DRAINING, OFFLINE
}
