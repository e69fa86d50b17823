package dev.agentgrid.bridge.rest;

import io.micronaut.core.annotation.Nullable;
import java.util.ArrayList;
import java.util.List;

/** Query parameters, read as text and checked here so that refusals name the parameter as the client wrote it. */
final class Params {
    private final List<Violation> violations = new ArrayList<>();

    /** An optional whole number in [min, max]; 0 (the plane's default) when absent. */
    int optionalInt(String name, @Nullable String value, int min, int max) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n < min || n > max) {
                violations.add(new Violation(name, n + " (expected: " + min + " to " + max + ")"));
                return 0;
            }
            return n;
        } catch (NumberFormatException e) {
            violations.add(new Violation(name, clip(value) + " (expected: a whole number " + min + " to " + max + ")"));
            return 0;
        }
    }

    /** The page size parameter: 1 to 1000, or the plane's default. */
    int pageSize(@Nullable String value) {
        return optionalInt("page_size", value, 1, 1000);
    }

    /** A comma-separated or repeated list parameter, trimmed, empty items dropped. */
    static List<String> list(@Nullable List<String> values) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (String v : values) {
                for (String part : v.split(",")) {
                    if (!part.isBlank()) {
                        out.add(part.trim());
                    }
                }
            }
        }
        return out;
    }

    void violation(String field, String description) {
        violations.add(new Violation(field, description));
    }

    void throwIfAny() {
        if (!violations.isEmpty()) {
            throw new InvalidRequestException("invalid query parameters", violations);
        }
    }

    static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
