package dev.agentgrid.worker.exec;

import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.worker.connect.Scheduler;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Runs each attempt as {@code /bin/sh -c <command line>} in a fresh working directory, with the task
 * on stdin and in the environment, and speaks the JSON-lines protocol on its stdout and stdin (see
 * the module README).
 */
public final class CommandExecutor implements AttemptExecutor {

  private final String commandLine;
  private final Path workRoot;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Duration stopGrace;

  /**
   * Creates an executor.
   *
   * @param commandLine the shell command line to run per attempt
   * @param workRoot where per-attempt working directories are made ({@code <state-dir>/work})
   * @param scheduler timers (deadline, SIGKILL grace, output flush)
   * @param clock the time deadlines are measured against
   * @param stopGrace grace between SIGTERM and SIGKILL when a deadline passes
   */
  public CommandExecutor(String commandLine, Path workRoot, Scheduler scheduler, Clock clock,
      Duration stopGrace) {
    this.commandLine = commandLine;
    this.workRoot = workRoot;
    this.scheduler = scheduler;
    this.clock = clock;
    this.stopGrace = stopGrace;
  }

  @Override
  public AttemptExecution start(AssignTask task, AttemptReporter reporter) throws Exception {
    WorkDirectory directory =
        WorkDirectory.create(workRoot, reporter.key(), TaskJson.taskLine(task));
    CommandAttempt attempt =
        new CommandAttempt(task, reporter, directory, scheduler, clock, stopGrace);
    try {
      attempt.start(commandLine);
    } catch (Exception e) {
      directory.delete();
      throw e;
    }
    return attempt;
  }

  @Override
  public String describe() {
    return "command \"" + commandLine + "\"";
  }
}
