package db.migration;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * PostgreSQL only: the indexes that serve questions about tasks on workers or finished tasks hold
 * only those tasks.
 *
 * <p>The reason is the dispatcher. {@code tasks_agent_activity_idx} was {@code (status,
 * agent_type, updated_at)} over every task, so it also matched the candidates read's {@code status
 * = 'PENDING' AND agent_type = ?}. Right after a burst of creates, before autovacuum had analyzed
 * the table, PostgreSQL estimated one pending task and chose that index plus a sort over {@code
 * tasks_dispatch_idx}'s ordered range: every round then read and sorted all of the type's pending
 * tasks (27-38 ms a round at 20,000 pending, measured with {@code EXPLAIN ANALYZE} during the
 * throughput benchmark; 0.05 ms with the dispatch index). Holding only the statuses it is asked
 * about (a worker's current or waiting task, expired leases, timeouts), it can no longer serve a
 * PENDING read, so the ordered index is the only one that does.
 *
 * <p>Every status change is an update PostgreSQL cannot make HOT (status is indexed), so it adds an
 * entry to every index whose predicate the new row version satisfies. Of a task's four versions
 * (pending, assigned, running, completed) the activity and worker indexes now take two, and the
 * finished index ({@code finished_at IS NOT NULL}, the last finished task of a type) one.
 *
 * <p>Every query these indexes serve names its statuses as literals (or {@code finished_at IS NOT
 * NULL}), so that the planner can prove the predicate in a generic plan too. H2 has no partial
 * indexes and keeps the full ones.
 */
public class V7__PartialTaskStateIndexes extends BaseJavaMigration {
    /** The statuses of a task that holds a slot of its worker. */
    private static final String ON_WORKER = "status IN ('ASSIGNED', 'RUNNING', 'WAITING_FOR_HITL')";

    @Override
    public void migrate(Context context) throws Exception {
        if (!"PostgreSQL".equals(context.getConnection().getMetaData().getDatabaseProductName())) {
            return;
        }
        try (Statement s = context.getConnection().createStatement()) {
            s.execute("DROP INDEX tasks_agent_activity_idx");
            s.execute("CREATE INDEX tasks_agent_activity_idx ON tasks (status, agent_type, updated_at) WHERE " + ON_WORKER);
            s.execute("DROP INDEX tasks_worker_idx");
            s.execute("CREATE INDEX tasks_worker_idx ON tasks (worker_id) WHERE " + ON_WORKER);
            s.execute("DROP INDEX tasks_agent_finished_idx");
            s.execute("CREATE INDEX tasks_agent_finished_idx ON tasks (agent_type, finished_at)"
                    + " WHERE finished_at IS NOT NULL");
        }
    }
}
