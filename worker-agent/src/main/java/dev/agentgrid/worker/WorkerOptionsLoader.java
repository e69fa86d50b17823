package dev.agentgrid.worker;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Builds {@link WorkerOptions} from the command line, the environment and a config file, in that
 * order of precedence, over the defaults. Deliberately logs nothing: it runs before the log level is
 * known.
 */
public final class WorkerOptionsLoader {

  /** What the command line asks for. */
  public sealed interface Outcome {
  }

  /** Run the worker with these options. */
  public record Run(WorkerOptions options) implements Outcome {
  }

  /** Print help and exit. */
  public record Help(String text) implements Outcome {
  }

  /** Print the version and exit. */
  public record Version(String text) implements Outcome {
  }

  private WorkerOptionsLoader() {
  }

  /**
   * Reads all sources.
   *
   * @param args command-line arguments
   * @param env environment variables
   * @throws InvalidOptionException for an unknown option, an unreadable config file or a bad value
   */
  public static Outcome load(String[] args, Map<String, String> env) {
    Map<WorkerOption, String> cli = new EnumMap<>(WorkerOption.class);
    Map<String, String> cliCommands = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return new Help(HelpText.render());
      }
      if (arg.equals("--version")) {
        return new Version("agentgrid-worker " + AgentVersion.get());
      }
      if (arg.equals("--no-metrics")) {
        cli.put(WorkerOption.METRICS, "false");
        continue;
      }
      if (!arg.startsWith("--")) {
        throw new InvalidOptionException(
            "unexpected argument \"" + arg + "\" (expected: --option value; see --help)");
      }
      String key = arg.substring(2);
      String value = null;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      }
      final String name = key;
      WorkerOption option = WorkerOption.byKey(key).orElseThrow(() ->
          new InvalidOptionException("unknown option --" + name + " (see --help)"));
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new InvalidOptionException(
              option.key() + ": missing value (expected: " + option.valueName() + ")");
        }
        value = args[++i];
      }
      if (option == WorkerOption.COMMAND) {
        putCommand(cliCommands, "command", value);
      } else {
        cli.put(option, value);
      }
    }

    Map<WorkerOption, String> file = new EnumMap<>(WorkerOption.class);
    Map<String, String> fileCommands = new LinkedHashMap<>();
    String configFile = cli.getOrDefault(WorkerOption.CONFIG,
        nonEmpty(env.get(WorkerOption.CONFIG.envVar())));
    if (configFile != null) {
      readConfigFile(Path.of(configFile.strip()), file, fileCommands);
    }

    Map<WorkerOption, String> merged = new EnumMap<>(WorkerOption.class);
    merged.putAll(file);
    for (WorkerOption option : WorkerOption.values()) {
      if (option != WorkerOption.COMMAND) {
        String value = nonEmpty(env.get(option.envVar()));
        if (value != null) {
          merged.put(option, value);
        }
      }
    }
    merged.putAll(cli);

    WorkerOptions.Builder builder = WorkerOptions.builder();
    merged.forEach((option, value) -> option.apply(builder, value));

    // Command lines per agent type: the types are known only once everything else is merged.
    Map<String, String> commands = new LinkedHashMap<>(fileCommands);
    String types = merged.get(WorkerOption.AGENT_TYPES);
    if (types != null) {
      for (String type : WorkerOption.list(types)) {
        String value = nonEmpty(env.get(WorkerOption.commandEnvVar(type)));
        if (value != null) {
          commands.put(type, value);
        }
      }
    }
    commands.putAll(cliCommands);
    builder.commands(commands);
    return new Run(builder.build());
  }

  private static void readConfigFile(Path path, Map<WorkerOption, String> values,
      Map<String, String> commands) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidOptionException("config: cannot read \"" + path + "\" (" + e + ")");
    }
    for (String key : properties.stringPropertyNames()) {
      String value = properties.getProperty(key);
      if (key.startsWith("command.")) {
        String type = key.substring("command.".length());
        if (type.isEmpty()) {
          throw new InvalidOptionException("config: key \"command.\" in " + path
              + " names no agent type (expected: command.<type>=CMDLINE)");
        }
        commands.put(type, value);
        continue;
      }
      WorkerOption option = WorkerOption.byKey(key)
          .filter(o -> o != WorkerOption.CONFIG && o != WorkerOption.COMMAND)
          .orElseThrow(() -> new InvalidOptionException(
              "config: unknown key \"" + key + "\" in " + path + " (see --help)"));
      values.put(option, value);
    }
  }

  private static void putCommand(Map<String, String> commands, String source, String value) {
    int eq = value.indexOf('=');
    if (eq <= 0) {
      throw new InvalidOptionException(source + ": \"" + value + "\" (expected: TYPE=CMDLINE)");
    }
    commands.put(value.substring(0, eq).strip(), value.substring(eq + 1));
  }

  private static String nonEmpty(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
