//! What a login may see of customers' personal data. The register is confidential (domain.md:
//! no disclosure without legal basis or the customer's consent), so reads are redacted for the
//! viewer before they leave the core's callers (the CLI and the app):
//!
//! - Supervisor roles ([`auth::SUPERVISORS`]) see everything.
//! - Other roles see lists — many customers or contacts at once: registers, look-ups, logs — with
//!   phone numbers masked (`138****8000`). One record opened shows its phone numbers in full,
//!   because the desk calls the customer back; id numbers (证件号) stay masked for them everywhere.
//! - Search hits are a list: a phone number typed into a record's text is masked in the hit's
//!   title for them too.
//! - The reason a customer is in tier D (malicious arrears, ringleader of crowd complaints…) is
//!   shown to supervisors only; others see that a reason exists.
//!
//! Redaction never changes what is stored, and it is idempotent. Exports follow their own rule
//! ([`crate::documents::Disclosure`]: masked for everybody unless a supervisor unmasks, audited).
//!
//! By type, not by each caller remembering: every type that carries personal data implements
//! [`Redact`]; every other type a face (the CLI, the app) may hand to a person as it is implements
//! the marker [`Plain`]. The faces hand out only `Plain` values, or `Redact` values through
//! [`redacted`], so a new command that returns, say, a `Complaint` unredacted does not compile.
//! A `Redact` type must never implement `Plain`.

use crate::actor::Actor;
use crate::auth;
use crate::cases::ComplaintDetail;
use crate::complaints::Complaint;
use crate::customers::{Customer, CustomerFile, VipRegisterLine};
use crate::documents::Disclosure;
use crate::duty::{DutyBoard, DutyEntry, Handover};
use crate::followups::DueFollowup;
use crate::intake::{Intake, Lookup};
use crate::repairs::{RepairDetail, RepairOrder};
use crate::search::Hit;
use crate::slips::Slip;
use crate::vocab::Tier;

/// Shown instead of a reason only supervisors may read.
pub const HIDDEN_REASON: &str = "（仅主管可见）";

/// How the data is being looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Many records at once.
    List,
    /// One record opened.
    Record,
}

/// What `viewer` may see, for one view.
#[derive(Clone, Copy, Debug)]
pub struct Sight {
    phones: Disclosure,
    id_numbers: Disclosure,
    d_tier_reasons: bool,
}

impl Sight {
    pub fn of(viewer: &Actor, view: View) -> Sight {
        let supervisor = viewer.has(auth::SUPERVISORS);
        let full = |yes: bool| {
            if yes {
                Disclosure::Full
            } else {
                Disclosure::Masked
            }
        };
        Sight {
            phones: full(supervisor || view == View::Record),
            id_numbers: full(supervisor),
            d_tier_reasons: supervisor,
        }
    }

    fn phone(&self, p: &mut Option<String>) {
        if let Some(v) = p {
            *v = self.phones.phone(v);
        }
    }

    fn tier_reason(&self, tier: Tier, reason: &mut Option<String>) {
        if tier == Tier::D && !self.d_tier_reasons && reason.is_some() {
            *reason = Some(HIDDEN_REASON.to_string());
        }
    }
}

/// A value that carries personal data.
pub trait Redact {
    /// The value as `sight` allows it to be seen.
    fn redact(&mut self, sight: Sight);
}

/// `value` as `viewer` may see it in `view`.
pub fn redacted<T: Redact>(mut value: T, viewer: &Actor, view: View) -> T {
    value.redact(Sight::of(viewer, view));
    value
}

impl<T: Redact> Redact for Vec<T> {
    fn redact(&mut self, sight: Sight) {
        for item in self {
            item.redact(sight);
        }
    }
}

impl<T: Redact> Redact for Option<T> {
    fn redact(&mut self, sight: Sight) {
        if let Some(v) = self {
            v.redact(sight);
        }
    }
}

/// A value with no personal data in it: a face may hand it to anyone as it is (see the module
/// documentation). Never implemented for a type that implements [`Redact`].
pub trait Plain {}

impl<T: Plain + ?Sized> Plain for &T {}
impl<T: Plain> Plain for Vec<T> {}
impl<T: Plain> Plain for [T] {}
impl<T: Plain> Plain for Option<T> {}
impl<A: Plain, B: Plain> Plain for (A, B) {}

/// Marks types as [`Plain`].
#[macro_export]
macro_rules! plain {
    ($($t:ty),* $(,)?) => { $(impl $crate::privacy::Plain for $t {})* };
}

plain!((), bool, i64, u64, usize, f64, String, std::path::PathBuf);

// The core's types without customers' phones, id numbers or D-tier reasons. Names and units are
// not masked (the desk works by them); staff phones are work numbers. Keep this list next to
// the `Redact` impls below, so a reviewer sees both sides at once.
plain!(
    crate::actor::Actor,
    crate::sync::SyncReport,
    crate::sync::SyncStatus,
    crate::attachments::Attachment,
    crate::backup::BackupInfo,
    crate::backup::DueReport,
    crate::backup::RestoreInfo,
    crate::calendar::Override,
    crate::claims::Claim,
    crate::claims::ClaimDetail,
    crate::claims::ClaimRights,
    crate::calendar::YearView,
    crate::complaints::Attempt,
    crate::customers::VipCard,
    crate::deadlines::Overview,
    crate::deadlines::Pause,
    crate::demo::DemoSummary,
    crate::duty::Shift,
    crate::documents::Disclosure,
    crate::documents::Exported,
    crate::documents::MonthEnd,
    crate::documents::pdf::Written,
    crate::documents::xlsx::Written,
    crate::estate::Department,
    crate::estate::Estate,
    crate::estate::Staff,
    crate::estate::Unit,
    crate::followups::Followup,
    crate::grading::Assessment,
    crate::grading::Candidate,
    crate::grading::Escalation,
    crate::grading::Explanation,
    crate::grading::GradeChange,
    crate::grading::Issue,
    crate::import::ImportReport,
    crate::kpi::KpiReport,
    crate::policy::Versioned,
    crate::queues::QueueItem,
    crate::queues::Tick,
    crate::repairs::PriceItem,
    crate::slips::RegisterRow,
    crate::store::VerifyReport,
);

/// Types whose only personal data is one `phone` field.
macro_rules! phone_only {
    ($($t:ty),* $(,)?) => {
        $(impl Redact for $t {
            fn redact(&mut self, sight: Sight) {
                sight.phone(&mut self.phone);
            }
        })*
    };
}

phone_only!(
    Complaint,
    DueFollowup,
    DutyEntry,
    Intake,
    RepairOrder,
    Slip,
    VipRegisterLine
);

/// A change set aside carries a row's fields as written: its phone columns masked like any phone,
/// its id-number columns like id numbers.
impl Redact for crate::sync::RefusedChange {
    fn redact(&mut self, sight: Sight) {
        let Ok(serde_json::Value::Object(mut fields)) = serde_json::from_str(&self.fields) else {
            return;
        };
        for (k, v) in fields.iter_mut() {
            if let serde_json::Value::String(text) = v {
                if k.contains("phone") {
                    *text = sight.phones.phone(text);
                } else if k.contains("id_no") || k.contains("id_number") {
                    *text = sight.id_numbers.id_number(text);
                }
            }
        }
        self.fields = serde_json::Value::Object(fields).to_string();
    }
}

impl Redact for ComplaintDetail {
    fn redact(&mut self, sight: Sight) {
        self.complaint.redact(sight);
        self.intake.redact(sight);
        self.slips.redact(sight);
    }
}

impl Redact for Handover {
    fn redact(&mut self, sight: Sight) {
        self.open_entries.redact(sight);
        self.converted.redact(sight);
    }
}

impl Redact for DutyBoard {
    fn redact(&mut self, sight: Sight) {
        self.entries.redact(sight);
        self.open.redact(sight);
        self.pending.redact(sight);
    }
}

impl Redact for RepairDetail {
    fn redact(&mut self, sight: Sight) {
        self.order.redact(sight);
    }
}

impl Redact for Customer {
    fn redact(&mut self, sight: Sight) {
        sight.phone(&mut self.phone);
        sight.phone(&mut self.phone2);
        if let Some(id) = &mut self.id_number {
            *id = sight.id_numbers.id_number(id);
        }
        sight.tier_reason(self.tier, &mut self.tier_reason);
    }
}

impl Redact for CustomerFile {
    fn redact(&mut self, sight: Sight) {
        self.customer.redact(sight);
        for change in &mut self.tier_history {
            sight.tier_reason(change.to, &mut change.reason);
        }
    }
}

impl Redact for Lookup {
    fn redact(&mut self, sight: Sight) {
        for card in &mut self.customers {
            sight.phone(&mut card.phone);
        }
        self.recent_intakes.redact(sight);
    }
}

impl Redact for Hit {
    fn redact(&mut self, sight: Sight) {
        if sight.phones == Disclosure::Masked {
            self.title = crate::validate::mask_phones_in(&self.title);
        }
    }
}
