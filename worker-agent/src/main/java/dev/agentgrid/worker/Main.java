package dev.agentgrid.worker;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: {@code java -jar agentgrid-worker.jar --control-plane HOST:PORT --agent-types ...}.
 * Exit codes: 0 after a clean shutdown, 1 if the worker cannot start, 2 for a bad option.
 */
public final class Main {

  /** Exit code for a bad option. */
  public static final int EXIT_USAGE = 2;
  /** Exit code when the worker cannot start. */
  public static final int EXIT_FAILURE = 1;

  private Main() {
  }

  /** Runs the worker until SIGTERM. */
  public static void main(String[] args) throws InterruptedException {
    WorkerOptionsLoader.Outcome outcome;
    try {
      outcome = WorkerOptionsLoader.load(args, System.getenv());
    } catch (InvalidOptionException e) {
      System.err.println("agentgrid-worker: " + e.getMessage());
      System.err.println("Run with --help for the options.");
      System.exit(EXIT_USAGE);
      return;
    }
    if (outcome instanceof WorkerOptionsLoader.Help help) {
      System.out.print(help.text());
      return;
    }
    if (outcome instanceof WorkerOptionsLoader.Version version) {
      System.out.println(version.text());
      return;
    }
    WorkerOptions options = ((WorkerOptionsLoader.Run) outcome).options();
    // Must happen before the first logger exists: slf4j-simple reads it once.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", options.logLevel());
    Logger log = LoggerFactory.getLogger(Main.class);

    WorkerAgent agent;
    try {
      agent = WorkerAgent.create(options);
    } catch (IllegalArgumentException e) {
      System.err.println("agentgrid-worker: " + e.getMessage());
      System.exit(EXIT_USAGE);
      return;
    } catch (IOException e) {
      log.error("cannot start: {}", e.toString());
      System.exit(EXIT_FAILURE);
      return;
    }

    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        boolean clean = agent.shutdown("SIGTERM");
        log.info("stopped{}", clean ? "" : " (see the warnings above)");
      } catch (InterruptedException | RuntimeException e) {
        log.error("shutdown failed", e);
      } finally {
        // The JVM reports 143 after SIGTERM; a worker that drained as asked ended normally, and
        // service managers should see 0. halt() is the only way to set the status from a hook.
        Runtime.getRuntime().halt(0);
      }
    }, "agentgrid-shutdown"));

    agent.start();
    new CountDownLatch(1).await();
  }
}
