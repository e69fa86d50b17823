package dev.agentgrid.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchMainTest {
    private final List<String> ran = new ArrayList<>();
    private final Map<String, Scenario> scenarios = new LinkedHashMap<>();

    BenchMainTest() {
        for (String name : List.of("alpha", "beta", "gamma")) {
            scenarios.put(name, new Scenario() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public void run(Options options, Report report) {
                    ran.add(name + ":" + options.string("size", "-"));
                    report.line(name).put("ok", 1).print();
                }
            });
        }
    }

    private int run(String... args) {
        return BenchMain.run(args, new Report(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)), scenarios);
    }

    @Test
    void aCommaSeparatedListRunsThoseScenariosInTheOrderGivenWithTheirOwnOptions() {
        assertEquals(0, run("gamma,alpha", "--size=1", "--alpha.size=2"));
        assertEquals(List.of("gamma:1", "alpha:2"), ran);
    }

    @Test
    void allRunsEveryScenario() {
        assertEquals(0, run("all"));
        assertEquals(List.of("alpha:-", "beta:-", "gamma:-"), ran);
    }

    @Test
    void anUnknownOrRepeatedNameIsACommandLineErrorAndRunsNothing() {
        assertEquals(2, run("alpha,delta"));
        assertEquals(2, run("alpha,alpha"));
        assertEquals(2, run("alpha,"));
        assertEquals(2, run("nope"));
        assertEquals(List.of(), ran);
    }

    @Test
    void anOptionNoChosenScenarioReadsIsAnError() {
        assertEquals(2, run("alpha", "--beta.size=3", "--colour=red"));
    }
}
