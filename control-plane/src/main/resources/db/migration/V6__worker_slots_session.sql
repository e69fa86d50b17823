-- The slot row also carries what placing work on the worker checks: its current session and its
-- number of slots. The dispatcher then takes a worker's slots with one conditional update of this
-- row (the session still the one it planned for, room for all it planned) instead of locking the
-- row, reading the session from workers and updating the count: three round trips per placement
-- became one. Every change of session (connect, drain, offline) writes both rows in one
-- transaction, so the two sessions never differ outside one.
ALTER TABLE worker_slots ADD COLUMN session_id UUID;
ALTER TABLE worker_slots ADD COLUMN slots INTEGER NOT NULL DEFAULT 0;
UPDATE worker_slots SET
    session_id = (SELECT w.session_id FROM workers w WHERE w.id = worker_slots.worker_id),
    slots = (SELECT w.slots FROM workers w WHERE w.id = worker_slots.worker_id);
