package dev.agentgrid.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class WorkerOptionsTest {

  @TempDir
  Path dir;

  private static WorkerOptions load(Map<String, String> env, String... args) {
    return assertInstanceOf(WorkerOptionsLoader.Run.class, WorkerOptionsLoader.load(args, env))
        .options();
  }

  private Path configFile(String body) throws IOException {
    Path file = dir.resolve("worker.properties");
    Files.writeString(file, body);
    return file;
  }

  @Test
  void defaultsApplyWhenOnlyTheRequiredSettingIsGiven() {
    WorkerOptions options = load(Map.of(), "--agent-types", "coder", "--command", "coder=true");

    assertEquals("localhost:50051", options.controlPlane());
    assertEquals(List.of("coder"), options.agentTypes());
    assertEquals(Map.of(), options.labels());
    assertEquals(1, options.slots());
    assertEquals(Optional.empty(), options.token());
    assertEquals(Optional.empty(), options.name());
    assertEquals(Path.of(System.getProperty("user.home"), ".agentgrid-worker"),
        options.stateDir());
    assertEquals(Duration.ofSeconds(30), options.drainGrace());
    assertEquals(Duration.ofSeconds(10), options.cancelGrace());
    assertEquals(Duration.ofSeconds(1), options.backoffInitial());
    assertEquals(Duration.ofSeconds(30), options.backoffMax());
    assertEquals(Duration.ofSeconds(30), options.keepAliveTime());
    assertEquals(10_000, options.outboundQueue());
    assertTrue(options.metrics());
    assertFalse(options.tls());
    assertEquals("info", options.logLevel());
  }

  @Test
  void everySettingCanComeFromTheCommandLine() {
    WorkerOptions options = load(Map.of(),
        "--control-plane", "plane.example:7070", "--agent-types", "coder, tester",
        "--labels", "gpu=true,zone=eu", "--slots=4", "--token", "s3cret", "--name", "box-1",
        "--state-dir", dir.toString(), "--command", "coder=python coder.py",
        "--command=tester=./test.sh --fast", "--drain-grace", "2m", "--cancel-grace", "500ms",
        "--backoff-initial", "2s", "--backoff-max", "1m", "--keepalive-time", "45s",
        "--outbound-queue", "500", "--no-metrics", "--tls-ca", dir.resolve("ca.pem").toString(),
        "--log-level", "DEBUG");

    assertEquals("plane.example:7070", options.controlPlane());
    assertEquals(List.of("coder", "tester"), options.agentTypes());
    assertEquals(Map.of("gpu", "true", "zone", "eu"), options.labels());
    assertEquals(4, options.slots());
    assertEquals(Optional.of("s3cret"), options.token());
    assertEquals(Optional.of("box-1"), options.name());
    assertEquals(dir, options.stateDir());
    assertEquals(Map.of("coder", "python coder.py", "tester", "./test.sh --fast"),
        options.commands());
    assertEquals(Duration.ofMinutes(2), options.drainGrace());
    assertEquals(Duration.ofMillis(500), options.cancelGrace());
    assertEquals(Duration.ofSeconds(2), options.backoffInitial());
    assertEquals(Duration.ofMinutes(1), options.backoffMax());
    assertEquals(Duration.ofSeconds(45), options.keepAliveTime());
    assertEquals(500, options.outboundQueue());
    assertFalse(options.metrics());
    assertTrue(options.tls(), "a CA file implies TLS");
    assertEquals("debug", options.logLevel());
  }

  @Test
  void commandLineBeatsEnvironmentWhichBeatsTheConfigFile() throws IOException {
    Path file = configFile("""
        control-plane = file-host:1
        agent-types = coder,tester
        slots = 2
        name = from-file
        labels = zone=file
        command.coder = from-file-coder
        command.tester = from-file-tester
        drain-grace = 5s
        """);
    Map<String, String> env = new HashMap<>();
    env.put("AGENTGRID_CONFIG", file.toString());
    env.put("AGENTGRID_CONTROL_PLANE", "env-host:2");
    env.put("AGENTGRID_SLOTS", "3");
    env.put("AGENTGRID_COMMAND_TESTER", "from-env-tester");
    env.put("AGENTGRID_WORKER_NAME", "from-env");
    env.put("AGENTGRID_DRAIN_GRACE", "");

    WorkerOptions options = load(env, "--slots", "4", "--command", "coder=from-cli-coder");

    assertEquals("env-host:2", options.controlPlane(), "env over file");
    assertEquals(4, options.slots(), "command line over env");
    assertEquals(Optional.of("from-env"), options.name());
    assertEquals(Map.of("zone", "file"), options.labels(), "file over default");
    assertEquals(Map.of("coder", "from-cli-coder", "tester", "from-env-tester"),
        options.commands());
    assertEquals(Duration.ofSeconds(5), options.drainGrace(), "an empty variable is unset");
  }

  @Test
  void theEnvironmentAloneCanConfigureTheWorker() {
    WorkerOptions options = load(Map.of(
        "AGENTGRID_AGENT_TYPES", "data-prep",
        "AGENTGRID_COMMAND_DATA_PREP", "./prep.sh",
        "AGENTGRID_LABELS", "gpu=false",
        "AGENTGRID_TOKEN", "t0k3n",
        "AGENTGRID_STATE_DIR", dir.toString(),
        "AGENTGRID_METRICS", "off"));

    assertEquals(Map.of("data-prep", "./prep.sh"), options.commands());
    assertEquals(Optional.of("t0k3n"), options.token());
    assertEquals(dir, options.stateDir());
    assertFalse(options.metrics());
  }

  @Test
  void aConfigFileNamedOnTheCommandLineWinsOverTheEnvironmentOne() throws IOException {
    Path file = configFile("agent-types=from-cli-file\ncommand.from-cli-file=true\n");

    WorkerOptions options = load(Map.of("AGENTGRID_CONFIG", dir.resolve("missing").toString()),
        "--config", file.toString());

    assertEquals(List.of("from-cli-file"), options.agentTypes());
  }

  @Test
  void anUnknownKeyInTheConfigFileIsAnError() throws IOException {
    Path file = configFile("agent-types=coder\nslot=4\n");

    InvalidOptionException e = assertThrows(InvalidOptionException.class,
        () -> WorkerOptionsLoader.load(new String[] {"--config", file.toString()}, Map.of()));

    assertEquals("config: unknown key \"slot\" in " + file + " (see --help)", e.getMessage());
  }

  static Stream<Arguments> invalidSettings() {
    return Stream.of(
        Arguments.of(List.of("--slots", "0"), "slots: 0 (expected: 1 to 1024)"),
        Arguments.of(List.of("--slots", "1025"), "slots: 1025 (expected: 1 to 1024)"),
        Arguments.of(List.of("--slots", "four"), "slots: \"four\" (expected: a whole number)"),
        Arguments.of(List.of("--control-plane", "nohost"),
            "control-plane: \"nohost\" (expected: host:port with a port from 1 to 65535)"),
        Arguments.of(List.of("--control-plane", "host:70000"),
            "control-plane: \"host:70000\" (expected: host:port with a port from 1 to 65535)"),
        Arguments.of(List.of("--control-plane", "http://host:80"),
            "control-plane: \"http://host:80\" (expected: host:port with a port from 1 to"
                + " 65535)"),
        Arguments.of(List.of("--agent-types", ","),
            "agent-types: none (expected: 1 to 64 agent types)"),
        Arguments.of(List.of("--agent-types", "code writer"),
            "agent-types: \"code writer\" (expected: 1 to 64 letters, digits, '.', '_' or '-',"
                + " starting with a letter or digit)"),
        Arguments.of(List.of("--labels", "gpu"),
            "labels: \"gpu\" (expected: key=value pairs separated by commas)"),
        Arguments.of(List.of("--labels", "=x"),
            "labels: \"=x\" (expected: key=value pairs separated by commas)"),
        Arguments.of(List.of("--labels", "bad key=x"),
            "labels: key \"bad key\" (expected: 1 to 63 letters, digits, '.', '_', '/' or '-',"
                + " starting with a letter or digit)"),
        Arguments.of(List.of("--name", "n".repeat(201)),
            "name: 201 characters (expected: at most 200)"),
        Arguments.of(List.of("--token", "has space"),
            "token: not a valid token (expected: 1 to 4096 printable ASCII characters without"
                + " spaces)"),
        Arguments.of(List.of("--drain-grace", "forever"),
            "drain-grace: \"forever\" (expected: a duration such as 500ms, 30s, 2m or 1h)"),
        Arguments.of(List.of("--drain-grace", "25h"),
            "drain-grace: 25h (expected: 0s to 24h)"),
        Arguments.of(List.of("--cancel-grace", "2h"), "cancel-grace: 2h (expected: 0s to 1h)"),
        Arguments.of(List.of("--backoff-initial", "1ms"),
            "backoff-initial: 1ms (expected: 10ms to 5m)"),
        Arguments.of(List.of("--backoff-initial", "10s", "--backoff-max", "5s"),
            "backoff-max: 5s (expected: 10s to 1h)"),
        Arguments.of(List.of("--keepalive-time", "1s"),
            "keepalive-time: 1s (expected: 10s to 2h)"),
        Arguments.of(List.of("--outbound-queue", "10"),
            "outbound-queue: 10 (expected: 100 to 1000000)"),
        Arguments.of(List.of("--metrics", "maybe"),
            "metrics: \"maybe\" (expected: true or false)"),
        Arguments.of(List.of("--log-level", "loud"),
            "log-level: \"loud\" (expected: error, warn, info, debug, trace)"),
        Arguments.of(List.of("--command", "coder"),
            "command: \"coder\" (expected: TYPE=CMDLINE)"),
        Arguments.of(List.of("--command", "painter=paint.sh"),
            "command.painter: agent type \"painter\" is not served (expected: one of agent-types"
                + " [coder])"),
        Arguments.of(List.of("--command", "coder= "),
            "command.coder: empty (expected: a command line)"),
        Arguments.of(List.of("--slots"), "slots: missing value (expected: N)"),
        Arguments.of(List.of("--slot", "2"), "unknown option --slot (see --help)"),
        Arguments.of(List.of("coder"),
            "unexpected argument \"coder\" (expected: --option value; see --help)"));
  }

  @ParameterizedTest
  @MethodSource("invalidSettings")
  void invalidSettingsAreRefusedWithAMessageNamingOptionValueAndExpectation(List<String> extra,
      String message) {
    List<String> args = new java.util.ArrayList<>(List.of("--agent-types", "coder"));
    args.addAll(extra);

    InvalidOptionException e = assertThrows(InvalidOptionException.class,
        () -> WorkerOptionsLoader.load(args.toArray(String[]::new), Map.of()));

    assertEquals(message, e.getMessage());
  }

  @Test
  void withoutAgentTypesTheWorkerRefusesToStart() {
    InvalidOptionException e = assertThrows(InvalidOptionException.class,
        () -> WorkerOptionsLoader.load(new String[0], Map.of()));

    assertEquals("agent-types: none (expected: 1 to 64 agent types)", e.getMessage());
  }

  @Test
  void tooManyLabelsAreRefused() {
    StringBuilder labels = new StringBuilder();
    for (int i = 0; i < 33; i++) {
      labels.append(i == 0 ? "" : ",").append("k").append(i).append("=v");
    }

    InvalidOptionException e = assertThrows(InvalidOptionException.class, () ->
        WorkerOptionsLoader.load(new String[] {"--agent-types", "a", "--labels",
            labels.toString()}, Map.of()));

    assertEquals("labels: 33 labels (expected: at most 32)", e.getMessage());
  }

  @Test
  void theBuilderValidatesProgrammaticValuesToo() {
    InvalidOptionException e = assertThrows(InvalidOptionException.class, () ->
        WorkerOptions.builder().agentTypes(List.of("a")).drainGrace(Duration.ofSeconds(-1))
            .build());

    assertEquals("drain-grace: -1s (expected: 0s to 24h)", e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(WorkerOption.class)
  void helpDocumentsEveryOptionWithItsEnvironmentVariableAndDefault(WorkerOption option) {
    String help = assertInstanceOf(WorkerOptionsLoader.Help.class,
        WorkerOptionsLoader.load(new String[] {"--help"}, Map.of())).text();

    assertTrue(help.contains("  " + option.flag() + " " + option.valueName() + "\n"),
        option.flag());
    assertTrue(help.contains("env " + option.envVar() + ", file key " + option.fileKey()
        + ", default " + option.defaultText() + "\n"), option.envVar());
  }

  @Test
  void helpWinsOverBadOptionsAndVersionPrintsTheVersion() {
    assertInstanceOf(WorkerOptionsLoader.Help.class,
        WorkerOptionsLoader.load(new String[] {"-h", "--slots", "0"}, Map.of()));
    assertTrue(assertInstanceOf(WorkerOptionsLoader.Version.class,
        WorkerOptionsLoader.load(new String[] {"--version"}, Map.of())).text()
        .startsWith("agentgrid-worker "));
  }
}
