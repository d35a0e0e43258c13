-- 0018: sync with frontdesk-server (#19, docs/sync.md). The desk stays a complete SQLite desk; these
-- tables hold what it has still to push (the outbox), what the server would not take (set aside for a
-- supervisor), the desk's enrolment and cursors, and the estates it may sync. The capture triggers
-- that fill the outbox are TEMP triggers made from the schema on an enrolled desk's connections
-- (src/sync/capture.rs), so they always match the columns of this binary's schema.

-- Row changes to push, in the order the desk wrote them. AUTOINCREMENT: a desk_seq is never reused
-- after its row is acknowledged and dropped (the server keys changes by (desk_id, desk_seq)).
CREATE TABLE sync_outbox (
    desk_seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    estate_id     TEXT NOT NULL,
    tbl           TEXT NOT NULL,
    row_id        TEXT NOT NULL,
    op            TEXT NOT NULL CHECK (op IN ('insert','update')),
    fields        TEXT NOT NULL,              -- JSON object column -> value
    at            TEXT NOT NULL
);
CREATE INDEX sync_outbox_row ON sync_outbox(tbl, row_id);

-- The desk's enrolment: at most one row (id = 1); none until enrolled.
CREATE TABLE sync_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    desk_id       TEXT NOT NULL,
    desk_name     TEXT NOT NULL,
    desk_prefix   TEXT NOT NULL,              -- '' for an estate's first desk, then 'B', 'C' …
    server_url    TEXT NOT NULL,
    token         TEXT NOT NULL,
    capture       INTEGER NOT NULL DEFAULT 1, -- 0 only inside a transaction applying pulled changes
    pulled        INTEGER NOT NULL DEFAULT 0, -- last server_seq applied
    acked_through INTEGER NOT NULL DEFAULT 0, -- last desk_seq the server holds
    audit_through INTEGER NOT NULL DEFAULT 0, -- last chain_seq of this desk's audit chain it holds
    enrolled_at   TEXT NOT NULL,
    last_sync_at  TEXT,
    last_result   TEXT
);

-- The estates the desk's credential covers.
CREATE TABLE sync_estates (
    estate_id     TEXT PRIMARY KEY,
    access        TEXT NOT NULL CHECK (access IN ('write','read'))
);

-- Changes set aside: refused by the server on push (direction 'push'), or a pulled change this desk
-- could not apply (direction 'pull'). Listed for a supervisor; the queue goes on without them.
CREATE TABLE sync_refused (
    id            INTEGER PRIMARY KEY,
    direction     TEXT NOT NULL CHECK (direction IN ('push','pull')),
    seq           INTEGER NOT NULL,           -- desk_seq (push) or server_seq (pull)
    estate_id     TEXT NOT NULL,
    tbl           TEXT NOT NULL,
    row_id        TEXT NOT NULL,
    op            TEXT NOT NULL,
    fields        TEXT NOT NULL,
    at            TEXT NOT NULL,              -- when the change was written
    reason        TEXT NOT NULL,
    refused_at    TEXT NOT NULL
);

-- One hash chain per desk: '' is this desk's own chain (before and after enrolment), other desks'
-- entries carry their desk id. chain_seq numbers a chain's links 1, 2, 3… (the push sends them).
ALTER TABLE audit_log ADD COLUMN desk_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN chain_seq INTEGER;
DROP TRIGGER audit_no_update;
UPDATE audit_log SET chain_seq = r.n
    FROM (SELECT seq, row_number() OVER (ORDER BY seq) AS n FROM audit_log) AS r
    WHERE r.seq = audit_log.seq;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE UNIQUE INDEX audit_chain ON audit_log(desk_id, chain_seq);
