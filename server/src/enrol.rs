//! Enrolment: one-time codes issued by the company's IT, a desk trading one for its own id,
//! credential and human-number prefix, and the credential check of every later request.
//!
//! Invariants: codes and tokens are long random strings of which only the SHA-256 is stored; a
//! code works once (the claim is one conditional UPDATE); the first writing desk of an estate gets
//! the prefix "" and later ones "B", "C", … unique per estate (allocation is serialised by an
//! advisory lock); a read-only desk reserves no prefix.

use crate::error::ApiError;
use deadpool_postgres::GenericClient;
use frontdesk_sync_proto::{Access, EnrolReply, EnrolRequest, EstateGrant, PROTOCOL};
use sha2::{Digest, Sha256};

/// The advisory lock key of prefix allocation.
const PREFIX_LOCK: i64 = 0x0066_6473_7670_7266;

/// Code characters: no 0/O, 1/I, so that a code read aloud or typed is not mistaken.
const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).expect("the operating system's random source");
    buf
}

/// A new code: 16 characters of a 32-letter alphabet (80 bits), grouped by four.
fn new_code() -> String {
    let bytes = random_bytes::<16>();
    let mut out = String::with_capacity(19);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(CODE_ALPHABET[usize::from(b & 31)] as char);
    }
    out
}

/// A code as typed, without separators and in capitals (what is hashed).
fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A desk's credential: 256 random bits in hex.
fn new_token() -> String {
    random_bytes::<32>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The prefixes in order of allocation: "", B…Z, then AA…ZZ.
fn prefix_candidates() -> impl Iterator<Item = String> {
    let letters = || (b'A'..=b'Z').map(|c| c as char);
    std::iter::once(String::new())
        .chain(letters().skip(1).map(String::from))
        .chain(letters().flat_map(move |a| letters().map(move |b| format!("{a}{b}"))))
}

/// Issues a one-time code for `estates` (UUIDs); returns the code to hand to the desk.
pub async fn issue_code(
    client: &impl GenericClient,
    estates: &[String],
    read_only: bool,
    expires_hours: u32,
) -> Result<String, tokio_postgres::Error> {
    let code = new_code();
    client
        .execute(
            "INSERT INTO enrol_codes (code_hash, estates, read_only, expires_at)
             VALUES ($1, $2, $3, now() + make_interval(hours => $4))",
            &[
                &sha256_hex(&normalise_code(&code)),
                &estates,
                &read_only,
                &(expires_hours as i32),
            ],
        )
        .await?;
    Ok(code)
}

/// Trades a code for a desk: id, credential, prefix and grants, in one transaction.
pub async fn enrol(
    client: &mut deadpool_postgres::Client,
    req: &EnrolRequest,
) -> Result<EnrolReply, ApiError> {
    if req.protocol != PROTOCOL {
        return Err(ApiError::protocol(req.protocol));
    }
    let name = req.desk_name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(ApiError::bad_batch("前台名称：须为 1 至 64 个字", None));
    }
    let desk_id = uuid::Uuid::now_v7().to_string();
    let tx = client.transaction().await?;
    let claimed = tx
        .query_opt(
            "UPDATE enrol_codes SET used_at = now(), used_by = $2
             WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now()
             RETURNING estates, read_only",
            &[&sha256_hex(&normalise_code(&req.code)), &desk_id],
        )
        .await?
        .ok_or_else(ApiError::bad_code)?;
    let estates: Vec<String> = claimed.get(0);
    let read_only: bool = claimed.get(1);
    let prefix = if read_only {
        String::new()
    } else {
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PREFIX_LOCK])
            .await?;
        let taken: Vec<String> = tx
            .query(
                "SELECT DISTINCT prefix FROM desk_estates
                 WHERE estate_id = ANY($1) AND prefix IS NOT NULL",
                &[&estates],
            )
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
        prefix_candidates()
            .find(|p| !taken.contains(p))
            .expect("702 prefixes per estate")
    };
    let token = new_token();
    tx.execute(
        "INSERT INTO desks (desk_id, desk_name, token_hash, desk_prefix) VALUES ($1, $2, $3, $4)",
        &[&desk_id, &name, &sha256_hex(&token), &prefix],
    )
    .await?;
    let access = if read_only { "read" } else { "write" };
    let stored_prefix = (!read_only).then_some(prefix.as_str());
    tx.execute(
        "INSERT INTO desk_estates (desk_id, estate_id, access, prefix)
         SELECT $1, e, $3, $4 FROM UNNEST($2::text[]) AS e",
        &[&desk_id, &estates, &access, &stored_prefix],
    )
    .await?;
    tx.commit().await?;
    tracing::info!(%desk_id, desk_name = name, prefix, read_only, "desk enrolled");
    let access = if read_only {
        Access::Read
    } else {
        Access::Write
    };
    Ok(EnrolReply {
        desk_id,
        desk_prefix: prefix,
        token,
        estates: estates
            .into_iter()
            .map(|estate_id| EstateGrant { estate_id, access })
            .collect(),
    })
}

/// The desk a request's credential names, with its grants.
pub struct Desk {
    pub desk_id: String,
    pub acked_through: i64,
    pub audit_through: i64,
    pub audit_last_hash: String,
    pub grants: Vec<EstateGrant>,
}

impl Desk {
    pub fn may_write(&self, estate_id: &str) -> bool {
        self.grants
            .iter()
            .any(|g| g.estate_id == estate_id && g.access == Access::Write)
    }

    /// Estates the desk may read (writing implies reading).
    pub fn readable(&self) -> Vec<String> {
        self.grants.iter().map(|g| g.estate_id.clone()).collect()
    }
}

/// The bearer token of a request, if any.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Looks up the desk of `token`; `lock` takes its row until the transaction ends (a push), so
/// two pushes of one desk (a retry racing its first try) run one after the other.
pub async fn authenticate(
    client: &impl GenericClient,
    token: Option<&str>,
    lock: bool,
) -> Result<Desk, ApiError> {
    let token = token.ok_or_else(ApiError::unauthorised)?;
    let sql = if lock {
        "SELECT desk_id, acked_through, audit_through, audit_last_hash FROM desks
         WHERE token_hash = $1 FOR UPDATE"
    } else {
        "SELECT desk_id, acked_through, audit_through, audit_last_hash FROM desks
         WHERE token_hash = $1"
    };
    let stmt = client.prepare_cached(sql).await?;
    let row = client
        .query_opt(&stmt, &[&sha256_hex(token)])
        .await?
        .ok_or_else(ApiError::unauthorised)?;
    let desk_id: String = row.get(0);
    let stmt = client
        .prepare_cached("SELECT estate_id, access FROM desk_estates WHERE desk_id = $1")
        .await?;
    let grants = client
        .query(&stmt, &[&desk_id])
        .await?
        .iter()
        .map(|r| EstateGrant {
            estate_id: r.get(0),
            access: if r.get::<_, &str>(1) == "write" {
                Access::Write
            } else {
                Access::Read
            },
        })
        .collect();
    Ok(Desk {
        desk_id,
        acked_through: row.get(1),
        audit_through: row.get(2),
        audit_last_hash: row.get(3),
        grants,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_start_empty_then_letters_from_b() {
        let p: Vec<String> = prefix_candidates().take(28).collect();
        assert_eq!(p[0], "");
        assert_eq!(p[1], "B");
        assert_eq!(p[25], "Z");
        assert_eq!(p[26], "AA");
        assert_eq!(prefix_candidates().count(), 1 + 25 + 26 * 26);
    }

    #[test]
    fn codes_are_typed_back_whatever_the_case_and_dashes() {
        let code = new_code();
        assert_eq!(code.len(), 19);
        assert_eq!(
            normalise_code(&code.to_lowercase().replace('-', " ")),
            normalise_code(&code)
        );
    }
}
