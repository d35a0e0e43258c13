-- 0010: grading facts the seeds name and the desk could not record: a complaint that may lead to a
-- lawsuit or to media exposure (热点, seed 002 第四十条), and a promised or contracted service not
-- done despite the owner's repeated requests (重大, seed 004 KF02-02 4.4.1 a).
ALTER TABLE complaints ADD COLUMN lawsuit_risk INTEGER NOT NULL DEFAULT 0 CHECK (lawsuit_risk IN (0, 1));
ALTER TABLE complaints ADD COLUMN media_risk INTEGER NOT NULL DEFAULT 0 CHECK (media_risk IN (0, 1));
ALTER TABLE complaints ADD COLUMN promise_unkept INTEGER NOT NULL DEFAULT 0 CHECK (promise_unkept IN (0, 1));
