//! The wire between a desk and `frontdesk-server`: what a desk pushes, what it pulls, how it is
//! enrolled, and the one hash function of the audit chain that both ends compute.
//!
//! Shapes follow the upload model of PowerSync (batches of row operations keyed by the row's UUID)
//! so that a later switch of engine stays possible. The crate has no I/O: the desk's core builds and
//! applies these values, `frontdesk-sync-client` carries them over HTTP, the server checks and stores
//! them. JSON is the encoding; every type here is the body of one request or reply.
//!
//! Invariants both ends rely on:
//! - A row is keyed by `(table, row_id)`; `row_id` is the row's UUIDv7 primary key. Rows are never
//!   deleted: a void is an `Update` of the void columns like any other change.
//! - `desk_seq` numbers a desk's changes 1, 2, 3… without gaps, in the order the desk wrote them;
//!   `(desk_id, desk_seq)` is unique on the server, so a batch pushed twice changes nothing the
//!   second time.
//! - Every change carries its estate; the server checks it against the desk's credential without
//!   reading any other row.
//! - The server orders all accepted changes by `server_seq`; a desk applies pulled changes in that
//!   order, field by field (last writer by server order wins; the losing value stays in the history).
//! - Each desk's audit log is one hash chain: `AuditLink::hash == chain_hash(link)` and each link's
//!   `prev_hash` is the hash of the desk's previous link (`GENESIS` for the first).

use serde::{Deserialize, Serialize};

/// The protocol version; a server refuses requests of another major version.
pub const PROTOCOL: u32 = 1;

/// The `prev_hash` of a chain's first link.
pub const GENESIS: &str = "";

/// The HTTP paths (POST, JSON bodies). `Authorization: Bearer <token>` on all but enrol.
pub mod path {
    pub const ENROL: &str = "/v1/enrol";
    pub const PUSH: &str = "/v1/push";
    pub const PULL: &str = "/v1/pull";
    pub const HEALTH: &str = "/v1/health";
}

/// A row insert or an update of some of its fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowOp {
    /// A new row: `fields` holds every column.
    Insert,
    /// An existing row: `fields` holds only the columns that changed, with their new values.
    Update,
}

/// One row change as a desk recorded it (in its outbox, in the same transaction as the change).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowChange {
    /// The desk's own sequence, 1, 2, 3… without gaps.
    pub desk_seq: i64,
    /// The estate the row belongs to (child rows too).
    pub estate_id: String,
    /// The table, as named in the desk's schema.
    pub table: String,
    /// The row's primary key (UUIDv7 text).
    pub row_id: String,
    pub op: RowOp,
    /// Column → value (JSON scalars: text, integer, real, null).
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// When the desk wrote it (UTC, `YYYY-MM-DDTHH:MM:SS.mmmZ`).
    pub at: String,
}

/// One entry of a desk's audit chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLink {
    /// The link's place in its desk's chain, 1, 2, 3… without gaps.
    pub chain_seq: i64,
    pub at: String,
    pub actor_id: String,
    pub actor_name: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The SHA-256 of a link (lowercase hex) over its `prev_hash` and every field but `chain_seq` and
/// `hash`, each preceded by its length, so that no two different links hash alike by shifting text
/// between fields. The desk's audit log and the server compute it with this one function.
#[allow(clippy::too_many_arguments)] // one argument per hashed field, in the hashed order
pub fn chain_hash(
    prev_hash: &str,
    at: &str,
    actor_id: &str,
    actor_name: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    detail: &str,
) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [
        prev_hash, at, actor_id, actor_name, action, entity, entity_id, detail,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in h.finalize() {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
    out
}

impl AuditLink {
    /// This link's hash as it should be.
    pub fn expected_hash(&self) -> String {
        chain_hash(
            &self.prev_hash,
            &self.at,
            &self.actor_id,
            &self.actor_name,
            &self.action,
            &self.entity,
            &self.entity_id,
            &self.detail,
        )
    }
}

/// A desk's enrolment: the one-time code a supervisor typed, issued by the company's IT for an
/// estate (or a set of estates, read-only, for the head office).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub protocol: u32,
    pub code: String,
    /// How the desk calls itself (`前台1`, `工程部`), shown to supervisors.
    pub desk_name: String,
}

/// What an estate grant allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Read and write (a desk of the estate's office).
    Write,
    /// Read only (the head office).
    Read,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EstateGrant {
    pub estate_id: String,
    pub access: Access,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolReply {
    /// The desk's id (UUIDv7), fixed for its life.
    pub desk_id: String,
    /// The desk's letter in human numbers, unique per estate (see docs/sync.md).
    pub desk_prefix: String,
    /// The desk's own credential (shown once; the server keeps only its hash).
    pub token: String,
    pub estates: Vec<EstateGrant>,
}

/// A batch of the desk's changes and audit links, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub protocol: u32,
    /// Changes with consecutive `desk_seq`, continuing from the server's `acked_through`
    /// (a change the server already has is skipped, not an error).
    pub changes: Vec<RowChange>,
    /// Audit links with consecutive `chain_seq`, continuing the desk's chain on the server.
    pub audit: Vec<AuditLink>,
}

/// A change the server would not take, and why (in Chinese, for a supervisor).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    pub desk_seq: i64,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushReply {
    /// The highest `desk_seq` the server holds or has set aside for this desk: the desk may drop
    /// everything up to it from its outbox (refused ones go to its set-aside list).
    pub acked_through: i64,
    /// The highest `chain_seq` of this desk's audit chain the server holds.
    pub audit_through: i64,
    /// Changes of this batch the server refused (the rest were applied).
    pub refused: Vec<Refused>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRequest {
    pub protocol: u32,
    /// The last `server_seq` this desk has applied (0 at first).
    pub after: i64,
    /// At most this many changes in the reply.
    pub limit: u32,
}

/// One accepted change in server order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerChange {
    pub server_seq: i64,
    /// The desk that wrote it.
    pub desk_id: String,
    pub change: RowChange,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PullReply {
    /// Changes of the desk's estates after `after`, in server order (the desk's own included).
    pub changes: Vec<ServerChange>,
    /// The cursor to send next time.
    pub cursor: i64,
    /// More changes wait beyond `limit`.
    pub more: bool,
}

/// Every error reply's body: a code a client branches on, a message in Chinese for the person,
/// and for a broken audit chain or a bad change the number of the offending entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorReply {
    /// `unauthorised`, `forbidden_estate`, `bad_batch`, `broken_chain`, `bad_code`, `protocol`,
    /// `unavailable`.
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<i64>,
}

/// Why a sync call failed, as the desk's core sees it.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The server could not be reached or did not answer (the desk stays offline and retries).
    #[error("无法连接同步服务器：{0}")]
    Unreachable(String),
    /// The server answered with an error.
    #[error("{}", .0.message)]
    Refused(ErrorReply),
}

/// How the desk's core talks to a server without knowing the network: the sync client implements
/// it over HTTP, tests implement it in memory.
pub trait Transport {
    fn push(&self, request: &PushRequest) -> Result<PushReply, TransportError>;
    fn pull(&self, request: &PullRequest) -> Result<PullReply, TransportError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_separates_fields() {
        let a = chain_hash("", "t", "ab", "c", "", "", "", "");
        let b = chain_hash("", "t", "a", "bc", "", "", "", "");
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
    }
}
