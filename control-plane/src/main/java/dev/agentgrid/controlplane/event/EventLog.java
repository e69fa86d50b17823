package dev.agentgrid.controlplane.event;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Appends to and reads the immutable event log. Appending runs inside the caller's transaction
 * and takes the sequence row's lock, so sequence order is commit order: once a reader sees
 * {@code last_seq = N} committed, every event up to N is visible.
 */
@Singleton
public class EventLog {
    private final JdbcOperations jdbc;
    private final dev.agentgrid.controlplane.stats.PlaneStats stats;
    private volatile String reserveSql;

    public EventLog(JdbcOperations jdbc, dev.agentgrid.controlplane.stats.PlaneStats stats) {
        this.jdbc = jdbc;
        this.stats = stats;
    }

    /**
     * Reserves {@code count} sequence numbers in one statement, which also takes the sequence
     * row's lock until the transaction ends; returns the number before the first one.
     */
    private long reserve(int count) {
        String sql = reserveSql;
        if (sql == null) {
            String product = jdbc.execute(connection -> connection.getMetaData().getDatabaseProductName());
            // The same statement in each dialect: PostgreSQL returns the new row, H2 reads it
            // from the update's "final table".
            sql = "PostgreSQL".equals(product)
                    ? "UPDATE event_sequence SET last_seq = last_seq + ? WHERE id = 1 RETURNING last_seq"
                    : "SELECT last_seq FROM FINAL TABLE (UPDATE event_sequence SET last_seq = last_seq + ? WHERE id = 1)";
            reserveSql = sql;
        }
        long newLast = jdbc.prepareStatement(sql, ps -> {
            ps.setLong(1, count);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        return newLast - count;
    }

    /**
     * Stores events in the current transaction, numbering them.
     *
     * @return the events with their sequence numbers
     */
    public List<Event> append(List<Event> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        long last = reserve(events.size());
        List<Event> numbered = new ArrayList<>(events.size());
        for (Event e : events) {
            numbered.add(e.withSeq(++last));
        }
        jdbc.prepareStatement("INSERT INTO event_log (seq, id, event_type, project_id, task_id, worker_id, agent_type,"
                + " payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                    for (Event e : numbered) {
                        ps.setLong(1, e.seq());
                        ps.setObject(2, e.id());
                        ps.setString(3, e.eventType());
                        setUuid(ps, 4, e.projectId());
                        setUuid(ps, 5, e.taskId());
                        ps.setString(6, e.workerId());
                        ps.setString(7, e.agentType());
                        ps.setString(8, e.payload());
                        ps.setTimestamp(9, Timestamp.from(e.createdAt()));
                        ps.addBatch();
                    }
                    return ps.executeBatch();
                });
        stats.count(dev.agentgrid.controlplane.stats.PlaneStats.EVENTS_APPENDED, numbered.size());
        return numbered;
    }

    /** The sequence number of the latest committed event (0 when the log is empty). */
    public long latestSeq() {
        return jdbc.prepareStatement("SELECT last_seq FROM event_sequence WHERE id = 1", ps -> {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** The oldest retained sequence number, or 0 when the log is empty. */
    public long oldestSeq() {
        return jdbc.prepareStatement("SELECT MIN(seq) FROM event_log", ps -> {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /**
     * Reads events with {@code after < seq <= upTo} that match the filter, in order.
     *
     * @param limit at most this many
     */
    public List<Event> read(long after, long upTo, EventFilter filter, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM event_log WHERE seq > ? AND seq <= ?");
        List<Object> args = new ArrayList<>(List.of(after, upTo));
        if (filter.projectId() != null) {
            sql.append(" AND project_id = ?");
            args.add(filter.projectId());
        }
        if (filter.taskId() != null) {
            sql.append(" AND task_id = ?");
            args.add(filter.taskId());
        }
        if (filter.workerId() != null) {
            sql.append(" AND worker_id = ?");
            args.add(filter.workerId());
        }
        if (!filter.eventTypes().isEmpty()) {
            sql.append(" AND event_type IN (").append("?,".repeat(filter.eventTypes().size()));
            sql.setLength(sql.length() - 1);
            sql.append(')');
            args.addAll(filter.eventTypes());
        }
        sql.append(" ORDER BY seq LIMIT ").append(limit);
        return jdbc.prepareStatement(sql.toString(), ps -> {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Event> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new Event(rs.getLong("seq"), rs.getObject("id", UUID.class), rs.getString("event_type"),
                            rs.getObject("project_id", UUID.class), rs.getObject("task_id", UUID.class),
                            rs.getString("worker_id"), rs.getString("agent_type"), rs.getString("payload"),
                            rs.getTimestamp("created_at").toInstant()));
                }
                return out;
            }
        });
    }

    /** Deletes events created before the cut-off; returns how many. */
    public int deleteOlderThan(java.time.Instant cutoff) {
        return jdbc.prepareStatement("DELETE FROM event_log WHERE created_at < ?", ps -> {
            ps.setTimestamp(1, Timestamp.from(cutoff));
            return ps.executeUpdate();
        });
    }

    private static void setUuid(PreparedStatement ps, int index, UUID value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.OTHER);
        } else {
            ps.setObject(index, value);
        }
    }
}
