-- 0007: grading — "the same complaint" (issues linking complaints of one problem) and escalations.

-- One problem of one estate that several complaints report (同一问题).
CREATE TABLE complaint_issues (
    id              TEXT PRIMARY KEY,
    estate_id       TEXT NOT NULL REFERENCES estates(id),
    title           TEXT NOT NULL,            -- what the problem is, in words
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL
);
CREATE INDEX complaint_issues_estate ON complaint_issues(estate_id, created_at);

ALTER TABLE complaints ADD COLUMN issue_id TEXT REFERENCES complaint_issues(id);
CREATE INDEX complaints_issue ON complaints(issue_id);

-- Escalations (上报): raised automatically by the rules, acknowledged by a supervisor. Rows are
-- never deleted; only the acknowledgement columns are filled in, once.
CREATE TABLE escalations (
    id              TEXT PRIMARY KEY,
    estate_id       TEXT NOT NULL REFERENCES estates(id),
    subject_kind    TEXT NOT NULL CHECK (subject_kind IN ('complaint')),
    subject_id      TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('failed_attempts','major',
                        'overdue_first_response','overdue_handling')),
    reason          TEXT NOT NULL,
    to_role         TEXT NOT NULL,
    policy_version  INTEGER NOT NULL,
    raised_at       TEXT NOT NULL,
    raised_by       TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    ack_note        TEXT
);
CREATE INDEX escalations_open ON escalations(estate_id, acknowledged_at, raised_at);
CREATE INDEX escalations_subject ON escalations(subject_kind, subject_id, kind, raised_at);
