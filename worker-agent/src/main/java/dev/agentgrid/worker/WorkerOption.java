package dev.agentgrid.worker;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Every setting of the worker agent: its long option name (also its key in a config file), its
 * environment variable, its default and its help text. Help and the loader are generated from this
 * one table, so an option cannot be documented in one place and missing in another.
 */
public enum WorkerOption {

  /** Control plane address. */
  CONTROL_PLANE("control-plane", "HOST:PORT", "Address of the control plane's gRPC port.",
      WorkerOptions.DEFAULT_CONTROL_PLANE, (b, v) -> b.controlPlane(v.strip())),
  /** Agent types served. */
  AGENT_TYPES("agent-types", "TYPE,...",
      "Agent types this worker runs, comma-separated (required); each needs a command or a"
          + " TaskHandler.", "none", (b, v) -> b.agentTypes(list(v))),
  /** Labels. */
  LABELS("labels", "KEY=VALUE,...",
      "Labels the plane matches task selectors against, e.g. gpu=true,zone=eu.", "none",
      (b, v) -> b.labels(labels(v))),
  /** Slots. */
  SLOTS("slots", "N", "Attempts run at once, " + WorkerOptions.MIN_SLOTS + " to "
      + WorkerOptions.MAX_SLOTS + ".", Integer.toString(WorkerOptions.DEFAULT_SLOTS),
      (b, v) -> b.slots(integer("slots", v))),
  /** Token. */
  TOKEN("token", "TOKEN",
      "Shared secret, sent as 'authorization: Bearer TOKEN' (prefer the environment variable:"
          + " command lines are visible to other users).", "none", (b, v) -> b.token(v.strip())),
  /** Display name. */
  NAME("name", "NAME", "Display name of this worker, at most " + WorkerOptions.MAX_NAME_LENGTH
      + " characters.", "the host name", (b, v) -> b.name(v.strip())) {
    @Override
    public String envVar() {
      return "AGENTGRID_WORKER_NAME";
    }
  },
  /** State directory. */
  STATE_DIR("state-dir", "DIR",
      "Where the worker keeps its id (worker-id) and the attempts' working directories (work/).",
      "~/" + WorkerOptions.DEFAULT_STATE_DIR_NAME, (b, v) -> b.stateDir(Path.of(v.strip()))),
  /** Config file. */
  CONFIG("config", "FILE",
      "Java properties file with any of these settings, keys as the long option names"
          + " (command.TYPE=CMDLINE for commands).", "none", (b, v) -> { }) {
    @Override
    public String fileKey() {
      return "(none: a file cannot name another)";
    }
  },
  /** Command per agent type. */
  COMMAND("command", "TYPE=CMDLINE",
      "Runs tasks of agent type TYPE with /bin/sh -c CMDLINE and the JSON-lines protocol;"
          + " repeatable.", "none", (b, v) -> { }) {
    @Override
    public String envVar() {
      return "AGENTGRID_COMMAND_<TYPE>";
    }

    @Override
    public String fileKey() {
      return "command.<type>";
    }
  },
  /** Drain grace. */
  DRAIN_GRACE("drain-grace", "DURATION",
      "After SIGTERM, how long running attempts may finish before they are cancelled.",
      DurationText.format(WorkerOptions.DEFAULT_DRAIN_GRACE),
      (b, v) -> b.drainGrace(DurationText.parse("drain-grace", v))),
  /** Cancel grace. */
  CANCEL_GRACE("cancel-grace", "DURATION",
      "Grace between SIGTERM and SIGKILL when a cancel names none, and after a deadline.",
      DurationText.format(WorkerOptions.DEFAULT_CANCEL_GRACE),
      (b, v) -> b.cancelGrace(DurationText.parse("cancel-grace", v))),
  /** First reconnect delay. */
  BACKOFF_INITIAL("backoff-initial", "DURATION",
      "First delay before reconnecting; it grows x1.6 per failure with +/-20% jitter.",
      DurationText.format(WorkerOptions.DEFAULT_BACKOFF_INITIAL),
      (b, v) -> b.backoffInitial(DurationText.parse("backoff-initial", v))),
  /** Longest reconnect delay. */
  BACKOFF_MAX("backoff-max", "DURATION", "Longest delay before reconnecting.",
      DurationText.format(WorkerOptions.DEFAULT_BACKOFF_MAX),
      (b, v) -> b.backoffMax(DurationText.parse("backoff-max", v))),
  /** Keepalive. */
  KEEPALIVE_TIME("keepalive-time", "DURATION",
      "Interval of gRPC keepalive pings, also while idle (the plane must permit it).",
      DurationText.format(WorkerOptions.DEFAULT_KEEPALIVE_TIME),
      (b, v) -> b.keepAliveTime(DurationText.parse("keepalive-time", v))),
  /** Outbound queue. */
  OUTBOUND_QUEUE("outbound-queue", "N",
      "Messages kept for the plane while it is slow or away; output beyond is dropped, results"
          + " never are.", Integer.toString(WorkerOptions.DEFAULT_OUTBOUND_QUEUE),
      (b, v) -> b.outboundQueue(integer("outbound-queue", v))),
  /** Metrics. */
  METRICS("metrics", "true|false",
      "Send machine metrics (CPU, memory, disks, network, GPUs) with heartbeats; --no-metrics"
          + " turns them off.", "true", (b, v) -> b.metrics(bool("metrics", v))),
  /** TLS. */
  TLS("tls", "true|false", "Connect to the plane with TLS.", "false",
      (b, v) -> b.tls(bool("tls", v))),
  /** TLS trust. */
  TLS_CA("tls-ca", "FILE", "PEM file of certificate authorities to trust (implies --tls).",
      "the system's", (b, v) -> b.tlsCa(Path.of(v.strip()))),
  /** Log level. */
  LOG_LEVEL("log-level", "LEVEL", "One of " + String.join(", ", WorkerOptions.LOG_LEVELS) + ".",
      WorkerOptions.DEFAULT_LOG_LEVEL, (b, v) -> b.logLevel(v.strip()));

  private final String key;
  private final String valueName;
  private final String description;
  private final String defaultText;
  private final BiConsumer<WorkerOptions.Builder, String> apply;

  WorkerOption(String key, String valueName, String description, String defaultText,
      BiConsumer<WorkerOptions.Builder, String> apply) {
    this.key = key;
    this.valueName = valueName;
    this.description = description;
    this.defaultText = defaultText;
    this.apply = apply;
  }

  /** Long option name without dashes, e.g. {@code slots}. */
  public String key() {
    return key;
  }

  /** The command-line form, e.g. {@code --slots}. */
  public String flag() {
    return "--" + key;
  }

  /** The environment variable, e.g. {@code AGENTGRID_SLOTS}. */
  public String envVar() {
    return "AGENTGRID_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** The key in a config file. */
  public String fileKey() {
    return key;
  }

  /** Placeholder for the value in help, e.g. {@code N}. */
  public String valueName() {
    return valueName;
  }

  /** What the option does. */
  public String description() {
    return description;
  }

  /** The default, as shown in help. */
  public String defaultText() {
    return defaultText;
  }

  /** Applies a textual value to a builder; throws {@link InvalidOptionException} if unreadable. */
  void apply(WorkerOptions.Builder builder, String value) {
    apply.accept(builder, value);
  }

  /** The option with this long name, if any. */
  public static Optional<WorkerOption> byKey(String key) {
    return Arrays.stream(values()).filter(o -> o.key.equals(key)).findFirst();
  }

  /** The environment variable that holds the command line for {@code agentType}. */
  public static String commandEnvVar(String agentType) {
    return "AGENTGRID_COMMAND_" + agentType.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  static List<String> list(String value) {
    return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  static Map<String, String> labels(String value) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String pair : list(value)) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new InvalidOptionException(
            "labels: \"" + pair + "\" (expected: key=value pairs separated by commas)");
      }
      labels.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
    }
    return labels;
  }

  static int integer(String option, String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new InvalidOptionException(option + ": \"" + value + "\" (expected: a whole number)");
    }
  }

  static boolean bool(String option, String value) {
    switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1":
        return true;
      case "false", "no", "off", "0":
        return false;
      default:
        throw new InvalidOptionException(option + ": \"" + value + "\" (expected: true or false)");
    }
  }
}
