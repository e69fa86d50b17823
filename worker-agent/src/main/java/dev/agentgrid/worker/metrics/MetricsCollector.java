package dev.agentgrid.worker.metrics;

import com.google.protobuf.Timestamp;
import dev.agentgrid.proto.v1.MetricsSnapshot;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a {@link MetricsSnapshot} from a list of sources. Each source is read in its own try/catch:
 * a source that fails leaves its fields at zero and never stops the heartbeat that carries the
 * snapshot. A failure is logged once when it starts and once when the source recovers, not on
 * every heartbeat.
 */
public final class MetricsCollector {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsCollector.class);

  private final List<MetricSource> sources;
  private final Clock clock;
  private final Set<String> failing = new HashSet<>();

  /** Creates a collector reading {@code sources} in order, stamping snapshots with {@code clock}. */
  public MetricsCollector(List<MetricSource> sources, Clock clock) {
    this.sources = List.copyOf(sources);
    this.clock = clock;
  }

  /** Takes a snapshot now. Never throws because of a source. */
  public synchronized MetricsSnapshot collect() {
    Instant now = clock.instant();
    MetricsSnapshot.Builder snapshot = MetricsSnapshot.newBuilder()
        .setCaptureTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()));
    for (MetricSource source : sources) {
      try {
        source.contribute(snapshot);
        if (failing.remove(source.name())) {
          LOG.info("metric source {} works again", source.name());
        }
      } catch (Exception | LinkageError e) {
        // LinkageError too: a missing native library (JNA) must not end the heartbeat either.
        if (failing.add(source.name())) {
          LOG.warn("metric source {} failed; its fields stay empty until it recovers: {}",
              source.name(), e.toString());
        }
      }
    }
    return snapshot.build();
  }
}
