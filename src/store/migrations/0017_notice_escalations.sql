-- 0017: a late 整改通知单 raises an escalation like an overdue complaint. The escalations table
-- is rebuilt (SQLite cannot widen a CHECK in place) with the notice as a second subject and its
-- two kinds: not delivered to the repairer in time, not reworked in time. Every row is kept.

CREATE TABLE escalations_v2 (
    id              TEXT PRIMARY KEY,
    estate_id       TEXT NOT NULL REFERENCES estates(id),
    subject_kind    TEXT NOT NULL CHECK (subject_kind IN ('complaint','notice')),
    subject_id      TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('failed_attempts','major',
                        'overdue_first_response','overdue_handling',
                        'notice_undelivered','notice_rework_late')),
    reason          TEXT NOT NULL,
    to_role         TEXT NOT NULL,
    policy_version  INTEGER NOT NULL,
    raised_at       TEXT NOT NULL,
    raised_by       TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    ack_note        TEXT
);
INSERT INTO escalations_v2 SELECT id, estate_id, subject_kind, subject_id, kind, reason, to_role,
    policy_version, raised_at, raised_by, acknowledged_at, acknowledged_by, ack_note
    FROM escalations;
DROP TABLE escalations;
ALTER TABLE escalations_v2 RENAME TO escalations;
CREATE INDEX escalations_open ON escalations(estate_id, acknowledged_at, raised_at);
CREATE INDEX escalations_subject ON escalations(subject_kind, subject_id, kind, raised_at);
