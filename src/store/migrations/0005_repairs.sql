-- 0005: repair work orders (派工单 / 维修单) and the paid-service price list.

CREATE TABLE price_items (
    id              TEXT PRIMARY KEY,
    estate_id       TEXT NOT NULL REFERENCES estates(id),
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,            -- 更换水龙头
    unit            TEXT NOT NULL DEFAULT '次',
    price_fen       INTEGER NOT NULL CHECK (price_fen >= 0),
    note            TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    voided_at       TEXT,
    voided_by       TEXT,
    void_reason     TEXT
);
CREATE UNIQUE INDEX price_items_code ON price_items(estate_id, code) WHERE voided_at IS NULL;

CREATE TABLE repair_orders (
    id                  TEXT PRIMARY KEY,
    estate_id           TEXT NOT NULL REFERENCES estates(id),
    no                  TEXT NOT NULL UNIQUE,     -- WX-LH-2026-0001
    intake_id           TEXT REFERENCES intakes(id),
    unit_id             TEXT REFERENCES units(id),
    customer_id         TEXT REFERENCES customers(id),
    reporter_name       TEXT,
    phone               TEXT,
    kind                TEXT NOT NULL CHECK (kind IN ('house','system','public','special')),  -- 房屋/系统/公共设施/特约
    urgency             TEXT NOT NULL DEFAULT 'normal' CHECK (urgency IN ('normal','urgent')),
    scale               TEXT CHECK (scale IN ('small','medium','large')),  -- shared facilities
    safety_related      INTEGER NOT NULL DEFAULT 0,
    leak_related        INTEGER NOT NULL DEFAULT 0,
    location            TEXT,
    content             TEXT NOT NULL,
    appointment_at      TEXT,
    status              TEXT NOT NULL DEFAULT 'reported'
                        CHECK (status IN ('reported','dispatched','accepted','arrived','finished','signed_off','closed','voided')),
    reported_at         TEXT NOT NULL,
    dispatched_at       TEXT,
    accepted_at         TEXT,
    arrived_at          TEXT,
    finished_at         TEXT,
    signed_off_at       TEXT,
    repairer_id         TEXT REFERENCES staff(id),
    dispatched_by       TEXT,
    work_done           TEXT,
    paid                INTEGER NOT NULL DEFAULT 0,
    price_item_id       TEXT REFERENCES price_items(id),
    quantity            REAL,
    labour_fen          INTEGER NOT NULL DEFAULT 0,
    material_fen        INTEGER NOT NULL DEFAULT 0,
    materials           TEXT,
    owner_materials     TEXT CHECK (owner_materials IN ('qualified','unqualified')),
    fee_confirmed_by    TEXT,                     -- supervisor (material < ¥100) / centre manager (> ¥100)
    owner_agreement     INTEGER NOT NULL DEFAULT 0,   -- written agreement with the owner (material > ¥100)
    owner_signed        INTEGER NOT NULL DEFAULT 0,
    owner_comment       TEXT,
    finance_confirmed_by TEXT,
    finance_confirmed_at TEXT,
    rework_count        INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    updated_by          TEXT NOT NULL,
    voided_at           TEXT,
    voided_by           TEXT,
    void_reason         TEXT
);
CREATE INDEX repair_orders_status ON repair_orders(estate_id, status);
CREATE INDEX repair_orders_unit ON repair_orders(unit_id);
CREATE INDEX repair_orders_customer ON repair_orders(customer_id);
