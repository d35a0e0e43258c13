-- frontdesk-server schema 1: enrolment codes, desks and their estates, the change log, the
-- current rows, refused changes and the desks' audit chains.
-- Every table holding desk data carries its estate_id so checks and filters need no joins.

-- One-time enrolment codes issued by the company's IT (only the code's SHA-256 is kept).
CREATE TABLE enrol_codes (
    code_hash   text PRIMARY KEY,
    estates     text[] NOT NULL,
    read_only   boolean NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    used_by     text
);

-- An enrolled desk. token_hash is the SHA-256 of its credential; acked_through and the audit
-- columns are where its queue and its chain stand on the server.
CREATE TABLE desks (
    desk_id         text PRIMARY KEY,
    desk_name       text NOT NULL,
    token_hash      text NOT NULL UNIQUE,
    desk_prefix     text NOT NULL,
    enrolled_at     timestamptz NOT NULL DEFAULT now(),
    acked_through   bigint NOT NULL DEFAULT 0,
    audit_through   bigint NOT NULL DEFAULT 0,
    audit_last_hash text NOT NULL DEFAULT ''
);

-- What a desk may do in an estate. prefix is set for writing desks and unique per estate.
CREATE TABLE desk_estates (
    desk_id   text NOT NULL REFERENCES desks (desk_id),
    estate_id text NOT NULL,
    access    text NOT NULL CHECK (access IN ('write', 'read')),
    prefix    text,
    PRIMARY KEY (desk_id, estate_id),
    CHECK ((access = 'write') = (prefix IS NOT NULL))
);
CREATE UNIQUE INDEX desk_estates_prefix ON desk_estates (estate_id, prefix) WHERE prefix IS NOT NULL;

-- The one counter of server order; its row lock is held from seq assignment to commit, so
-- changes become visible in server_seq order (a puller never skips a lower seq committed later).
CREATE TABLE server_order (
    id       boolean PRIMARY KEY DEFAULT true CHECK (id),
    last_seq bigint NOT NULL
);
INSERT INTO server_order (last_seq) VALUES (0);

-- Every accepted change, in server order (the history: losing values of a merge stay here).
CREATE TABLE changes (
    server_seq  bigint PRIMARY KEY,
    desk_id     text NOT NULL,
    desk_seq    bigint NOT NULL,
    estate_id   text NOT NULL,
    tbl         text NOT NULL,
    row_id      text NOT NULL,
    op          text NOT NULL CHECK (op IN ('insert', 'update')),
    fields      jsonb NOT NULL,
    at          text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (desk_id, desk_seq)
);
CREATE INDEX changes_estate_seq ON changes (estate_id, server_seq);

-- The rows as they stand: fields merged per field in server order (last writer wins per field).
CREATE TABLE current_rows (
    estate_id  text NOT NULL,
    tbl        text NOT NULL,
    row_id     text NOT NULL,
    fields     jsonb NOT NULL,
    last_seq   bigint NOT NULL,
    PRIMARY KEY (estate_id, tbl, row_id)
);

-- Changes the server would not take (counted as acked so they never block a desk's queue).
CREATE TABLE refused_changes (
    desk_id     text NOT NULL,
    desk_seq    bigint NOT NULL,
    estate_id   text NOT NULL,
    tbl         text NOT NULL,
    row_id      text NOT NULL,
    op          text NOT NULL,
    fields      jsonb NOT NULL,
    at          text NOT NULL,
    reason      text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (desk_id, desk_seq)
);

-- Each desk's audit log as one hash chain (checked link by link on push).
CREATE TABLE audit_links (
    desk_id     text NOT NULL,
    chain_seq   bigint NOT NULL,
    at          text NOT NULL,
    actor_id    text NOT NULL,
    actor_name  text NOT NULL,
    action      text NOT NULL,
    entity      text NOT NULL,
    entity_id   text NOT NULL,
    detail      text NOT NULL,
    prev_hash   text NOT NULL,
    hash        text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (desk_id, chain_seq)
);
