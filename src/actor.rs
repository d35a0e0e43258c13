//! Who is acting: the staff member (or the program itself) on whose behalf an operation runs,
//! carried by every write and checked against the roles an operation needs.
//!
//! Invariants: the program itself ([`Actor::system`]) has every role; a refusal names the person,
//! the role and what was refused, in Chinese.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::vocab::Role;

/// The staff member on whose behalf an operation runs.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Actor {
    pub staff_id: String,
    pub name: String,
    pub role: Role,
    pub estate_id: String,
}

impl Actor {
    /// The program itself (set-up, migrations, demo data), before any staff exists.
    pub fn system() -> Actor {
        Actor {
            staff_id: "system".into(),
            name: "系统".into(),
            role: Role::Supervisor,
            estate_id: String::new(),
        }
    }

    /// The program itself ([`Actor::system`]), not a staff member.
    pub fn is_system(&self) -> bool {
        self.staff_id == "system"
    }

    /// Whether the actor has one of `roles` (the program itself has every role).
    pub fn has(&self, roles: &[Role]) -> bool {
        self.is_system() || roles.contains(&self.role)
    }

    /// Refuses unless the actor has one of `roles`.
    pub fn require(&self, roles: &[Role], doing: &str) -> Result<()> {
        if self.has(roles) {
            Ok(())
        } else {
            Err(Error::Denied(format!(
                "{}（{}）无权{}",
                self.name,
                self.role.label(),
                doing
            )))
        }
    }
}
