-- The dispatcher reads each agent type's first placeable tasks in placement order (priority
-- descending, then oldest): an index in exactly that order lets it stop after the rows it needs
-- instead of sorting every pending task of the type each round.
DROP INDEX tasks_dispatch_idx;
CREATE INDEX tasks_dispatch_idx ON tasks (status, agent_type, priority DESC, created_at, id);

-- "How many attempts does each worker hold?" visits only a worker's unfinished tasks instead of
-- every task it ever ran.
DROP INDEX tasks_worker_idx;
CREATE INDEX tasks_worker_idx ON tasks (worker_id, status);
