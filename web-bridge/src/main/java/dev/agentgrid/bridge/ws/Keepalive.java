package dev.agentgrid.bridge.ws;

import java.time.Duration;
import java.time.Instant;

/**
 * When to ping a socket and when to give up on it: a ping every {@code pingInterval}; a socket
 * that has sent nothing at all (no pong, no frame) for {@code idleTimeout} is dead or stuck and
 * is closed. Browsers answer pings by themselves, so a live dashboard never hits the timeout.
 */
final class Keepalive {
    /** What to do with a socket now. */
    enum Action { NOTHING, PING, CLOSE_IDLE }

    private final Duration pingInterval;
    private final Duration idleTimeout;

    Keepalive(Duration pingInterval, Duration idleTimeout) {
        this.pingInterval = pingInterval;
        this.idleTimeout = idleTimeout;
    }

    Action decide(Instant now, Instant lastInbound, Instant lastPing) {
        if (Duration.between(lastInbound, now).compareTo(idleTimeout) >= 0) {
            return Action.CLOSE_IDLE;
        }
        if (Duration.between(lastPing, now).compareTo(pingInterval) >= 0) {
            return Action.PING;
        }
        return Action.NOTHING;
    }

    /** How often sockets are checked: fine enough for both durations, at most once a second. */
    Duration tick() {
        Duration shortest = pingInterval.compareTo(idleTimeout) < 0 ? pingInterval : idleTimeout;
        Duration tenth = shortest.dividedBy(10);
        Duration floor = Duration.ofMillis(20);
        Duration ceiling = Duration.ofSeconds(1);
        return tenth.compareTo(floor) < 0 ? floor : tenth.compareTo(ceiling) > 0 ? ceiling : tenth;
    }
}
