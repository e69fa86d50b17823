package dev.agentgrid.bridge.ws;

import dev.agentgrid.bridge.config.OriginPolicy;
import dev.agentgrid.bridge.rest.Failure;
import dev.agentgrid.bridge.rest.InvalidRequestException;
import dev.agentgrid.bridge.rest.ProblemException;
import dev.agentgrid.bridge.rest.Problems;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.util.List;

/**
 * Checks a WebSocket upgrade before it happens, so that refusals are plain HTTP answers a client
 * can read: a browser {@code Origin} not on the allowlist gets 403, bad parameters 400, an address
 * at its socket limit 429.
 */
@ServerFilter("/ws")
public class UpgradeFilter {
    private final OriginPolicy origins;
    private final AddressLimits limits;
    private final ClientAddresses addresses;

    public UpgradeFilter(OriginPolicy origins, AddressLimits limits, ClientAddresses addresses) {
        this.origins = origins;
        this.limits = limits;
        this.addresses = addresses;
    }

    /** Throws the problem (403, 400 or 429) that refuses an upgrade, if any. */
    @RequestFilter
    public void check(HttpRequest<?> request) {
        String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
        if (!origins.allows(origin)) {
            throw Problems.forbiddenOrigin(origin);
        }
        SocketRequest.Parsed parsed = SocketRequest.parse(request);
        if (parsed.request() == null) {
            throw new InvalidRequestException("invalid WebSocket parameters", parsed.violations());
        }
        if (limits.full(addresses.of(request))) {
            throw new ProblemException(new Failure(429, "RESOURCE_EXHAUSTED", "Too many requests",
                    "too many connections from this address (at most " + limits.maxConnections() + ")", List.of()));
        }
    }
}
