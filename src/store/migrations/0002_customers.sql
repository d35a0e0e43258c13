-- 0002: the customer register (客户档案): owners and occupants per unit, tiers, VIP cards.

CREATE TABLE customers (
    id              TEXT PRIMARY KEY,
    estate_id       TEXT NOT NULL REFERENCES estates(id),
    unit_id         TEXT NOT NULL REFERENCES units(id),
    name            TEXT NOT NULL,
    relation        TEXT NOT NULL DEFAULT 'owner'
                    CHECK (relation IN ('owner','occupant','tenant','family')),  -- 业主/住户/租户/家属
    phone           TEXT,                     -- normalised digits
    phone2          TEXT,
    id_number       TEXT,                     -- 证件号, 15 or 18 characters (confidential)
    family_segment  TEXT,                     -- 单人工作丁克家庭 … (policy list)
    tier            TEXT NOT NULL DEFAULT 'C' CHECK (tier IN ('A','B','C','D')),
    tier_reason     TEXT,
    tier_set_by     TEXT,
    tier_set_at     TEXT,
    vip_assistant_id TEXT REFERENCES staff(id),  -- VIP 客户助理
    note            TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    voided_at       TEXT,
    voided_by       TEXT,
    void_reason     TEXT
);
CREATE INDEX customers_unit ON customers(unit_id, name);
CREATE INDEX customers_phone ON customers(phone);
CREATE INDEX customers_phone2 ON customers(phone2);
CREATE INDEX customers_estate_tier ON customers(estate_id, tier);

-- VIP cards: number = group code (2 letters) + level digit (0 leadership, 1 official, 2 other)
-- + 3-digit sequence; valid 3 years (policy). A number is never given to another card: a lost
-- card is re-issued under the same number (reissue_count + 1); a renewal is a new card with a new
-- number, and the old one becomes 'renewed'.
CREATE TABLE vip_cards (
    id              TEXT PRIMARY KEY,
    customer_id     TEXT NOT NULL REFERENCES customers(id),
    card_no         TEXT NOT NULL UNIQUE,
    level           INTEGER NOT NULL CHECK (level IN (0,1,2)),
    issued_on       TEXT NOT NULL,            -- YYYY-MM-DD (Beijing)
    expires_on      TEXT NOT NULL,            -- YYYY-MM-DD (Beijing), last valid day
    status          TEXT NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active','renewed','revoked')),
    reissue_count   INTEGER NOT NULL DEFAULT 0,   -- lost cards re-issued with the same number
    renewed_from    TEXT REFERENCES vip_cards(id),
    note            TEXT,                     -- issue note, or the re-check note of a renewal
    revoke_reason   TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL
);
CREATE INDEX vip_cards_customer ON vip_cards(customer_id);
CREATE INDEX vip_cards_expires ON vip_cards(status, expires_on);
-- At most one active card per customer.
CREATE UNIQUE INDEX vip_cards_one_active ON vip_cards(customer_id) WHERE status = 'active';
