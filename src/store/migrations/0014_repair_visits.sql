-- 0014: the repair 回访's checklist and the 整改通知单 (维修回访制度: 回访内容五项；回访中发现的问题，
-- 24小时内书面通知维修人员进行整改).
-- A repair visit is one 回访 call of a repair order recorded with the checklist: who visited and
-- in which role at that moment (the quota counts by it), and one row per point, 合格/不合格 with
-- a note. A failed point makes a rectification notice: its own number, addressed to the order's
-- repairer, due to be delivered in writing within the policy's hours and the rework done by the
-- policy's rework deadline; it sends the order back for rework.

CREATE TABLE repair_visits (
    id            TEXT PRIMARY KEY,
    estate_id     TEXT NOT NULL REFERENCES estates(id),
    followup_id   TEXT NOT NULL REFERENCES followups(id),
    attempt_id    TEXT NOT NULL UNIQUE REFERENCES followup_attempts(id),
    repair_id     TEXT NOT NULL REFERENCES repair_orders(id),
    visitor_id    TEXT NOT NULL,
    visitor_role  TEXT NOT NULL,              -- the visitor's role when visiting
    at            TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
);
CREATE INDEX repair_visits_repair ON repair_visits(repair_id);

CREATE TABLE repair_visit_checks (
    id        TEXT PRIMARY KEY,
    visit_id  TEXT NOT NULL REFERENCES repair_visits(id),
    point     TEXT NOT NULL CHECK (point IN ('site','service','suggestions','fees','signature')),
    passed    INTEGER NOT NULL CHECK (passed IN (0, 1)),
    note      TEXT,
    UNIQUE (visit_id, point)
);

CREATE TABLE rectification_notices (
    id            TEXT PRIMARY KEY,
    estate_id     TEXT NOT NULL REFERENCES estates(id),
    no            TEXT NOT NULL UNIQUE,       -- LH-ZG2026-0001
    repair_id     TEXT NOT NULL REFERENCES repair_orders(id),
    visit_id      TEXT NOT NULL REFERENCES repair_visits(id),
    repairer_id   TEXT REFERENCES staff(id),  -- addressed to; NULL when the order had none
    problems      TEXT NOT NULL,              -- the failed points and their notes, as printed
    status        TEXT NOT NULL CHECK (status IN ('issued','delivered','closed','voided')),
    notify_by     TEXT NOT NULL,              -- deliver in writing by
    rework_by     TEXT NOT NULL,              -- rework done by
    delivered_at  TEXT,
    delivered_by  TEXT,
    closed_at     TEXT,
    closed_by     TEXT,
    close_note    TEXT,
    voided_at     TEXT,
    voided_by     TEXT,
    void_reason   TEXT,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL
);
CREATE INDEX rectification_notices_open ON rectification_notices(estate_id, status);
CREATE INDEX rectification_notices_repair ON rectification_notices(repair_id);
