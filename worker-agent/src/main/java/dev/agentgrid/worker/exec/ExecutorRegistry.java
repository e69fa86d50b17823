package dev.agentgrid.worker.exec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Which executor runs each agent type the worker serves. */
public final class ExecutorRegistry {

  private final Map<String, AttemptExecutor> byAgentType;

  private ExecutorRegistry(Map<String, AttemptExecutor> byAgentType) {
    this.byAgentType = Collections.unmodifiableMap(new LinkedHashMap<>(byAgentType));
  }

  /**
   * Builds the registry: for each agent type a configured command wins, otherwise a handler for that
   * type.
   *
   * @param agentTypes the types the worker serves
   * @param commands executors from configured command lines, by agent type
   * @param handlers executors from {@code TaskHandler}s found on the class path, by agent type
   * @throws IllegalArgumentException naming every agent type that has no executor
   */
  public static ExecutorRegistry resolve(List<String> agentTypes,
      Map<String, AttemptExecutor> commands, Map<String, AttemptExecutor> handlers) {
    Map<String, AttemptExecutor> chosen = new LinkedHashMap<>();
    StringBuilder missing = new StringBuilder();
    for (String type : agentTypes) {
      AttemptExecutor executor = commands.containsKey(type) ? commands.get(type) : handlers.get(type);
      if (executor == null) {
        missing.append(missing.length() == 0 ? "" : ", ").append(type);
      } else {
        chosen.put(type, executor);
      }
    }
    if (missing.length() > 0) {
      throw new IllegalArgumentException("agent-types: no executor for " + missing
          + " (expected: --command TYPE=CMDLINE, AGENTGRID_COMMAND_<TYPE> or command.<type> in the"
          + " config file, or a TaskHandler for the type on the class path)");
    }
    return new ExecutorRegistry(chosen);
  }

  /** Creates a registry from a ready map; for tests and embedding. */
  public static ExecutorRegistry of(Map<String, AttemptExecutor> byAgentType) {
    return new ExecutorRegistry(byAgentType);
  }

  /** The executor for {@code agentType}, if the worker serves it. */
  public Optional<AttemptExecutor> forAgentType(String agentType) {
    return Optional.ofNullable(byAgentType.get(agentType));
  }

  /** Agent types and their executors, in configuration order. */
  public Map<String, AttemptExecutor> all() {
    return byAgentType;
  }
}
