-- 0013: attachments (附件): photos, scans and short recordings of a case.
--
-- The file itself lives in the data folder's `attachments/` store by its SHA-256
-- (`attachments/ab/abcdef….jpg`), written once and never overwritten; a row ties it to its
-- subject. `subject_kind` is checked in the core (intake, complaint, repair; a later 赔付 claim
-- adds its word there), so a new kind of case needs no migration. Voiding detaches the file
-- with a reason; the file stays.
CREATE TABLE attachments (
    id              TEXT PRIMARY KEY,
    estate_id       TEXT NOT NULL REFERENCES estates(id),
    subject_kind    TEXT NOT NULL,
    subject_id      TEXT NOT NULL,
    file_name       TEXT NOT NULL,            -- the name the clerk's file had
    media_type      TEXT NOT NULL,            -- jpg / png / heic / pdf / mp3 / m4a / wav / mp4 / mov
    size_bytes      INTEGER NOT NULL CHECK (size_bytes > 0),
    sha256          TEXT NOT NULL CHECK (length(sha256) = 64),
    note            TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    voided_at       TEXT,
    voided_by       TEXT,
    void_reason     TEXT
);
CREATE INDEX attachments_subject ON attachments(subject_kind, subject_id, created_at);
CREATE INDEX attachments_sha256 ON attachments(sha256);
