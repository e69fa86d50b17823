package dev.agentgrid.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything the worker agent is configured with. Immutable; made with {@link #builder()}, whose
 * {@link Builder#build()} checks every setting once and throws an {@link InvalidOptionException}
 * naming the first one that is wrong. {@link WorkerOptionsLoader} fills a builder from the command
 * line, the environment and a config file.
 */
public final class WorkerOptions {

  /** Default control plane address. */
  public static final String DEFAULT_CONTROL_PLANE = "localhost:50051";
  /** Default number of attempts run at once. */
  public static final int DEFAULT_SLOTS = 1;
  /** Fewest slots. */
  public static final int MIN_SLOTS = 1;
  /** Most slots (the contract's limit). */
  public static final int MAX_SLOTS = 1024;
  /** Most agent types (the contract's limit). */
  public static final int MAX_AGENT_TYPES = 64;
  /** Most labels (the contract's limit). */
  public static final int MAX_LABELS = 32;
  /** Longest display name (the contract's limit). */
  public static final int MAX_NAME_LENGTH = 200;
  /** Longest token. */
  public static final int MAX_TOKEN_LENGTH = 4096;
  /** Longest label value. */
  public static final int MAX_LABEL_VALUE_LENGTH = 255;
  /** Default state directory, under the user's home. */
  public static final String DEFAULT_STATE_DIR_NAME = ".agentgrid-worker";
  /** Default time running attempts get to finish after SIGTERM. */
  public static final Duration DEFAULT_DRAIN_GRACE = Duration.ofSeconds(30);
  /** Longest drain grace. */
  public static final Duration MAX_DRAIN_GRACE = Duration.ofHours(24);
  /** Default grace between SIGTERM and SIGKILL. */
  public static final Duration DEFAULT_CANCEL_GRACE = Duration.ofSeconds(10);
  /** Longest cancel grace. */
  public static final Duration MAX_CANCEL_GRACE = Duration.ofHours(1);
  /** Default first reconnect delay. */
  public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofSeconds(1);
  /** Shortest first reconnect delay. */
  public static final Duration MIN_BACKOFF_INITIAL = Duration.ofMillis(10);
  /** Longest first reconnect delay. */
  public static final Duration MAX_BACKOFF_INITIAL = Duration.ofMinutes(5);
  /** Default longest reconnect delay. */
  public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(30);
  /** Upper bound of the longest reconnect delay. */
  public static final Duration MAX_BACKOFF_MAX = Duration.ofHours(1);
  /** Default gRPC keepalive ping interval. */
  public static final Duration DEFAULT_KEEPALIVE_TIME = Duration.ofSeconds(30);
  /** Shortest keepalive interval (gRPC raises anything lower to 10 s anyway). */
  public static final Duration MIN_KEEPALIVE_TIME = Duration.ofSeconds(10);
  /** Longest keepalive interval. */
  public static final Duration MAX_KEEPALIVE_TIME = Duration.ofHours(2);
  /** Default capacity of the outbound queue, in messages. */
  public static final int DEFAULT_OUTBOUND_QUEUE = 10_000;
  /** Smallest outbound queue. */
  public static final int MIN_OUTBOUND_QUEUE = 100;
  /** Largest outbound queue. */
  public static final int MAX_OUTBOUND_QUEUE = 1_000_000;
  /** Default log level. */
  public static final String DEFAULT_LOG_LEVEL = "info";
  /** Log levels understood. */
  public static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug", "trace");

  private static final Pattern AGENT_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,62}");

  private final String controlPlane;
  private final List<String> agentTypes;
  private final Map<String, String> labels;
  private final int slots;
  private final String token;
  private final String name;
  private final Path stateDir;
  private final Map<String, String> commands;
  private final Duration drainGrace;
  private final Duration cancelGrace;
  private final Duration backoffInitial;
  private final Duration backoffMax;
  private final Duration keepAliveTime;
  private final int outboundQueue;
  private final boolean metrics;
  private final boolean tls;
  private final Path tlsCa;
  private final String logLevel;

  private WorkerOptions(Builder b) {
    this.controlPlane = b.controlPlane;
    this.agentTypes = List.copyOf(new LinkedHashSet<>(b.agentTypes));
    this.labels = Collections.unmodifiableMap(new LinkedHashMap<>(b.labels));
    this.slots = b.slots;
    this.token = b.token;
    this.name = b.name;
    this.stateDir = b.stateDir;
    this.commands = Collections.unmodifiableMap(new LinkedHashMap<>(b.commands));
    this.drainGrace = b.drainGrace;
    this.cancelGrace = b.cancelGrace;
    this.backoffInitial = b.backoffInitial;
    this.backoffMax = b.backoffMax;
    this.keepAliveTime = b.keepAliveTime;
    this.outboundQueue = b.outboundQueue;
    this.metrics = b.metrics;
    this.tls = b.tls || b.tlsCa != null;
    this.tlsCa = b.tlsCa;
    this.logLevel = b.logLevel;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The default state directory: {@code ~/.agentgrid-worker}. */
  public static Path defaultStateDir() {
    return Path.of(System.getProperty("user.home", "."), DEFAULT_STATE_DIR_NAME);
  }

  /** Control plane address, {@code host:port}. */
  public String controlPlane() {
    return controlPlane;
  }

  /** Agent types served, in order, without duplicates. */
  public List<String> agentTypes() {
    return agentTypes;
  }

  /** Labels describing the machine. */
  public Map<String, String> labels() {
    return labels;
  }

  /** Attempts run at once. */
  public int slots() {
    return slots;
  }

  /** Shared secret for the plane, if any. */
  public Optional<String> token() {
    return Optional.ofNullable(token);
  }

  /** Display name, if set (the host name otherwise). */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /** State directory (worker id, working directories). */
  public Path stateDir() {
    return stateDir;
  }

  /** Command line per agent type, for types run by the command executor. */
  public Map<String, String> commands() {
    return commands;
  }

  /** Time running attempts get to finish after SIGTERM before they are cancelled. */
  public Duration drainGrace() {
    return drainGrace;
  }

  /** Grace between SIGTERM and SIGKILL when the plane names none, and after a deadline. */
  public Duration cancelGrace() {
    return cancelGrace;
  }

  /** First reconnect delay. */
  public Duration backoffInitial() {
    return backoffInitial;
  }

  /** Longest reconnect delay. */
  public Duration backoffMax() {
    return backoffMax;
  }

  /** gRPC keepalive ping interval. */
  public Duration keepAliveTime() {
    return keepAliveTime;
  }

  /** Capacity of the outbound queue, in messages. */
  public int outboundQueue() {
    return outboundQueue;
  }

  /** Whether heartbeats carry machine metrics. */
  public boolean metrics() {
    return metrics;
  }

  /** Whether to connect with TLS. */
  public boolean tls() {
    return tls;
  }

  /** PEM file of CAs to trust, if not the system's. */
  public Optional<Path> tlsCa() {
    return Optional.ofNullable(tlsCa);
  }

  /** Log level. */
  public String logLevel() {
    return logLevel;
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.controlPlane = controlPlane;
    b.agentTypes = new ArrayList<>(agentTypes);
    b.labels = new LinkedHashMap<>(labels);
    b.slots = slots;
    b.token = token;
    b.name = name;
    b.stateDir = stateDir;
    b.commands = new LinkedHashMap<>(commands);
    b.drainGrace = drainGrace;
    b.cancelGrace = cancelGrace;
    b.backoffInitial = backoffInitial;
    b.backoffMax = backoffMax;
    b.keepAliveTime = keepAliveTime;
    b.outboundQueue = outboundQueue;
    b.metrics = metrics;
    b.tls = tls;
    b.tlsCa = tlsCa;
    b.logLevel = logLevel;
    return b;
  }

  /** Collects settings; starts with every default. Not thread-safe. */
  public static final class Builder {
    private String controlPlane = DEFAULT_CONTROL_PLANE;
    private List<String> agentTypes = new ArrayList<>();
    private Map<String, String> labels = new LinkedHashMap<>();
    private int slots = DEFAULT_SLOTS;
    private String token;
    private String name;
    private Path stateDir = defaultStateDir();
    private Map<String, String> commands = new LinkedHashMap<>();
    private Duration drainGrace = DEFAULT_DRAIN_GRACE;
    private Duration cancelGrace = DEFAULT_CANCEL_GRACE;
    private Duration backoffInitial = DEFAULT_BACKOFF_INITIAL;
    private Duration backoffMax = DEFAULT_BACKOFF_MAX;
    private Duration keepAliveTime = DEFAULT_KEEPALIVE_TIME;
    private int outboundQueue = DEFAULT_OUTBOUND_QUEUE;
    private boolean metrics = true;
    private boolean tls;
    private Path tlsCa;
    private String logLevel = DEFAULT_LOG_LEVEL;

    private Builder() {
    }

    /** Sets the control plane address, {@code host:port}. */
    public Builder controlPlane(String value) {
      this.controlPlane = value;
      return this;
    }

    /** Sets the agent types served. */
    public Builder agentTypes(List<String> value) {
      this.agentTypes = new ArrayList<>(value);
      return this;
    }

    /** Sets the labels. */
    public Builder labels(Map<String, String> value) {
      this.labels = new LinkedHashMap<>(value);
      return this;
    }

    /** Sets the number of slots. */
    public Builder slots(int value) {
      this.slots = value;
      return this;
    }

    /** Sets the token; null or empty for none. */
    public Builder token(String value) {
      this.token = value == null || value.isEmpty() ? null : value;
      return this;
    }

    /** Sets the display name; null or empty for the host name. */
    public Builder name(String value) {
      this.name = value == null || value.isEmpty() ? null : value;
      return this;
    }

    /** Sets the state directory. */
    public Builder stateDir(Path value) {
      this.stateDir = value;
      return this;
    }

    /** Sets the command line for one agent type. */
    public Builder command(String agentType, String commandLine) {
      this.commands.put(agentType, commandLine);
      return this;
    }

    /** Replaces all command lines. */
    public Builder commands(Map<String, String> value) {
      this.commands = new LinkedHashMap<>(value);
      return this;
    }

    /** Sets the drain grace. */
    public Builder drainGrace(Duration value) {
      this.drainGrace = value;
      return this;
    }

    /** Sets the cancel grace. */
    public Builder cancelGrace(Duration value) {
      this.cancelGrace = value;
      return this;
    }

    /** Sets the first reconnect delay. */
    public Builder backoffInitial(Duration value) {
      this.backoffInitial = value;
      return this;
    }

    /** Sets the longest reconnect delay. */
    public Builder backoffMax(Duration value) {
      this.backoffMax = value;
      return this;
    }

    /** Sets the keepalive interval. */
    public Builder keepAliveTime(Duration value) {
      this.keepAliveTime = value;
      return this;
    }

    /** Sets the outbound queue capacity. */
    public Builder outboundQueue(int value) {
      this.outboundQueue = value;
      return this;
    }

    /** Turns heartbeat metrics on or off. */
    public Builder metrics(boolean value) {
      this.metrics = value;
      return this;
    }

    /** Turns TLS on or off. */
    public Builder tls(boolean value) {
      this.tls = value;
      return this;
    }

    /** Sets the CA file to trust (implies TLS); null for the system's. */
    public Builder tlsCa(Path value) {
      this.tlsCa = value;
      return this;
    }

    /** Sets the log level. */
    public Builder logLevel(String value) {
      this.logLevel = value == null ? null : value.toLowerCase(Locale.ROOT);
      return this;
    }

    /**
     * Checks every setting and builds the options.
     *
     * @throws InvalidOptionException naming the first setting that is wrong
     */
    public WorkerOptions build() {
      checkControlPlane(controlPlane);
      checkAgentTypes(agentTypes);
      checkLabels(labels);
      if (slots < MIN_SLOTS || slots > MAX_SLOTS) {
        throw invalid("slots", Integer.toString(slots), MIN_SLOTS + " to " + MAX_SLOTS);
      }
      if (token != null && (token.length() > MAX_TOKEN_LENGTH
          || !token.chars().allMatch(c -> c > 32 && c < 127))) {
        // Never echo a secret into logs or terminals.
        throw new InvalidOptionException("token: not a valid token (expected: 1 to "
            + MAX_TOKEN_LENGTH + " printable ASCII characters without spaces)");
      }
      if (name != null && name.length() > MAX_NAME_LENGTH) {
        throw invalid("name", name.length() + " characters", "at most " + MAX_NAME_LENGTH);
      }
      if (stateDir == null || stateDir.toString().isEmpty()) {
        throw invalid("state-dir", "empty", "a directory");
      }
      checkCommands(commands, agentTypes);
      checkDuration("drain-grace", drainGrace, Duration.ZERO, MAX_DRAIN_GRACE);
      checkDuration("cancel-grace", cancelGrace, Duration.ZERO, MAX_CANCEL_GRACE);
      checkDuration("backoff-initial", backoffInitial, MIN_BACKOFF_INITIAL, MAX_BACKOFF_INITIAL);
      checkDuration("backoff-max", backoffMax, backoffInitial, MAX_BACKOFF_MAX);
      checkDuration("keepalive-time", keepAliveTime, MIN_KEEPALIVE_TIME, MAX_KEEPALIVE_TIME);
      if (outboundQueue < MIN_OUTBOUND_QUEUE || outboundQueue > MAX_OUTBOUND_QUEUE) {
        throw invalid("outbound-queue", Integer.toString(outboundQueue),
            MIN_OUTBOUND_QUEUE + " to " + MAX_OUTBOUND_QUEUE);
      }
      if (logLevel == null || !LOG_LEVELS.contains(logLevel)) {
        throw invalid("log-level", quote(logLevel), String.join(", ", LOG_LEVELS));
      }
      return new WorkerOptions(this);
    }

    private static void checkControlPlane(String value) {
      String expected = "host:port with a port from 1 to 65535";
      if (value == null || value.isBlank()) {
        throw invalid("control-plane", "empty", expected);
      }
      int colon = value.lastIndexOf(':');
      String host = colon < 0 ? "" : value.substring(0, colon);
      String port = colon < 0 ? "" : value.substring(colon + 1);
      boolean bracketed = host.startsWith("[") && host.endsWith("]") && host.length() > 2;
      if (host.isEmpty() || (host.contains(":") && !bracketed) || host.contains("/")
          || host.chars().anyMatch(Character::isWhitespace) || !port.matches("\\d{1,5}")
          || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
        throw invalid("control-plane", quote(value), expected);
      }
    }

    private static void checkAgentTypes(List<String> types) {
      Set<String> distinct = new LinkedHashSet<>(types);
      if (distinct.isEmpty()) {
        throw invalid("agent-types", "none", "1 to " + MAX_AGENT_TYPES + " agent types");
      }
      if (distinct.size() > MAX_AGENT_TYPES) {
        throw invalid("agent-types", distinct.size() + " types", "1 to " + MAX_AGENT_TYPES);
      }
      for (String type : distinct) {
        if (type == null || !AGENT_TYPE.matcher(type).matches()) {
          throw invalid("agent-types", quote(type),
              "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
      }
    }

    private static void checkLabels(Map<String, String> labels) {
      if (labels.size() > MAX_LABELS) {
        throw invalid("labels", labels.size() + " labels", "at most " + MAX_LABELS);
      }
      labels.forEach((key, value) -> {
        if (key == null || !LABEL_KEY.matcher(key).matches()) {
          throw invalid("labels", "key " + quote(key),
              "1 to 63 letters, digits, '.', '_', '/' or '-', starting with a letter or digit");
        }
        if (value == null || value.length() > MAX_LABEL_VALUE_LENGTH || value.contains(",")) {
          throw invalid("labels", "value of " + key,
              "at most " + MAX_LABEL_VALUE_LENGTH + " characters without ','");
        }
      });
    }

    private static void checkCommands(Map<String, String> commands, List<String> agentTypes) {
      commands.forEach((type, commandLine) -> {
        if (!agentTypes.contains(type)) {
          throw invalid("command." + type, "agent type " + quote(type) + " is not served",
              "one of agent-types " + agentTypes);
        }
        if (commandLine == null || commandLine.isBlank()) {
          throw invalid("command." + type, "empty", "a command line");
        }
      });
    }

    private static void checkDuration(String option, Duration value, Duration min, Duration max) {
      if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw invalid(option, value == null ? "none" : DurationText.format(value),
            DurationText.format(min) + " to " + DurationText.format(max));
      }
    }

    private static InvalidOptionException invalid(String option, String value, String expected) {
      return new InvalidOptionException(option + ": " + value + " (expected: " + expected + ")");
    }

    private static String quote(String value) {
      return value == null ? "none" : "\"" + value + "\"";
    }
  }
}
