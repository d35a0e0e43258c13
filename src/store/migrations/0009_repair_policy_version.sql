-- 0009: repair orders keep the policy version they were judged under, so a later policy change
-- does not move the deadlines of orders already reported.
ALTER TABLE repair_orders ADD COLUMN policy_version INTEGER;
