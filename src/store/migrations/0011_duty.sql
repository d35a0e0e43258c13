-- 0011: the duty log (值班记录) and the handover record (交接班记录).
-- A shift is one clerk on duty from its start until the next clerk accepts its handover; its
-- entries are the contacts and events of the shift (the night's 夜间值班记录表). An entry stays
-- open until it is converted into an intake (keeping the time the owner reported it) or closed
-- with a reason. A handover lists the open entries at that moment, 注意事项 and the things lent
-- out; the incoming clerk accepts it, signed in as themselves, which ends the shift and starts
-- theirs.

CREATE TABLE duty_shifts (
    id           TEXT PRIMARY KEY,
    estate_id    TEXT NOT NULL REFERENCES estates(id),
    name         TEXT NOT NULL,               -- 白班 / 夜班, as the policy names it
    hours        TEXT NOT NULL,               -- the policy's hours of that shift, e.g. 18:30–08:30
    clerk_id     TEXT NOT NULL REFERENCES staff(id),
    started_at   TEXT NOT NULL,
    ended_at     TEXT,                        -- when its handover was accepted
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL
);
CREATE INDEX duty_shifts_started ON duty_shifts(estate_id, started_at);
-- At most one shift on duty per estate.
CREATE UNIQUE INDEX duty_shifts_one_open ON duty_shifts(estate_id) WHERE ended_at IS NULL;

CREATE TABLE duty_entries (
    id            TEXT PRIMARY KEY,
    estate_id     TEXT NOT NULL REFERENCES estates(id),
    shift_id      TEXT NOT NULL REFERENCES duty_shifts(id),
    at            TEXT NOT NULL,              -- when the owner called or came; never edited
    channel       TEXT NOT NULL CHECK (channel IN ('call','visit','letter','online','relayed')),
    unit_id       TEXT REFERENCES units(id),
    caller        TEXT,
    phone         TEXT,
    content       TEXT NOT NULL,
    intake_id     TEXT REFERENCES intakes(id), -- the intake it became
    converted_at  TEXT,
    converted_by  TEXT,
    closed_at     TEXT,                       -- closed without an intake (no action needed)
    closed_by     TEXT,
    close_reason  TEXT,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    CHECK (intake_id IS NULL OR closed_at IS NULL)
);
CREATE INDEX duty_entries_shift ON duty_entries(shift_id, at);
CREATE INDEX duty_entries_open ON duty_entries(estate_id, at) WHERE intake_id IS NULL AND closed_at IS NULL;

CREATE TABLE duty_handovers (
    id            TEXT PRIMARY KEY,
    estate_id     TEXT NOT NULL REFERENCES estates(id),
    no            TEXT NOT NULL UNIQUE,       -- LH-JJ2026-0001
    shift_id      TEXT NOT NULL UNIQUE REFERENCES duty_shifts(id),
    outgoing_id   TEXT NOT NULL REFERENCES staff(id),
    handed_at     TEXT NOT NULL,
    open_text     TEXT,                       -- 遗留问题 beyond the open entries
    notes         TEXT,                       -- 注意事项
    incoming_id   TEXT REFERENCES staff(id),
    accepted_at   TEXT,
    accept_note   TEXT,                       -- the incoming clerk's remark
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL
);
CREATE INDEX duty_handovers_handed ON duty_handovers(estate_id, handed_at);

-- The entries still open when the handover was written (遗留问题 as handed over).
CREATE TABLE duty_handover_matters (
    handover_id  TEXT NOT NULL REFERENCES duty_handovers(id),
    entry_id     TEXT NOT NULL REFERENCES duty_entries(id),
    PRIMARY KEY (handover_id, entry_id)
);

-- 借出物品: tools, keys… lent out at the handover, to whom, and whether returned by then.
CREATE TABLE duty_lent_items (
    id           TEXT PRIMARY KEY,
    handover_id  TEXT NOT NULL REFERENCES duty_handovers(id),
    seq          INTEGER NOT NULL,
    item         TEXT NOT NULL,
    lent_to      TEXT NOT NULL,
    returned     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX duty_lent_items_handover ON duty_lent_items(handover_id, seq);
