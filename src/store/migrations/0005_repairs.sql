-- 0005: repair work orders (派工单 / 维修单) and the paid-service price list
-- (维修有偿服务项目及收费标准).

CREATE TABLE price_items (
    id              TEXT PRIMARY KEY,
    estate_id       TEXT NOT NULL REFERENCES estates(id),
    code            TEXT NOT NULL,            -- the item's number on the printed list
    name            TEXT NOT NULL,            -- 更换水龙头
    unit            TEXT NOT NULL DEFAULT '次',   -- 次 / 个 / 米 …
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

-- One row per order. Each step's time is its own column; the status history (with reasons) is
-- in `events` (entity 'repair'), every change in the audit log.
CREATE TABLE repair_orders (
    id                  TEXT PRIMARY KEY,
    estate_id           TEXT NOT NULL REFERENCES estates(id),
    no                  TEXT NOT NULL UNIQUE,     -- LH-WX2026-0001
    intake_id           TEXT REFERENCES intakes(id),
    unit_id             TEXT REFERENCES units(id),
    customer_id         TEXT REFERENCES customers(id),
    reporter_name       TEXT,
    phone               TEXT,
    kind                TEXT NOT NULL CHECK (kind IN ('house','system','public','special')),  -- 房屋/系统/公共设施/特约
    urgency             TEXT NOT NULL DEFAULT 'normal' CHECK (urgency IN ('normal','urgent')),
    scale               TEXT CHECK (scale IN ('small','medium','large')),  -- 小修/中修/大修
    safety_related      INTEGER NOT NULL DEFAULT 0,
    leak_related        INTEGER NOT NULL DEFAULT 0,
    location            TEXT,
    content             TEXT NOT NULL,
    appointment_at      TEXT,
    status              TEXT NOT NULL DEFAULT 'reported'
                        CHECK (status IN ('reported','dispatched','accepted','arrived','finished','signed_off','closed','voided')),
    reported_at         TEXT NOT NULL,
    dispatched_at       TEXT,
    dispatched_by       TEXT,
    accepted_at         TEXT,                     -- 接单时间
    arrived_at          TEXT,
    finished_at         TEXT,
    signed_off_at       TEXT,
    closed_at           TEXT,
    repairer_id         TEXT REFERENCES staff(id),
    work_done           TEXT,
    materials           TEXT,
    owner_materials     TEXT CHECK (owner_materials IN ('qualified','unqualified')),  -- owner's own materials
    owner_materials_note TEXT,                    -- required when they were 不合格
    paid                INTEGER NOT NULL DEFAULT 0,
    price_item_id       TEXT REFERENCES price_items(id),
    quantity            REAL,
    labour_fen          INTEGER NOT NULL DEFAULT 0 CHECK (labour_fen >= 0),
    material_fen        INTEGER NOT NULL DEFAULT 0 CHECK (material_fen >= 0),
    fee_confirmed_by    TEXT,                     -- supervisor (material ≤ limit) / manager (above)
    fee_confirmed_at    TEXT,
    owner_agreement     INTEGER NOT NULL DEFAULT 0,   -- agreement with the owner (material above limit)
    owner_agreement_at  TEXT,
    owner_agreement_note TEXT,
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
    void_reason         TEXT,
    CHECK ((kind = 'public') = (scale IS NOT NULL))
);
CREATE INDEX repair_orders_status ON repair_orders(estate_id, status, reported_at);
CREATE INDEX repair_orders_reported ON repair_orders(estate_id, reported_at);
CREATE INDEX repair_orders_unit ON repair_orders(unit_id);
CREATE INDEX repair_orders_customer ON repair_orders(customer_id);
CREATE INDEX repair_orders_intake ON repair_orders(intake_id);
