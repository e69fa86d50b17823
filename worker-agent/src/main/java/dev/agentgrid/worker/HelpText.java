package dev.agentgrid.worker;

/** The text of {@code --help}, generated from {@link WorkerOption}. */
final class HelpText {

  private static final int WIDTH = 96;
  private static final String INDENT = "      ";

  private HelpText() {
  }

  static String render() {
    StringBuilder text = new StringBuilder();
    text.append("agentgrid-worker ").append(AgentVersion.get())
        .append(": runs Agentgrid tasks on this machine for a control plane.\n\n")
        .append("Usage: java -jar agentgrid-worker.jar --control-plane HOST:PORT"
            + " --agent-types TYPE,... [options]\n\n")
        .append("Each setting comes from the command line, an environment variable or a config"
            + " file;\nthe command line wins over the environment, the environment over the file,"
            + " the file\nover the default. Durations are written 500ms, 30s, 2m or 1h.\n\n")
        .append("Options:\n");
    for (WorkerOption option : WorkerOption.values()) {
      text.append("  ").append(option.flag()).append(' ').append(option.valueName()).append('\n');
      wrap(text, option.description());
      text.append("      env ").append(option.envVar())
          .append(", file key ").append(option.fileKey())
          .append(", default ").append(option.defaultText()).append('\n');
    }
    text.append("  --no-metrics\n      Same as --metrics false.\n")
        .append("  --help, -h\n      Prints this help and exits.\n")
        .append("  --version\n      Prints the version and exits.\n\n")
        .append("Signals: SIGTERM drains (no new work, running tasks get the drain grace) and"
            + " exits 0.\n")
        .append("Exit codes: 0 after a clean shutdown, 1 if the worker cannot start,"
            + " 2 for a bad option.\n");
    return text.toString();
  }

  /** Appends {@code words} indented, wrapped at {@link #WIDTH} columns. */
  private static void wrap(StringBuilder text, String words) {
    StringBuilder line = new StringBuilder(INDENT);
    for (String word : words.split(" ")) {
      if (line.length() > INDENT.length() && line.length() + 1 + word.length() > WIDTH) {
        text.append(line).append('\n');
        line = new StringBuilder(INDENT);
      }
      line.append(line.length() > INDENT.length() ? " " : "").append(word);
    }
    text.append(line).append('\n');
  }
}
