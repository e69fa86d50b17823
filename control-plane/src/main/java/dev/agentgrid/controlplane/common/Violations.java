package dev.agentgrid.controlplane.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Collects field violations of one request so that the client learns every problem at once.
 * Checks are no-ops once a field has a violation, so a field is reported once.
 */
public final class Violations {
    /** Agent types and keys: a letter or digit, then letters, digits, '_', '.', '-'. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private static final String NUL_MESSAGE = "must not contain NUL (U+0000) characters";

    private final List<InvalidArgumentException.FieldViolation> found = new ArrayList<>();

    /** Records a violation of {@code field}, unless one was recorded for it already. */
    public Violations add(String field, String description) {
        if (found.stream().noneMatch(v -> v.field().equals(field))) {
            found.add(new InvalidArgumentException.FieldViolation(field, description));
        }
        return this;
    }

    /** Records a violation unless {@code ok}. */
    public Violations check(boolean ok, String field, String description) {
        if (!ok) {
            add(field, description);
        }
        return this;
    }

    /**
     * Checks a required string against a length range (in characters), and that it holds no NUL
     * character: PostgreSQL text cannot store or compare one, so it would fail in the store.
     */
    public Violations requireLength(String value, String field, int min, int max) {
        int len = value == null ? 0 : value.length();
        if (len == 0 && min > 0) {
            return add(field, "required");
        }
        if (len < min || len > max) {
            return add(field, "length " + len + " (expected: " + min + " to " + max + " characters)");
        }
        return noNul(value, field);
    }

    /** Records a violation if {@code value} holds a NUL character (U+0000), which PostgreSQL text cannot hold. */
    public Violations noNul(String value, String field) {
        return check(value == null || value.indexOf('\0') < 0, field, NUL_MESSAGE);
    }

    /** Checks an optional string's maximum length (and that it holds no NUL character). */
    public Violations maxLength(String value, String field, int max) {
        return requireLength(value, field, 0, max);
    }

    /** Checks a required agent type or key. */
    public Violations requireName(String value, String field) {
        if (value == null || value.isEmpty()) {
            return add(field, "required");
        }
        return check(NAME.matcher(value).matches(), field,
                "'" + abbreviate(value) + "' is not a valid name (expected: 1 to 64 characters of "
                        + "[A-Za-z0-9_.-], starting with a letter or digit)");
    }

    /** Checks an integer range. */
    public Violations range(long value, String field, long min, long max) {
        return check(value >= min && value <= max, field,
                value + " (expected: " + min + " to " + max + ")");
    }

    /** Parses a required UUID, recording a violation and returning null when it is not one. */
    public UUID requireUuid(String value, String field) {
        if (value == null || value.isEmpty()) {
            add(field, "required");
            return null;
        }
        return uuid(value, field);
    }

    /**
     * Parses a required UUID that is the request's only field to check.
     *
     * @throws InvalidArgumentException naming {@code field} if it is missing or not a UUID
     */
    public static UUID requiredUuid(String value, String field) {
        Violations v = new Violations();
        UUID id = v.requireUuid(value, field);
        v.throwIfAny();
        return id;
    }

    /** Parses an optional UUID; empty means absent. */
    public Optional<UUID> optionalUuid(String value, String field) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(uuid(value, field));
    }

    private UUID uuid(String value, String field) {
        try {
            if (value.length() == 36) {
                return UUID.fromString(value);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        add(field, "'" + abbreviate(value) + "' is not a UUID");
        return null;
    }

    /** Whether nothing was found so far. */
    public boolean isEmpty() {
        return found.isEmpty();
    }

    /** Throws {@link InvalidArgumentException} if anything was found. */
    public void throwIfAny() {
        if (!found.isEmpty()) {
            throw new InvalidArgumentException(found);
        }
    }

    /** Shortens a user's value for an error message. */
    public static String abbreviate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 61) + "...";
    }
}
