package dev.agentgrid.bridge.rest;

import dev.agentgrid.bridge.config.OriginPolicy;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Refuses state-changing REST calls (POST, PUT, PATCH, DELETE) from browser origins not on the
 * allowlist, with 403: without CORS a foreign page cannot read our answers, but a plain form post
 * could still force-complete a project. Reads stay open; no CORS headers are ever sent.
 */
@ServerFilter("/api/**")
public class OriginFilter {
    private final OriginPolicy origins;

    public OriginFilter(OriginPolicy origins) {
        this.origins = origins;
    }

    /** Throws a 403 problem for a state-changing request from a foreign origin. */
    @RequestFilter
    public void check(HttpRequest<?> request) {
        HttpMethod m = request.getMethod();
        boolean changes = m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH || m == HttpMethod.DELETE;
        String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
        if (changes && !origins.allows(origin)) {
            throw Problems.forbiddenOrigin(origin);
        }
    }
}
