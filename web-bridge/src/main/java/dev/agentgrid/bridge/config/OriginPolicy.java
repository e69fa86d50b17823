package dev.agentgrid.bridge.config;

import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.Set;

/**
 * Which browser origins may open a socket or change state over REST: exactly the configured
 * {@code allowed-origins}, never a wildcard. A request without an {@code Origin} header comes from
 * a non-browser client (curl, an SDK), which no other site can make a user's browser send, so it
 * is allowed.
 */
@Singleton
public class OriginPolicy {
    private final Set<String> allowed;

    public OriginPolicy(BridgeConfig config) {
        this.allowed = Set.copyOf(config.allowedOrigins());
    }

    /** Whether a request with this {@code Origin} header (or none) is allowed. */
    public boolean allows(@Nullable String origin) {
        return origin == null || allowed.contains(BridgeConfig.normalizeOrigin(origin));
    }
}
