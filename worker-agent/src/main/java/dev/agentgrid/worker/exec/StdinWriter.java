package dev.agentgrid.worker.exec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes lines to an agent's stdin on a thread of its own, through a bounded queue. Writing to a pipe
 * blocks when the agent does not read, and the worker's message dispatch must never block on an
 * agent.
 */
final class StdinWriter {

  /** Lines that may wait for an agent that is slow to read stdin. */
  static final int CAPACITY = 256;

  private static final Logger LOG = LoggerFactory.getLogger(StdinWriter.class);
  private static final String END = new String("end-of-input");

  private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(CAPACITY + 1);
  private final Writer writer;
  private final String owner;
  private volatile boolean closed;

  StdinWriter(OutputStream stdin, String owner) {
    this.writer = new BufferedWriter(new OutputStreamWriter(stdin, StandardCharsets.UTF_8));
    this.owner = owner;
    Thread thread = new Thread(this::run, "agentgrid-" + owner + "-stdin");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues one line; returns false (and logs) if the agent has not read the last 256 lines. */
  boolean send(String line) {
    if (closed) {
      return false;
    }
    if (!lines.offer(line)) {
      LOG.warn("{}: agent is not reading stdin; dropped a line", owner);
      return false;
    }
    return true;
  }

  /** Closes stdin once the lines already queued are written. */
  void close() {
    closed = true;
    lines.offer(END);
  }

  private void run() {
    try {
      while (true) {
        String line = lines.take();
        if (line == END) {
          break;
        }
        writer.write(line);
        writer.write('\n');
        writer.flush();
      }
    } catch (IOException e) {
      // The agent closed its stdin or exited; what it did not read no longer matters.
      LOG.debug("{}: stdin closed: {}", owner, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        writer.close();
      } catch (IOException ignored) {
        // Already broken.
      }
    }
  }
}
