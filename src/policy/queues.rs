//! How the desk's work lists are ordered by customer tier and whom overdue complaints are
//! escalated to, as policy data with the seeds' defaults.
//!
//! Pure data and its lookups: the lists themselves are built in [`crate::queues`].
//!
//! Invariant: D tier never lowers handling: [`QueuePolicy::tier_rank`] ranks a D-tier customer
//! (and a case without a customer) exactly as C whatever `tier_order` says (a policy may still
//! rank D *higher*).

use serde::{Deserialize, Serialize};

use crate::vocab::{Grade, Role, Tier};

/// How the work lists are ordered and whom overdue complaints are escalated to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct QueuePolicy {
    /// Tiers in handling order; unlisted tiers come after the listed ones. D always ranks as C
    /// (never lower), whatever this says.
    pub tier_order: Vec<Tier>,
    /// Who hears of an overdue first response or handling, per grade.
    pub overdue_major: Role,
    pub overdue_hot: Role,
    pub overdue_important: Role,
    pub overdue_general: Role,
}

impl Default for QueuePolicy {
    fn default() -> Self {
        QueuePolicy {
            tier_order: vec![Tier::A, Tier::B, Tier::C, Tier::D],
            overdue_major: Role::GeneralManager,
            overdue_hot: Role::GmAssistant,
            overdue_important: Role::ProjectManager,
            overdue_general: Role::Supervisor,
        }
    }
}

impl QueuePolicy {
    /// The role an overdue complaint of `grade` is escalated to.
    pub fn overdue_to(&self, grade: Grade) -> Role {
        match grade {
            Grade::Major => self.overdue_major,
            Grade::Hot => self.overdue_hot,
            Grade::Important => self.overdue_important,
            Grade::General => self.overdue_general,
        }
    }

    fn position(&self, tier: Tier) -> usize {
        self.tier_order
            .iter()
            .position(|t| *t == tier)
            .unwrap_or(self.tier_order.len())
    }

    /// The ordering rank of a tier (lower first). No customer and D rank as C, or higher.
    pub fn tier_rank(&self, tier: Option<Tier>) -> usize {
        let c = self.position(Tier::C);
        match tier {
            None => c,
            Some(Tier::D) => self.position(Tier::D).min(c),
            Some(t) => self.position(t),
        }
    }
}
