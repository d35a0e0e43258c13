-- A change set aside is settled by a supervisor with a note saying how (#19): it stays listed,
-- with who settled it and when, and no longer counts as waiting. Local to the desk, like the
-- set-aside list itself.
ALTER TABLE sync_refused ADD COLUMN settled_at TEXT;
ALTER TABLE sync_refused ADD COLUMN settled_by TEXT;
ALTER TABLE sync_refused ADD COLUMN settle_note TEXT;
