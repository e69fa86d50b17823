package dev.agentgrid.controlplane.worker;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * Worker liveness and telemetry settings ({@code agentgrid.workers.*}; environment variables
 * {@code AGENTGRID_WORKERS_HEARTBEAT_INTERVAL} and so on).
 */
@ConfigurationProperties(WorkerSettings.PREFIX)
public class WorkerSettings {
    /** Configuration prefix. */
    public static final String PREFIX = "agentgrid.workers";

    private Duration heartbeatInterval = Duration.ofSeconds(5);
    private int missedHeartbeats = 3;
    private Duration leaseMargin = Duration.ofSeconds(2);
    private Duration metricsRetention = Duration.ofHours(24);
    private Duration metricsHistoryInterval = Duration.ofSeconds(30);
    private String token = "";
    private Duration restartGrace;
    private Duration timeoutSlack = Duration.ofSeconds(5);
    private Duration checkInterval = Duration.ofSeconds(1);

    /** How often workers heartbeat (default 5 s). */
    public Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    /** Heartbeats a worker may miss before it is lost (default 3). */
    public int getMissedHeartbeats() {
        return missedHeartbeats;
    }

    public void setMissedHeartbeats(int missedHeartbeats) {
        this.missedHeartbeats = missedHeartbeats;
    }

    /** Slack on top of the missed heartbeats (default 2 s). */
    public Duration getLeaseMargin() {
        return leaseMargin;
    }

    public void setLeaseMargin(Duration leaseMargin) {
        this.leaseMargin = leaseMargin;
    }

    /** How long metrics history is kept (default 24 h). */
    public Duration getMetricsRetention() {
        return metricsRetention;
    }

    public void setMetricsRetention(Duration metricsRetention) {
        this.metricsRetention = metricsRetention;
    }

    /** At most one history row per worker per this interval (default 30 s); the latest is always kept. */
    public Duration getMetricsHistoryInterval() {
        return metricsHistoryInterval;
    }

    public void setMetricsHistoryInterval(Duration metricsHistoryInterval) {
        this.metricsHistoryInterval = metricsHistoryInterval;
    }

    /** Shared secret workers must present; empty means none is required. */
    public String getToken() {
        return token;
    }

    public void setToken(String token) {
        this.token = token == null ? "" : token;
    }

    /**
     * After the plane starts, how long workers get to reconnect before any is declared lost
     * (default: one lease), so a restart of the plane causes no mass reassignment.
     */
    public Duration getRestartGrace() {
        return restartGrace == null ? lease() : restartGrace;
    }

    public void setRestartGrace(Duration restartGrace) {
        this.restartGrace = restartGrace;
    }

    /**
     * Extra time the plane gives an attempt past its timeout before failing it itself; the worker
     * normally stops the attempt at its deadline first (default 5 s).
     */
    public Duration getTimeoutSlack() {
        return timeoutSlack;
    }

    public void setTimeoutSlack(Duration timeoutSlack) {
        this.timeoutSlack = timeoutSlack;
    }

    /** How often leases, timeouts and HITL deadlines are checked (default 1 s). */
    public Duration getCheckInterval() {
        return checkInterval;
    }

    public void setCheckInterval(Duration checkInterval) {
        this.checkInterval = checkInterval;
    }

    /** How long a worker's leases last without a heartbeat. */
    public Duration lease() {
        return heartbeatInterval.multipliedBy(missedHeartbeats).plus(leaseMargin);
    }
}
