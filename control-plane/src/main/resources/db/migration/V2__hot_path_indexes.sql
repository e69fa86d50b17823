-- Indexes for the hot paths found by the benchmarks (bench/README.md).

-- "Does this project still have an unfinished task?" after each batch that finished tasks: an
-- index seek instead of counting every task of the project.
CREATE INDEX tasks_project_status_idx ON tasks (project_id, status);

-- An agent type's derived status reads its most recently updated task in one status: a seek to
-- the end of (status, agent_type) instead of sorting all of its active tasks.
CREATE INDEX tasks_agent_activity_idx ON tasks (status, agent_type, updated_at);

-- An idle agent type's status depends on its last finished task (ERROR if it failed): a seek
-- instead of scanning every task the type ever ran.
CREATE INDEX tasks_agent_finished_idx ON tasks (agent_type, finished_at);
