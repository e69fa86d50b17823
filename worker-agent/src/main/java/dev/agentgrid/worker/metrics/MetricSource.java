package dev.agentgrid.worker.metrics;

import dev.agentgrid.proto.v1.MetricsSnapshot;

/** One kind of reading that goes into a heartbeat's metrics (CPU, memory, disks, ...). */
public interface MetricSource {

  /** A short name for logs, e.g. "cpu". */
  String name();

  /**
   * Adds this source's readings to {@code snapshot}.
   *
   * @throws Exception if the reading failed; the collector logs it and leaves the fields unset
   */
  void contribute(MetricsSnapshot.Builder snapshot) throws Exception;

  /** Creates a source from a name and a function. */
  static MetricSource of(String name, Contributor contributor) {
    return new MetricSource() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void contribute(MetricsSnapshot.Builder snapshot) throws Exception {
        contributor.contribute(snapshot);
      }
    };
  }

  /** The body of a source made with {@link #of}. */
  @FunctionalInterface
  interface Contributor {
    /** Adds readings to {@code snapshot}. */
    void contribute(MetricsSnapshot.Builder snapshot) throws Exception;
  }
}
