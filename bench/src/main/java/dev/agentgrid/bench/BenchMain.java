package dev.agentgrid.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The load generator's command line: {@code java -jar agentgrid-bench.jar <scenario>[,<scenario>...]|all
 * [--name=value ...]}. Result lines go to stdout, progress to stderr; the exit status is 1 if a
 * scenario failed (including a correctness check, e.g. a task lost or run twice).
 */
public final class BenchMain {
    private BenchMain() {
    }

    static Map<String, Scenario> scenarios() {
        Map<String, Scenario> all = new LinkedHashMap<>();
        for (Scenario s : List.of(new FootprintScenario(), new LatencyScenario(), new ThroughputScenario(),
                new FanoutScenario(), new WorkersScenario())) {
            all.put(s.name(), s);
        }
        return all;
    }

    public static void main(String[] args) {
        System.exit(run(args, new Report(System.out, System.err)));
    }

    static int run(String[] args, Report report) {
        return run(args, report, scenarios());
    }

    static int run(String[] args, Report report, Map<String, Scenario> all) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.err.println("usage: java -jar agentgrid-bench.jar <" + String.join("|", all.keySet())
                    + ">[,<scenario>...]|all [--plane=host:port] [--bridge=http://host:port] [--name=value ...]");
            System.err.println("(see bench/README.md for each scenario's options)");
            return args.length == 0 ? 2 : 0;
        }
        List<Scenario> chosen = new java.util.ArrayList<>();
        if (args[0].equals("all")) {
            chosen.addAll(all.values());
        } else {
            // A comma-separated list runs several scenarios in one JVM, in the order given.
            for (String name : args[0].split(",", -1)) {
                Scenario s = all.get(name);
                if (s == null || chosen.contains(s)) {
                    System.err.println((s == null ? "unknown scenario '" : "scenario named twice '") + name
                            + "'; one of " + all.keySet() + ", a comma-separated list of them, or all");
                    return 2;
                }
                chosen.add(s);
            }
        }
        Options options;
        try {
            options = Options.parse(args, 1);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        int failed = 0;
        for (Scenario s : chosen) {
            report.note("== %s", s.name());
            try {
                s.run(options.forScenario(s.name()), report);
            } catch (Exception | AssertionError e) {
                failed++;
                report.note("%s FAILED: %s", s.name(), e);
                e.printStackTrace(System.err);
                report.line(s.name()).put("failed", 1).print();
            }
        }
        var unread = options.unread(chosen.stream().map(Scenario::name).collect(java.util.stream.Collectors.toSet()),
                all.keySet());
        if (!unread.isEmpty()) {
            report.note("unknown options (ignored): %s", unread);
            return 2;
        }
        report.note("== summary");
        report.lines().forEach(l -> report.note("  %s", l));
        return failed == 0 ? 0 : 1;
    }
}
