package dev.agentgrid.controlplane.common;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Time-ordered ids (UUID version 7, RFC 9562) that increase strictly within this process. Rows
 * created in one transaction share a timestamp, so listings ordered by (created_at, id) keep them
 * in creation order; databases compare UUIDs as unsigned bytes, which is this order.
 */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static long lastMillis;
    private static long counter;

    private Ids() {
    }

    /** A new id, greater than every id this process made before. */
    public static synchronized UUID next() {
        long now = System.currentTimeMillis();
        if (now > lastMillis) {
            lastMillis = now;
            counter = RANDOM.nextInt(1 << 10);
        } else if (++counter >= (1 << 12)) {
            // 4096 ids in one millisecond: borrow the next millisecond rather than lose order.
            lastMillis++;
            counter = 0;
        }
        long high = (lastMillis << 16) | 0x7000L | counter;
        long low = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }
}
