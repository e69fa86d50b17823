package dev.agentgrid.controlplane.common;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Keyset cursor of a listing ordered by (time, id): the last row of a page. Opaque to clients;
 * a token that does not decode is INVALID_ARGUMENT.
 */
public record PageToken(Instant time, String id) {
    private static final String VERSION = "1";

    /** Encodes this cursor. */
    public String encode() {
        String raw = VERSION + "|" + time.getEpochSecond() + "|" + time.getNano() + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Decodes a token; empty means the first page (null).
     *
     * @throws InvalidArgumentException naming {@code field} if the token is not one of ours
     */
    public static PageToken decode(String token, String field) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String[] parts = raw.split("\\|", 4);
            if (parts.length == 4 && parts[0].equals(VERSION) && !parts[3].isEmpty()) {
                return new PageToken(Instant.ofEpochSecond(Long.parseLong(parts[1]), Long.parseLong(parts[2])),
                        parts[3]);
            }
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            // reported below
        }
        throw new InvalidArgumentException(field, "not a page token returned by this API");
    }

    /** Page size after defaults and limits. */
    public static int pageSize(int requested, int defaultSize, String field) {
        if (requested == 0) {
            return defaultSize;
        }
        if (requested < 0 || requested > 1000) {
            throw new InvalidArgumentException(field, requested + " (expected: 1 to 1000, or 0 for the default)");
        }
        return requested;
    }
}
