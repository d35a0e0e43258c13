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

use crate::auth::{self, Actor};
use crate::customers::{Customer, CustomerFile};
use crate::documents::Disclosure;
use crate::intake::{Intake, Lookup};
use crate::search::Hit;
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

impl Redact for Intake {
    fn redact(&mut self, sight: Sight) {
        sight.phone(&mut self.phone);
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
