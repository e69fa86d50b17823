package dev.agentgrid.controlplane.event;

import dev.agentgrid.controlplane.store.Database;
import dev.agentgrid.controlplane.store.SqlTime;
import dev.agentgrid.controlplane.store.SqlWrite;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Appends to and reads the immutable event log. Appending runs inside the caller's transaction,
 * last, and takes the sequence row's lock, so sequence order is commit order: once a reader sees
 * {@code last_seq = N} committed, every event up to N is visible. On PostgreSQL the append can
 * commit in its own round trip, so the lock is held only while the database appends and makes
 * the commit durable, not also while the answer travels back and the plane sends COMMIT (a
 * thread waiting for a core there held up every other writer).
 */
@Singleton
public class EventLog {
    private final JdbcOperations jdbc;
    private final dev.agentgrid.controlplane.stats.PlaneStats stats;
    private final Database database;

    public EventLog(JdbcOperations jdbc, dev.agentgrid.controlplane.stats.PlaneStats stats,
            Database database) {
        this.jdbc = jdbc;
        this.stats = stats;
        this.database = database;
    }

    /**
     * Stores events in the current transaction, numbering them. Takes the sequence row's lock until
     * the transaction ends.
     *
     * @param writes statements to run first (see {@link dev.agentgrid.controlplane.store.Changes#writeWithEvents}):
     *     on PostgreSQL in the same round trip as the append
     * @param commit on PostgreSQL, with events, commit the transaction in the same round trip; only
     *     for a transaction of its own, with nothing after the append (the driver then skips the
     *     transaction manager's COMMIT, there being no transaction open)
     * @return the events with their sequence numbers
     */
    public List<Event> append(List<Event> events, List<SqlWrite> writes, boolean commit) {
        if (events.isEmpty() || !database.postgres()) {
            writes.forEach(this::execute);
            if (events.isEmpty()) {
                return List.of();
            }
        }
        long last = database.postgres() ? appendInOneStatement(events, writes, commit) : appendInTwoStatements(events);
        List<Event> numbered = new ArrayList<>(events.size());
        for (Event e : events) {
            numbered.add(e.withSeq(++last));
        }
        stats.count(dev.agentgrid.controlplane.stats.PlaneStats.EVENTS_APPENDED, numbered.size());
        return numbered;
    }

    private void execute(SqlWrite write) {
        jdbc.prepareStatement(write.sql(), ps -> {
            write.binder().bind(ps, 1);
            return ps.executeUpdate();
        });
    }

    /**
     * PostgreSQL: reserves the numbers and inserts the rows (passed as arrays, numbered in array
     * order) in one statement, one round trip fewer for every write transaction; returns the
     * number before the first one. The {@code writes} go first in the same prepared statement,
     * which the driver sends as one pipeline (one round trip for them all), and the COMMIT after.
     */
    private long appendInOneStatement(List<Event> events, List<SqlWrite> writes, boolean commit) {
        int n = events.size();
        UUID[] ids = new UUID[n];
        String[] types = new String[n];
        UUID[] projects = new UUID[n];
        UUID[] tasks = new UUID[n];
        String[] workers = new String[n];
        String[] agentTypes = new String[n];
        String[] payloads = new String[n];
        Long[] micros = new Long[n];
        for (int i = 0; i < n; i++) {
            Event e = events.get(i);
            ids[i] = e.id();
            types[i] = e.eventType();
            projects[i] = e.projectId();
            tasks[i] = e.taskId();
            workers[i] = e.workerId();
            agentTypes[i] = e.agentType();
            payloads[i] = e.payload();
            micros[i] = java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH, e.createdAt());
        }
        String append = commit ? APPEND_POSTGRES_AND_COMMIT : APPEND_POSTGRES;
        long newLast = jdbc.prepareStatement(SqlWrite.before(writes, append), ps -> {
            java.sql.Connection cn = ps.getConnection();
            int i = SqlWrite.bindAll(writes, ps);
            ps.setLong(i++, n);
            ps.setLong(i++, n);
            ps.setArray(i++, cn.createArrayOf("uuid", ids));
            ps.setArray(i++, cn.createArrayOf("varchar", types));
            ps.setArray(i++, cn.createArrayOf("uuid", projects));
            ps.setArray(i++, cn.createArrayOf("uuid", tasks));
            ps.setArray(i++, cn.createArrayOf("varchar", workers));
            ps.setArray(i++, cn.createArrayOf("varchar", agentTypes));
            ps.setArray(i++, cn.createArrayOf("text", payloads));
            ps.setArray(i, cn.createArrayOf("bigint", micros));
            try (ResultSet rs = SqlWrite.executeForRows(ps)) {
                rs.next();
                return rs.getLong(1);
            }
        });
        return newLast - n;
    }

    // The CTE's update runs once and locks the sequence row; the insert numbers the rows from it.
    private static final String APPEND_POSTGRES = "WITH s AS (UPDATE event_sequence SET last_seq = last_seq + ?"
            + " WHERE id = 1 RETURNING last_seq),"
            + " ins AS (INSERT INTO event_log (seq, id, event_type, project_id, task_id, worker_id, agent_type,"
            + " payload, created_at) SELECT s.last_seq - ? + e.n, e.id, e.event_type, e.project_id, e.task_id,"
            + " e.worker_id, e.agent_type, e.payload, TIMESTAMPTZ 'epoch' + e.micros * INTERVAL '1 microsecond'"
            + " FROM s, unnest(?::uuid[], ?::varchar[], ?::uuid[], ?::uuid[], ?::varchar[], ?::varchar[], ?::text[],"
            + " ?::bigint[]) WITH ORDINALITY AS e(id, event_type, project_id, task_id, worker_id, agent_type,"
            + " payload, micros, n))"
            + " SELECT last_seq FROM s";
    private static final String APPEND_POSTGRES_AND_COMMIT = APPEND_POSTGRES + "; COMMIT";

    /** H2: reserves the numbers, then inserts the rows in a batch; returns the number before the first one. */
    private long appendInTwoStatements(List<Event> events) {
        long newLast = jdbc.prepareStatement(
                "SELECT last_seq FROM FINAL TABLE (UPDATE event_sequence SET last_seq = last_seq + ? WHERE id = 1)",
                ps -> {
                    ps.setLong(1, events.size());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                });
        long seq = newLast - events.size();
        long[] next = {seq};
        jdbc.prepareStatement("INSERT INTO event_log (seq, id, event_type, project_id, task_id, worker_id, agent_type,"
                + " payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                    for (Event e : events) {
                        ps.setLong(1, ++next[0]);
                        ps.setObject(2, e.id());
                        ps.setString(3, e.eventType());
                        setUuid(ps, 4, e.projectId());
                        setUuid(ps, 5, e.taskId());
                        ps.setString(6, e.workerId());
                        ps.setString(7, e.agentType());
                        ps.setString(8, e.payload());
                        SqlTime.set(ps, 9, e.createdAt());
                        ps.addBatch();
                    }
                    return ps.executeBatch();
                });
        return seq;
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
            SqlTime.set(ps, 1, cutoff);
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
