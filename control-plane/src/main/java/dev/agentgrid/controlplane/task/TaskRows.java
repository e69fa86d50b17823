package dev.agentgrid.controlplane.task;

import dev.agentgrid.controlplane.store.Changes;
import dev.agentgrid.controlplane.store.InList;
import dev.agentgrid.controlplane.store.SqlTime;
import dev.agentgrid.controlplane.store.SqlWrite;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Hand-written JDBC for the rows of {@code tasks} on the hot paths (placing tasks, applying
 * worker reports). The repository's generic mapping is fine elsewhere but showed up as a third of
 * the plane's CPU under load; these read and write the same columns directly.
 */
@Singleton
public class TaskRows {
    /** Every column, in the order of {@link Task}'s components. */
    static final String COLUMNS = "id, project_id, agent_type, instructions, input_json, status, status_reason,"
            + " attempt, max_attempts, retry_initial_ms, retry_coefficient, retry_max_ms, timeout_ms, priority,"
            + " label_selector_json, requires_approval, approval_question, unfinished_deps, worker_id,"
            + " lease_expires_at, not_before, progress_fraction, progress_stage, progress_message, output_json,"
            + " error_message, error_retryable, request_id, created_at, updated_at, started_at, finished_at";

    private static final String UPDATE = "UPDATE tasks SET instructions = ?, status = ?, status_reason = ?,"
            + " attempt = ?, unfinished_deps = ?, worker_id = ?, lease_expires_at = ?, not_before = ?,"
            + " progress_fraction = ?, progress_stage = ?, progress_message = ?, output_json = ?, error_message = ?,"
            + " error_retryable = ?, updated_at = ?, started_at = ?, finished_at = ? WHERE id = ?";

    private static final String INSERT_ROW = "(" + "?, ".repeat(31) + "?)";
    private static final String INSERT = "INSERT INTO tasks (" + COLUMNS + ") VALUES " + INSERT_ROW;
    /** The insert of n rows at [n - 1], for the few sent with the events: one text per size, made once. */
    private static final String[] INSERT_FEW = java.util.stream.IntStream.rangeClosed(1, SqlWrite.MAX_ROWS)
            .mapToObj(n -> INSERT + (", " + INSERT_ROW).repeat(n - 1)).toArray(String[]::new);

    private final JdbcOperations jdbc;

    public TaskRows(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A batch's rows, locked and read ahead in one statement; changes to them are kept here and
     * written back in one JDBC batch before the commit (a few with the events), so a batch of
     * worker reports costs a few round trips instead of three per report.
     */
    private static final class ReadAhead {
        final Map<UUID, Task> rows = new HashMap<>();
        final java.util.SortedSet<UUID> changed = new java.util.TreeSet<>();
    }

    /**
     * Locks the tasks with {@code ids} (those that exist) in id order and keeps them for
     * {@link #lock(Changes, UUID)}, {@link #update(Changes, Task)} and
     * {@link #renewLease(Changes, UUID, Instant)} in this transaction; what they change is
     * written back just before the commit.
     */
    public void lockAhead(Changes c, Collection<UUID> ids) {
        ReadAhead ahead = new ReadAhead();
        for (Task t : lockAll(ids)) {
            ahead.rows.put(t.id(), t);
        }
        c.scope(ReadAhead.class, ahead);
        c.beforeCommit(() -> {
            List<Task> out = new ArrayList<>(ahead.changed.size());
            ahead.changed.forEach(id -> out.add(ahead.rows.get(id)));
            updateWithEvents(c, out); // nothing after the write-back reads them
            ahead.changed.clear();
        });
    }

    /** The tasks with {@code ids} that exist, locked in id order until the transaction ends. */
    public List<Task> lockAll(Collection<UUID> ids) {
        List<UUID> sorted = new ArrayList<>(new java.util.TreeSet<>(ids));
        List<Task> out = new ArrayList<>(sorted.size());
        for (List<UUID> chunk : InList.chunks(sorted)) {
            out.addAll(select("WHERE id IN (" + InList.placeholders(chunk.size()) + ") ORDER BY id FOR UPDATE",
                    ps -> InList.bind(ps, chunk)));
        }
        return out;
    }

    /** The task, locked until the transaction ends (as read ahead and changed so far, if it was). */
    public Optional<Task> lock(Changes c, UUID id) {
        ReadAhead ahead = c.scoped(ReadAhead.class);
        if (ahead != null && ahead.rows.containsKey(id)) {
            return Optional.of(ahead.rows.get(id));
        }
        return lock(id);
    }

    /** The task, locked until the transaction ends. */
    private Optional<Task> lock(UUID id) {
        return jdbc.prepareStatement("SELECT " + COLUMNS + " FROM tasks WHERE id = ? FOR UPDATE", ps -> {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        });
    }

    /** Moves the lease of a task's current attempt, if it still has one running. */
    public void renewLease(Changes c, UUID id, Instant until) {
        ReadAhead ahead = c.scoped(ReadAhead.class);
        if (ahead != null && ahead.rows.containsKey(id)) {
            Task t = ahead.rows.get(id);
            if (t.status().isOnWorker()) {
                ahead.rows.put(id, t.toBuilder().leaseExpiresAt(until).build());
                ahead.changed.add(id);
            }
            return;
        }
        renewLease(id, until);
    }

    private void renewLease(UUID id, Instant until) {
        jdbc.prepareStatement("UPDATE tasks SET lease_expires_at = ? WHERE id = ?"
                + " AND status IN ('ASSIGNED', 'RUNNING', 'WAITING_FOR_HITL')", ps -> {
                    SqlTime.set(ps, 1, until);
                    ps.setObject(2, id);
                    return ps.executeUpdate();
                });
    }

    /** Rows matching {@code sqlAfterFrom} ("WHERE ... ORDER BY ... [FOR UPDATE ...]"), bound by {@code binder}. */
    public List<Task> select(String sqlAfterFrom, Binder binder) {
        return jdbc.prepareStatement("SELECT " + COLUMNS + " FROM tasks " + sqlAfterFrom, ps -> {
            binder.bind(ps);
            List<Task> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        });
    }

    /** Binds a statement's parameters. */
    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /**
     * Writes a changed task (every column a task's life changes; the spec columns never change
     * but instructions): at once, or before the commit if it was read ahead.
     */
    public Task update(Changes c, Task t) {
        ReadAhead ahead = c.scoped(ReadAhead.class);
        if (ahead != null && ahead.rows.containsKey(t.id())) {
            ahead.rows.put(t.id(), t);
            ahead.changed.add(t.id());
            return t;
        }
        updateAll(List.of(t));
        return t;
    }

    /** Inserts new tasks in one JDBC batch (a multi-row insert on PostgreSQL). */
    public void insertAll(Collection<Task> created) {
        if (created.isEmpty()) {
            return;
        }
        jdbc.prepareStatement(INSERT, ps -> {
            for (Task t : created) {
                bindInsert(ps, 1, t);
                ps.addBatch();
            }
            return ps.executeBatch();
        });
    }

    /**
     * Inserts a few new tasks with the transaction's events ({@link Changes#writeWithEvents}: in
     * the event append's round trip on PostgreSQL), or at once if there are many. Only where
     * nothing later in the transaction reads the rows or refers to them.
     */
    public void insertWithEvents(Changes c, List<Task> created) {
        if (created.isEmpty() || created.size() > SqlWrite.MAX_ROWS) {
            insertAll(created);
            return;
        }
        List<Task> rows = List.copyOf(created);
        c.writeWithEvents(new SqlWrite(INSERT_FEW[rows.size() - 1],
                (ps, from) -> {
                    int i = from;
                    for (Task t : rows) {
                        i = bindInsert(ps, i, t);
                    }
                    return i;
                }));
    }

    /** Binds one row of {@link #INSERT} from position {@code i}; returns the position after it. */
    private static int bindInsert(PreparedStatement ps, int i, Task t) throws SQLException {
        ps.setObject(i++, t.id());
        ps.setObject(i++, t.projectId());
        ps.setString(i++, t.agentType());
        ps.setString(i++, t.instructions());
        ps.setString(i++, t.inputJson());
        ps.setString(i++, t.status().name());
        ps.setString(i++, t.statusReason());
        ps.setInt(i++, t.attempt());
        ps.setInt(i++, t.maxAttempts());
        ps.setLong(i++, t.retryInitialMs());
        ps.setDouble(i++, t.retryCoefficient());
        ps.setLong(i++, t.retryMaxMs());
        ps.setLong(i++, t.timeoutMs());
        ps.setInt(i++, t.priority());
        ps.setString(i++, t.labelSelectorJson());
        ps.setBoolean(i++, t.requiresApproval());
        ps.setString(i++, t.approvalQuestion());
        ps.setInt(i++, t.unfinishedDeps());
        i = bindLifeColumns(ps, i, t);
        ps.setString(i++, t.requestId());
        SqlTime.set(ps, i++, t.createdAt());
        SqlTime.set(ps, i++, t.updatedAt());
        SqlTime.setNullable(ps, i++, t.startedAt());
        SqlTime.setNullable(ps, i++, t.finishedAt());
        return i;
    }

    /** Writes changed tasks in one JDBC batch. */
    public void updateAll(Collection<Task> changed) {
        if (changed.isEmpty()) {
            return;
        }
        jdbc.prepareStatement(UPDATE, ps -> {
            for (Task t : changed) {
                bindUpdate(ps, 1, t);
                ps.addBatch();
            }
            return ps.executeBatch();
        });
    }

    /**
     * Writes a few changed tasks with the transaction's events ({@link Changes#writeWithEvents}:
     * in the event append's round trip on PostgreSQL), or at once if there are many. Only where
     * nothing later in the transaction reads the rows.
     */
    public void updateWithEvents(Changes c, List<Task> changed) {
        if (changed.size() > SqlWrite.MAX_ROWS) {
            updateAll(changed);
            return;
        }
        for (Task t : changed) {
            c.writeWithEvents(new SqlWrite(UPDATE, (ps, from) -> bindUpdate(ps, from, t)));
        }
    }

    /** Binds one row of {@link #UPDATE} from position {@code i}; returns the position after it. */
    private static int bindUpdate(PreparedStatement ps, int i, Task t) throws SQLException {
        ps.setString(i++, t.instructions());
        ps.setString(i++, t.status().name());
        ps.setString(i++, t.statusReason());
        ps.setInt(i++, t.attempt());
        ps.setInt(i++, t.unfinishedDeps());
        i = bindLifeColumns(ps, i, t);
        SqlTime.set(ps, i++, t.updatedAt());
        SqlTime.setNullable(ps, i++, t.startedAt());
        SqlTime.setNullable(ps, i++, t.finishedAt());
        ps.setObject(i++, t.id());
        return i;
    }

    /**
     * Binds worker_id through error_retryable (the columns between unfinished_deps and request_id
     * in {@link #COLUMNS}, in that order) from {@code i}; returns the next index.
     */
    private static int bindLifeColumns(PreparedStatement ps, int i, Task t) throws SQLException {
        ps.setString(i++, t.workerId());
        SqlTime.setNullable(ps, i++, t.leaseExpiresAt());
        SqlTime.setNullable(ps, i++, t.notBefore());
        if (t.progressFraction() == null) {
            ps.setNull(i++, Types.DOUBLE);
        } else {
            ps.setDouble(i++, t.progressFraction());
        }
        ps.setString(i++, t.progressStage());
        ps.setString(i++, t.progressMessage());
        ps.setString(i++, t.outputJson());
        ps.setString(i++, t.errorMessage());
        if (t.errorRetryable() == null) {
            ps.setNull(i++, Types.BOOLEAN);
        } else {
            ps.setBoolean(i++, t.errorRetryable());
        }
        return i;
    }

    static Task read(ResultSet rs) throws SQLException {
        double fraction = rs.getDouble(22);
        Double progressFraction = rs.wasNull() ? null : fraction;
        boolean retryable = rs.getBoolean(27);
        Boolean errorRetryable = rs.wasNull() ? null : retryable;
        return new Task(
                rs.getObject(1, UUID.class),
                rs.getObject(2, UUID.class),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                TaskStatus.valueOf(rs.getString(6)),
                rs.getString(7),
                rs.getInt(8),
                rs.getInt(9),
                rs.getLong(10),
                rs.getDouble(11),
                rs.getLong(12),
                rs.getLong(13),
                rs.getInt(14),
                rs.getString(15),
                rs.getBoolean(16),
                rs.getString(17),
                rs.getInt(18),
                rs.getString(19),
                instant(rs, 20),
                instant(rs, 21),
                progressFraction,
                rs.getString(23),
                rs.getString(24),
                rs.getString(25),
                rs.getString(26),
                errorRetryable,
                rs.getString(28),
                instant(rs, 29),
                instant(rs, 30),
                instant(rs, 31),
                instant(rs, 32));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
