-- How many attempts each worker holds (tasks ASSIGNED, RUNNING or WAITING_FOR_HITL on it), kept
-- up to date in the transaction of every status change (HeldSlots). The dispatcher used to count
-- them from tasks every round, thousands of rows on busy workers, which was one of the two most
-- expensive statements under load. A table of its own, not a column of workers: heartbeats
-- update every worker row all the time, and slot accounting must not queue behind them.
-- Its row is also the lock that orders placing work on a worker with changes of the worker's
-- session (connect, drain, offline).
CREATE TABLE worker_slots (
    worker_id VARCHAR(128) PRIMARY KEY REFERENCES workers (id) ON DELETE CASCADE,
    held      INTEGER      NOT NULL
);
INSERT INTO worker_slots (worker_id, held)
    SELECT w.id, (SELECT COUNT(*) FROM tasks t
        WHERE t.worker_id = w.id AND t.status IN ('ASSIGNED', 'RUNNING', 'WAITING_FOR_HITL'))
    FROM workers w;
