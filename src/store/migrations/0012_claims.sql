-- 0012: compensation claims (赔付单, 客户赔付处理流程指引).
-- A claim belongs to a complaint (and optionally the repair order it concerns). It carries what
-- the OA 工作联系单 asks for: 情况说明, 沟通参与人, the amount, the form, who bears the cost; the
-- 收方 (物业工程 up to the policy's limit, 地产维修工程师 above) follows from the amount. Its two
-- deadlines are fixed when it is opened: the departments' reply (24 hours) and the first proposal
-- (5 working days from the owner's report). Every step (reply, proposal, approval, agreement,
-- payment, void) is an append-only row in `events`; the columns here keep the latest state.
CREATE TABLE claims (
    id               TEXT PRIMARY KEY,
    estate_id        TEXT NOT NULL REFERENCES estates(id),
    no               TEXT NOT NULL UNIQUE,              -- LH-PF2026-0001
    complaint_id     TEXT NOT NULL REFERENCES complaints(id),
    repair_id        TEXT REFERENCES repair_orders(id),
    status           TEXT NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open','replied','proposed','approved','agreed','paid','voided')),
    situation        TEXT NOT NULL,                     -- 赔付事件情况说明
    participants     TEXT NOT NULL,                     -- 沟通参与人
    amount_fen       INTEGER NOT NULL CHECK (amount_fen > 0),
    form             TEXT NOT NULL CHECK (form IN ('cash','repair','fee_waiver','goods','other')),
    cost_bearer      TEXT NOT NULL,                     -- 费项承担部门/公司
    receiver         TEXT NOT NULL CHECK (receiver IN ('property_engineering','developer_engineer')),
    policy_version   INTEGER NOT NULL,
    reported_at      TEXT NOT NULL,                     -- the owner's report (the complaint's registration)
    reply_due        TEXT NOT NULL,
    proposal_due     TEXT NOT NULL,
    first_reply_at   TEXT,
    proposal         TEXT,                              -- the latest proposal put to the owner
    first_proposal_at TEXT,
    approved_at      TEXT,
    approved_by      TEXT REFERENCES staff(id),
    approval_note    TEXT,
    agreement        TEXT,                              -- 赔付协议 as signed
    agreed_on        TEXT,                              -- YYYY-MM-DD
    paid_fen         INTEGER,
    paid_method      TEXT CHECK (paid_method IN ('cash','transfer','fee_offset','other')),
    paid_on          TEXT,                              -- YYYY-MM-DD
    paid_by          TEXT REFERENCES staff(id),         -- who recorded the payment
    paid_at          TEXT,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    updated_by       TEXT NOT NULL,
    voided_at        TEXT,
    voided_by        TEXT,
    void_reason      TEXT,
    CHECK (paid_fen IS NULL OR approved_at IS NOT NULL)
);
CREATE INDEX claims_created ON claims(estate_id, created_at);
CREATE INDEX claims_complaint ON claims(complaint_id);
