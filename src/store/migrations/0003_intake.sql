-- 0003: intake (前台登记): every contact, valid or not. Phone calls form the 电话接待记录本.

CREATE TABLE intakes (
    id              TEXT PRIMARY KEY,
    estate_id       TEXT NOT NULL REFERENCES estates(id),
    no              TEXT NOT NULL UNIQUE,     -- DJ-LH-2026-000123
    received_at     TEXT NOT NULL,            -- when the contact came in; never edited
    channel         TEXT NOT NULL CHECK (channel IN ('call','visit','letter','online','relayed')),
    kind            TEXT NOT NULL CHECK (kind IN ('complaint','repair','enquiry','suggestion','praise')),
    unit_id         TEXT REFERENCES units(id),
    customer_id     TEXT REFERENCES customers(id),
    person_name     TEXT,
    phone           TEXT,
    happened_at     TEXT,                     -- when it happened, as said ("昨晚十点")
    location        TEXT,                     -- where
    about           TEXT,                     -- whom / which department it concerns
    content         TEXT NOT NULL,            -- what happened
    request         TEXT,                     -- what the customer asks for
    reply           TEXT,                     -- explanation given at the desk
    settled_on_spot INTEGER NOT NULL DEFAULT 0,   -- satisfied by the explanation: no slip
    receiver_id     TEXT NOT NULL REFERENCES staff(id),
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    voided_at       TEXT,
    voided_by       TEXT,
    void_reason     TEXT
);
CREATE INDEX intakes_received ON intakes(estate_id, received_at);
CREATE INDEX intakes_unit ON intakes(unit_id);
CREATE INDEX intakes_customer ON intakes(customer_id);
CREATE INDEX intakes_phone ON intakes(phone);
