package dev.agentgrid.bench;

/** One benchmark: drives the platform and reports what it measured. */
public interface Scenario {
    /** The name used on the command line and as the first word of each result line. */
    String name();

    /** Runs the scenario against the platform named in {@code options}, reporting to {@code report}. */
    void run(Options options, Report report) throws Exception;
}
