package dev.agentgrid.worker.exec;

import dev.agentgrid.worker.connect.Cancellable;
import dev.agentgrid.worker.connect.Scheduler;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stops a process and everything it started: SIGTERM to the whole tree, SIGKILL after a grace. */
final class ProcessTree {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessTree.class);

  private ProcessTree() {
  }

  /**
   * Sends SIGTERM to {@code root} and all its descendants now, and SIGKILL to whatever of them is
   * still alive after {@code grace}. Process handles carry the start time, so a pid reused in the
   * meantime is never hit.
   *
   * @return the pending SIGKILL
   */
  static Cancellable terminate(ProcessHandle root, Duration grace, Scheduler scheduler) {
    // The tree is captured before signalling: once a parent dies its children are re-parented to
    // init and can no longer be found as descendants of root.
    Set<ProcessHandle> tree = snapshot(root);
    LOG.debug("SIGTERM to {}", pids(tree));
    tree.forEach(ProcessHandle::destroy);
    return scheduler.schedule(() -> {
      Set<ProcessHandle> alive = snapshot(root);
      alive.addAll(tree);
      alive.removeIf(handle -> !handle.isAlive());
      if (!alive.isEmpty()) {
        LOG.info("SIGKILL to {} after a grace of {} ms", pids(alive), grace.toMillis());
        alive.forEach(ProcessHandle::destroyForcibly);
      }
    }, grace);
  }

  private static Set<ProcessHandle> snapshot(ProcessHandle root) {
    Set<ProcessHandle> tree = new LinkedHashSet<>();
    // Children first, so none of them gets a chance to be re-parented while we signal.
    root.descendants().forEach(tree::add);
    tree.add(root);
    return tree;
  }

  private static String pids(Set<ProcessHandle> handles) {
    return handles.stream().map(h -> Long.toString(h.pid())).collect(Collectors.joining(", "));
  }
}
