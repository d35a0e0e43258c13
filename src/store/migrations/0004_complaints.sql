-- 0004: complaints with their handling history, 协调单 (coordination slips), 回访 (follow-ups).

CREATE TABLE complaints (
    id                  TEXT PRIMARY KEY,
    estate_id           TEXT NOT NULL REFERENCES estates(id),
    no                  TEXT NOT NULL UNIQUE,     -- LH-TS2026-0001
    intake_id           TEXT NOT NULL REFERENCES intakes(id),   -- one live complaint per intake
    customer_id         TEXT REFERENCES customers(id),
    unit_id             TEXT REFERENCES units(id),
    identification      TEXT NOT NULL DEFAULT 'valid'
                        CHECK (identification IN ('valid','coordination','excessive','invalid')),
    identification_basis TEXT,                    -- which KF02-02 criterion
    category            TEXT NOT NULL,            -- policy list: 工程质量, 规划设计, 销售承诺, 物业管理, 其他
    about_department_id TEXT REFERENCES departments(id),   -- complained-about
    about_person        TEXT,
    responsible_department_id TEXT REFERENCES departments(id),
    responsible_staff_id TEXT REFERENCES staff(id),
    status              TEXT NOT NULL DEFAULT 'registered'
                        CHECK (status IN ('registered','dispatched','in_handling','awaiting_confirmation','closed','voided')),
    grade               TEXT NOT NULL DEFAULT 'general'
                        CHECK (grade IN ('general','important','hot','major')),
    grade_reason        TEXT,                     -- why the grade is what it is (history in events)
    policy_version      INTEGER,                  -- the policy the complaint was judged under
    -- facts the grading rules read
    safety_risk         INTEGER NOT NULL DEFAULT 0,
    collective_size     INTEGER NOT NULL DEFAULT 1,
    claim_fen           INTEGER NOT NULL DEFAULT 0,
    media_exposure      INTEGER NOT NULL DEFAULT 0,
    lawsuit             INTEGER NOT NULL DEFAULT 0,
    needs_other_departments INTEGER NOT NULL DEFAULT 0,
    company_fault       INTEGER NOT NULL DEFAULT 0,
    requested_by        TEXT,                     -- the owner's requested date (YYYY-MM-DD)
    reopen_count        INTEGER NOT NULL DEFAULT 0,
    closed_at           TEXT,
    close_result        TEXT,
    satisfaction        TEXT CHECK (satisfaction IN ('satisfied','basically_satisfied','dissatisfied')),
    case_library        INTEGER NOT NULL DEFAULT 0,   -- 案例库
    case_note           TEXT,
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    updated_by          TEXT NOT NULL,
    voided_at           TEXT,
    voided_by           TEXT,
    void_reason         TEXT
);
CREATE UNIQUE INDEX complaints_intake ON complaints(intake_id) WHERE voided_at IS NULL;
CREATE INDEX complaints_status ON complaints(estate_id, status);
CREATE INDEX complaints_created ON complaints(estate_id, created_at);
CREATE INDEX complaints_customer ON complaints(customer_id);
CREATE INDEX complaints_unit ON complaints(unit_id);

-- Each communication / coordination attempt (沟通记录).
CREATE TABLE complaint_attempts (
    id              TEXT PRIMARY KEY,
    complaint_id    TEXT NOT NULL REFERENCES complaints(id),
    at              TEXT NOT NULL,
    staff_id        TEXT NOT NULL REFERENCES staff(id),
    method          TEXT NOT NULL CHECK (method IN ('phone','visit','meeting','letter','online')),
    contact         TEXT,                     -- whom they spoke to
    said            TEXT NOT NULL,            -- what was said
    result          TEXT NOT NULL CHECK (result IN ('agreed','not_agreed','no_answer','in_progress')),
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    voided_at       TEXT,
    voided_by       TEXT,
    void_reason     TEXT
);
CREATE INDEX complaint_attempts_complaint ON complaint_attempts(complaint_id, at);

-- 协调单 and the 前台协调单登记表.
CREATE TABLE slips (
    id                  TEXT PRIMARY KEY,
    estate_id           TEXT NOT NULL REFERENCES estates(id),
    no                  TEXT NOT NULL UNIQUE,     -- LH-XT2026-0001
    intake_id           TEXT NOT NULL REFERENCES intakes(id),
    complaint_id        TEXT REFERENCES complaints(id),
    department_id       TEXT NOT NULL REFERENCES departments(id),
    responsible_staff_id TEXT REFERENCES staff(id),
    content             TEXT NOT NULL,            -- what was reported, as printed
    deadline_at         TEXT,
    status              TEXT NOT NULL DEFAULT 'created'
                        CHECK (status IN ('created','handed_over','returned','filed','voided')),
    print_count         INTEGER NOT NULL DEFAULT 0,
    first_printed_at    TEXT,
    first_printed_by    TEXT,
    handed_to           TEXT,                     -- name of the person the slip was given to
    handed_to_staff_id  TEXT REFERENCES staff(id),  -- when that person is staff
    handed_at           TEXT,
    returned_at         TEXT,
    owner_signed        INTEGER NOT NULL DEFAULT 0,
    handling_result     TEXT,
    filed_at            TEXT,                     -- into the owner's 报事档案
    filed_by            TEXT,
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    updated_by          TEXT NOT NULL,
    voided_at           TEXT,
    voided_by           TEXT,
    void_reason         TEXT
);
CREATE INDEX slips_status ON slips(estate_id, status);
CREATE INDEX slips_created ON slips(estate_id, created_at);
CREATE INDEX slips_intake ON slips(intake_id);
CREATE INDEX slips_complaint ON slips(complaint_id);

-- Each print of a slip (the first is the original, later ones are 补打).
CREATE TABLE slip_prints (
    id              TEXT PRIMARY KEY,
    slip_id         TEXT NOT NULL REFERENCES slips(id),
    at              TEXT NOT NULL,
    by_id           TEXT NOT NULL,
    reprint         INTEGER NOT NULL
);
CREATE INDEX slip_prints_slip ON slip_prints(slip_id);

-- 回访 tasks for closed complaints and finished repair orders.
CREATE TABLE followups (
    id              TEXT PRIMARY KEY,
    estate_id       TEXT NOT NULL REFERENCES estates(id),
    subject_kind    TEXT NOT NULL CHECK (subject_kind IN ('complaint','repair')),
    subject_id      TEXT NOT NULL,
    due_at          TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','done','cancelled')),
    result          TEXT CHECK (result IN ('satisfied','basically_satisfied','dissatisfied','unreachable')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    done_at         TEXT,
    done_by         TEXT,
    cancel_reason   TEXT,                     -- why a pending task was cancelled (subject reopened…)
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL
);
CREATE INDEX followups_due ON followups(estate_id, status, due_at);
CREATE INDEX followups_subject ON followups(subject_kind, subject_id);
CREATE UNIQUE INDEX followups_pending ON followups(subject_kind, subject_id) WHERE status = 'pending';

CREATE TABLE followup_attempts (
    id              TEXT PRIMARY KEY,
    followup_id     TEXT NOT NULL REFERENCES followups(id),
    at              TEXT NOT NULL,
    staff_id        TEXT NOT NULL,
    result          TEXT NOT NULL CHECK (result IN ('satisfied','basically_satisfied','dissatisfied','unreachable')),
    note            TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
);
CREATE INDEX followup_attempts_followup ON followup_attempts(followup_id);
