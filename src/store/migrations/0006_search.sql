-- 0006: full-text search over every record the desk looks for.
-- One search_docs row per record; search_fts holds its text as single characters (column uni)
-- and overlapping character pairs (column bi), so 1- and 2-character Chinese queries hit the index
-- and longer ones are phrase queries over pairs. rowid order = order of last indexing.

CREATE TABLE search_docs (
    rowid           INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,            -- intake, complaint, slip, repair, customer
    ref_id          TEXT NOT NULL,
    estate_id       TEXT NOT NULL,
    at              TEXT NOT NULL,
    title           TEXT NOT NULL,            -- what a hit shows: number and short text
    UNIQUE (kind, ref_id)
);

CREATE VIRTUAL TABLE search_fts USING fts5(
    uni, bi,
    content = '',
    contentless_delete = 1,
    tokenize = 'ascii',
    detail = 'full'
);
