-- 0001: the estate, its departments, staff and units; audit log, event log, counters, policy.
-- Conventions for every table: id TEXT PRIMARY KEY (UUIDv7), timestamps UTC text
-- 'YYYY-MM-DDTHH:MM:SS.mmmZ', created_by/updated_by = staff id (or 'system'), and records are voided
-- (voided_at, voided_by, void_reason), never deleted.

CREATE TABLE estates (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,              -- 龙湖花园
    code          TEXT NOT NULL UNIQUE,       -- LH: prefix of human numbers
    slip_title    TEXT NOT NULL,              -- 龙湖花园协调单
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    voided_at     TEXT,
    voided_by     TEXT,
    void_reason   TEXT
);

CREATE TABLE departments (
    id            TEXT PRIMARY KEY,
    estate_id     TEXT NOT NULL REFERENCES estates(id),
    name          TEXT NOT NULL,              -- 客服中心, 工程维修部, 保安部, 保洁绿化 …
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    voided_at     TEXT,
    voided_by     TEXT,
    void_reason   TEXT
);
CREATE UNIQUE INDEX departments_name ON departments(estate_id, name) WHERE voided_at IS NULL;

CREATE TABLE staff (
    id            TEXT PRIMARY KEY,
    estate_id     TEXT NOT NULL REFERENCES estates(id),
    login         TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('receptionist','coordinator','supervisor',
                                      'project_manager','gm_assistant','general_manager','repairer')),
    department_id TEXT REFERENCES departments(id),
    phone         TEXT,
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    voided_at     TEXT,
    voided_by     TEXT,
    void_reason   TEXT
);
CREATE UNIQUE INDEX staff_login ON staff(login);

CREATE TABLE units (
    id            TEXT PRIMARY KEY,
    estate_id     TEXT NOT NULL REFERENCES estates(id),
    building      TEXT NOT NULL,              -- 楼栋
    entrance      TEXT NOT NULL DEFAULT '',   -- 单元 ('' where there is none)
    room          TEXT NOT NULL,              -- 室
    code          TEXT NOT NULL,              -- canonical '3-2-1201'
    area_m2       REAL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    voided_at     TEXT,
    voided_by     TEXT,
    void_reason   TEXT
);
CREATE UNIQUE INDEX units_code ON units(estate_id, code);

-- Company policy per estate (grades, deadlines, follow-up, VIP, categories), versioned.
-- Records keep the version they were judged under; a new version never rewrites history.
CREATE TABLE policies (
    id            TEXT PRIMARY KEY,
    estate_id     TEXT NOT NULL REFERENCES estates(id),
    version       INTEGER NOT NULL,
    body          TEXT NOT NULL,              -- JSON of crate::policy::Policy
    note          TEXT,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    UNIQUE (estate_id, version)
);

-- Human numbers: one counter per scope ('complaint:LH:2026').
CREATE TABLE counters (
    scope         TEXT PRIMARY KEY,
    value         INTEGER NOT NULL
);

-- Append-only state changes of any entity (status, grade, tier, VIP card …).
CREATE TABLE events (
    seq           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    entity        TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    at            TEXT NOT NULL,
    actor_id      TEXT NOT NULL,
    data          TEXT NOT NULL              -- JSON
);
CREATE INDEX events_entity ON events(entity, entity_id, seq);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- Append-only, hash-chained audit log of every insert, update and void.
CREATE TABLE audit_log (
    seq           INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    actor_id      TEXT NOT NULL,
    actor_name    TEXT NOT NULL,
    action        TEXT NOT NULL,
    entity        TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    detail        TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
