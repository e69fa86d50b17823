-- How many attempts each worker holds (tasks ASSIGNED, RUNNING or WAITING_FOR_HITL on it), kept
-- up to date in the transaction of every status change (HeldSlots). The dispatcher used to count
-- them from tasks every round, thousands of rows on busy workers, which was one of the two most
-- expensive statements under load.
ALTER TABLE workers ADD COLUMN held_slots INTEGER DEFAULT 0 NOT NULL;
UPDATE workers SET held_slots = (SELECT COUNT(*) FROM tasks
    WHERE tasks.worker_id = workers.id AND tasks.status IN ('ASSIGNED', 'RUNNING', 'WAITING_FOR_HITL'));
