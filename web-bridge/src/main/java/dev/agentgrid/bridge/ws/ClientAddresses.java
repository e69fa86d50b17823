package dev.agentgrid.bridge.ws;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.util.HttpClientAddressResolver;
import jakarta.inject.Singleton;

/**
 * The address limits are counted by: the peer's IP address, or, behind a reverse proxy, the
 * header Micronaut is told to trust ({@code micronaut.server.client-address-header}, e.g.
 * {@code X-Forwarded-For}), so that all clients do not share the proxy's allowance.
 */
@Singleton
public class ClientAddresses {
    private final HttpClientAddressResolver resolver;

    public ClientAddresses(HttpClientAddressResolver resolver) {
        this.resolver = resolver;
    }

    /** The client's address as limits count it. */
    public String of(HttpRequest<?> request) {
        String address = resolver.resolve(request);
        if (address == null || address.isBlank()) {
            address = request.getRemoteAddress().getAddress().getHostAddress();
        }
        int comma = address.indexOf(',');
        return (comma >= 0 ? address.substring(0, comma) : address).trim();
    }
}
