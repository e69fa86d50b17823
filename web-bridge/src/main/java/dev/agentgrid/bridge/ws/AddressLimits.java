package dev.agentgrid.bridge.ws;

import dev.agentgrid.bridge.config.BridgeConfig;
import dev.agentgrid.bridge.time.Scheduler;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;

/**
 * Per client address: how many sockets it has open (at most {@code max-connections-per-address})
 * and how fast it may send frames (a shared token bucket of {@code max-messages-per-second}). An
 * address's entry lives while it has a socket open, so the map never outgrows the open sockets.
 */
@Singleton
public class AddressLimits {
    private final int maxConnections;
    private final int perSecond;
    private final Scheduler scheduler;
    private final Map<String, Entry> byAddress = new HashMap<>();

    @Inject
    public AddressLimits(BridgeConfig config, Scheduler scheduler) {
        this(config.maxConnectionsPerAddress(), config.maxMessagesPerSecond(), scheduler);
    }

    AddressLimits(int maxConnections, int perSecond, Scheduler scheduler) {
        this.maxConnections = maxConnections;
        this.perSecond = perSecond;
        this.scheduler = scheduler;
    }

    /** Whether one more socket from {@code address} would be refused (checked before the upgrade). */
    public synchronized boolean full(String address) {
        Entry e = byAddress.get(address);
        return e != null && e.connections >= maxConnections;
    }

    /** Counts a new socket; false (and nothing counted) if the address is at its limit. */
    public synchronized boolean tryOpen(String address) {
        Entry e = byAddress.computeIfAbsent(address, a -> new Entry(new TokenBucket(perSecond, scheduler.now())));
        if (e.connections >= maxConnections) {
            return false;
        }
        e.connections++;
        return true;
    }

    /** Uncounts a socket counted by {@link #tryOpen}. */
    public synchronized void release(String address) {
        Entry e = byAddress.get(address);
        if (e != null && --e.connections <= 0) {
            byAddress.remove(address);
        }
    }

    /** Takes one message from the address's allowance; false if it is sending too fast. */
    public synchronized boolean tryMessage(String address) {
        Entry e = byAddress.get(address);
        return e == null || e.bucket.tryTake(scheduler.now());
    }

    /** Open sockets of an address. */
    public synchronized int connections(String address) {
        Entry e = byAddress.get(address);
        return e == null ? 0 : e.connections;
    }

    /** The per-address socket limit. */
    public int maxConnections() {
        return maxConnections;
    }

    /** The per-address message rate. */
    public int perSecond() {
        return perSecond;
    }

    private static final class Entry {
        final TokenBucket bucket;
        int connections;

        Entry(TokenBucket bucket) {
            this.bucket = bucket;
        }
    }
}
