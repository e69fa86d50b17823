package dev.agentgrid.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Command-line options of the form {@code --name=value}. Every option a scenario reads is
 * recorded, so a misspelt one is an error instead of being silently ignored.
 */
public final class Options {
    private final Map<String, String> values;
    private final Set<String> read;
    private final String scope;

    private Options(Map<String, String> values) {
        this(values, new TreeSet<>(), null);
    }

    private Options(Map<String, String> values, Set<String> read, String scope) {
        this.values = values;
        this.read = read;
        this.scope = scope;
    }

    /**
     * The options as {@code scenario} sees them: {@code --scenario.name=value} wins over
     * {@code --name=value}, so one command line can give "all" different sizes per scenario
     * (e.g. {@code --workers.duration=30s --fanout.duration=15s}).
     */
    public Options forScenario(String scenario) {
        return new Options(values, read, scenario);
    }

    /** Parses {@code --name=value} arguments; anything else is an error. */
    public static Options parse(String[] args, int from) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 3) {
                throw new IllegalArgumentException("expected --name=value, got '" + a + "'");
            }
            values.put(a.substring(2, eq), a.substring(eq + 1));
        }
        return new Options(values);
    }

    public String string(String name, String fallback) {
        if (scope != null) {
            String scoped = scope + "." + name;
            read.add(scoped);
            if (values.containsKey(scoped)) {
                return values.get(scoped);
            }
        }
        read.add(name);
        return values.getOrDefault(name, fallback);
    }

    public int integer(String name, int fallback) {
        String v = string(name, null);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, got '" + v + "'");
        }
    }

    /** A duration such as {@code 500ms}, {@code 30s} or {@code 10m}. */
    public Duration duration(String name, Duration fallback) {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("--" + name + " must be a duration like 500ms, 30s or 10m, got '" + v + "'");
        }
    }

    /** The control plane's gRPC address, host:port. */
    public String plane() {
        return string("plane", "localhost:50051");
    }

    /** The web bridge's base URL. */
    public String bridge() {
        return string("bridge", "http://localhost:8080");
    }

    /**
     * Options given but never read by the scenarios that ran; one scoped to a scenario that did
     * not run is not counted.
     */
    public Set<String> unread(Set<String> ran, Set<String> known) {
        Set<String> out = new TreeSet<>();
        for (String k : values.keySet()) {
            int dot = k.indexOf('.');
            String owner = dot < 0 ? null : k.substring(0, dot);
            if (read.contains(k) || (owner != null && known.contains(owner) && !ran.contains(owner))) {
                continue;
            }
            out.add(k);
        }
        return out;
    }
}
