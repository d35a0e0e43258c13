-- 0016: household visits (住户回访, 住宅区管理处回访制度). Each 物管员 visits the households of their
-- area once a quarter, the office head (主任) 1–2 times a year. A visit is one household on one day:
-- who visited, whom they met, and what the household said, item by item (意见、要求、建议、投诉).
-- An item not answered on the spot became an intake in the same transaction (件件有着落), which the
-- item names. Voided with a reason, never deleted; the intakes it made stay (cases of their own).

CREATE TABLE household_visits (
    id            TEXT PRIMARY KEY,
    estate_id     TEXT NOT NULL REFERENCES estates(id),
    no            TEXT NOT NULL UNIQUE,       -- LH-ZF2026-0001
    unit_id       TEXT NOT NULL REFERENCES units(id),
    customer_id   TEXT REFERENCES customers(id),
    visited_at    TEXT NOT NULL,
    visitor_id    TEXT NOT NULL REFERENCES staff(id),
    round         TEXT NOT NULL CHECK (round IN ('area','head')),
    met           TEXT,                       -- 被访人
    note          TEXT,                       -- 回访记录 beyond the items
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    voided_at     TEXT,
    voided_by     TEXT,
    void_reason   TEXT
);
CREATE INDEX household_visits_at ON household_visits(estate_id, visited_at);
CREATE INDEX household_visits_unit ON household_visits(unit_id, visited_at);

CREATE TABLE household_visit_items (
    id            TEXT PRIMARY KEY,
    estate_id     TEXT NOT NULL REFERENCES estates(id),
    visit_id      TEXT NOT NULL REFERENCES household_visits(id),
    seq           INTEGER NOT NULL,
    topic         TEXT NOT NULL CHECK (topic IN ('opinion','request','suggestion','complaint')),
    content       TEXT NOT NULL,
    answer        TEXT,                       -- answered on the spot
    intake_id     TEXT REFERENCES intakes(id), -- else the intake it became
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    UNIQUE (visit_id, seq),
    CHECK ((answer IS NULL) <> (intake_id IS NULL))
);
