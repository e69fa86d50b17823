package dev.agentgrid.bench;

/** A scenario's correctness checks: a failed one fails the scenario (exit status 1). */
final class Checks {
    private Checks() {
    }

    static void require(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new AssertionError(String.format(java.util.Locale.ROOT, format, args));
        }
    }
}
