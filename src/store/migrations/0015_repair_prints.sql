-- Every print of a 派工单: the first is the original, later ones are 补打 (reprints), each with
-- who printed it, when, and the repairer the order was with at that moment.
CREATE TABLE repair_prints (
    id              TEXT PRIMARY KEY,
    repair_id       TEXT NOT NULL REFERENCES repair_orders(id),
    at              TEXT NOT NULL,
    by_id           TEXT NOT NULL,
    reprint         INTEGER NOT NULL,
    repairer_id     TEXT REFERENCES staff(id)
);
CREATE INDEX repair_prints_repair ON repair_prints(repair_id);

ALTER TABLE repair_orders ADD COLUMN print_count INTEGER NOT NULL DEFAULT 0;
