-- 0008: the working calendar's estate overrides and deadline pauses.

-- An estate's own day: a holiday or a working day, overriding the shipped national calendar and
-- the weekend rule. At most one live row per estate and date; changes are audited, removals voided.
CREATE TABLE calendar_days (
    id              TEXT PRIMARY KEY,
    estate_id       TEXT NOT NULL REFERENCES estates(id),
    date            TEXT NOT NULL,            -- YYYY-MM-DD (Beijing)
    working         INTEGER NOT NULL CHECK (working IN (0, 1)),
    name            TEXT NOT NULL,            -- 调休 / 公司活动日 …
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    voided_at       TEXT,
    voided_by       TEXT,
    void_reason     TEXT
);
CREATE UNIQUE INDEX calendar_days_live ON calendar_days(estate_id, date) WHERE voided_at IS NULL;

-- A deadline stopped while waiting for the owner. Paused time does not count towards any
-- deadline of the subject. At most one open pause (resumed_at IS NULL) per subject.
CREATE TABLE deadline_pauses (
    id              TEXT PRIMARY KEY,
    estate_id       TEXT NOT NULL REFERENCES estates(id),
    subject_kind    TEXT NOT NULL CHECK (subject_kind IN ('complaint','repair','slip')),
    subject_id      TEXT NOT NULL,
    paused_at       TEXT NOT NULL,
    resumed_at      TEXT,
    reason          TEXT NOT NULL,
    resumed_by      TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL
);
CREATE INDEX deadline_pauses_subject ON deadline_pauses(subject_kind, subject_id, paused_at);
CREATE UNIQUE INDEX deadline_pauses_open ON deadline_pauses(subject_kind, subject_id) WHERE resumed_at IS NULL;
