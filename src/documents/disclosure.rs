//! How personal numbers appear in a document ([`Disclosure`]), and the audited right to show
//! them in full ([`unmask`]).
//!
//! Invariants: masked unless a supervisor role asked for full numbers in one export; every
//! unmasked export is an audit entry naming the document.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth;
use crate::error::Result;
use crate::store::Write;
use crate::validate;

/// How personal numbers appear in a document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disclosure {
    /// `138****8000`; id numbers keep the first 6 and last 4 characters. The default.
    #[default]
    Masked,
    /// Full numbers: only after [`unmask`] granted it.
    Full,
}

impl Disclosure {
    /// A phone number as this disclosure shows it.
    pub fn phone(self, phone: &str) -> String {
        match self {
            Disclosure::Masked => validate::mask_phone(phone),
            Disclosure::Full => phone.to_string(),
        }
    }

    /// An id number (证件号) as this disclosure shows it.
    pub fn id_number(self, id: &str) -> String {
        match self {
            Disclosure::Full => id.to_string(),
            Disclosure::Masked => {
                let chars: Vec<char> = id.chars().collect();
                if chars.len() <= 10 {
                    return "*".repeat(chars.len());
                }
                let mut out: String = chars[..6].iter().collect();
                out.push_str(&"*".repeat(chars.len() - 10));
                out.extend(&chars[chars.len() - 4..]);
                out
            }
        }
    }
}

/// Grants full numbers in one export to a supervisor role and records who exported what, unmasked.
/// `document` names the export in Chinese (e.g. `客户投诉处理记录表 2026-11`).
pub fn unmask(w: &mut Write, estate_id: &str, document: &str) -> Result<Disclosure> {
    w.actor
        .require(auth::SUPERVISORS, "导出完整电话号码和证件号")?;
    let id = w.new_id();
    let detail = json!({ "estate_id": estate_id, "document": document });
    w.audit("unmask", "export", &id, detail)?;
    Ok(Disclosure::Full)
}
