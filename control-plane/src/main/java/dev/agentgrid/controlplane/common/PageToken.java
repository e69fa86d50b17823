package dev.agentgrid.controlplane.common;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Function;

/**
 * Keyset cursor of a listing ordered by (time, id): the last row of a page. Opaque to clients;
 * a token that does not decode is INVALID_ARGUMENT.
 */
public record PageToken(Instant time, String id) {
    /** The request field every listing of the contract carries its token in. */
    public static final String FIELD = "page_token";

    private static final String VERSION = "1";
    private static final String NOT_OURS = "not a page token returned by this API";
    // A cursor's time is a stored row's; every database and protobuf Timestamp hold these years.
    private static final Instant MIN_TIME = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant MAX_TIME = Instant.parse("9999-12-31T23:59:59.999999999Z");

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
                Instant time = Instant.ofEpochSecond(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
                if (!time.isBefore(MIN_TIME) && !time.isAfter(MAX_TIME)) {
                    return new PageToken(time, parts[3]);
                }
            }
        } catch (IllegalArgumentException | java.time.DateTimeException | ArithmeticException e) {
            // reported below
        }
        throw new InvalidArgumentException(field, NOT_OURS);
    }

    /**
     * The cursor's id in the listed table's key type. The id came from a client, so one that
     * {@code parse} refuses (with an IllegalArgumentException) means the token is not one of ours:
     * INVALID_ARGUMENT naming {@link #FIELD}.
     */
    public <T> T parseId(Function<String, T> parse) {
        try {
            return parse.apply(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(FIELD, NOT_OURS);
        }
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
