//! The household visits' policy part (住宅区管理处回访制度, seed 002…): the estate's areas (which
//! buildings, which 物管员 visit them), how often each household is visited, and who counts as the
//! office head whose own visits are counted by the year.
//!
//! Invariants: pure data; an area names buildings as the unit register writes them (`3` for
//! `3-2-1201`); a building in no area is its own area with no staff assigned, so the plan always
//! covers every household.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::vocab::Role;

/// Household visits (物管员按区域范围分工，每季回访1次；办公室主任每年登门回访1~2次).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct HouseholdVisitPolicy {
    /// The estate's areas and their 物管员; empty: every building is an area of its own.
    pub areas: Vec<VisitArea>,
    /// Visits each household gets from its area's 物管员 in a quarter.
    pub area_visits_per_quarter: u32,
    /// The office head's (主任) own household visits a year, at least.
    pub head_visits_per_year: u32,
    /// The roles whose visits count as the office head's.
    pub head_roles: Vec<Role>,
}

/// One area of the estate: its buildings and the 物管员 (staff logins) who visit them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VisitArea {
    pub name: String,
    pub buildings: Vec<String>,
    pub staff: Vec<String>,
}

impl Default for HouseholdVisitPolicy {
    fn default() -> Self {
        HouseholdVisitPolicy {
            areas: Vec::new(),
            area_visits_per_quarter: 1,
            head_visits_per_year: 1,
            head_roles: vec![Role::ProjectManager],
        }
    }
}

impl HouseholdVisitPolicy {
    /// The area a building is in: its name and staff logins (a building in no area: its own name
    /// as `N栋`, nobody assigned).
    pub fn area_of(&self, building: &str) -> (String, &[String]) {
        match self
            .areas
            .iter()
            .find(|a| a.buildings.iter().any(|b| b.trim() == building))
        {
            Some(a) => (a.name.clone(), &a.staff),
            None => (format!("{building}栋"), &[]),
        }
    }
}

impl HouseholdVisitPolicy {
    /// Checks the numbers and that no building is in two areas.
    pub fn validate(&self) -> Result<()> {
        if !(1..=12).contains(&self.area_visits_per_quarter) {
            return Err(Error::invalid(
                "household_visits.area_visits_per_quarter",
                "每季回访次数",
                "应为 1–12 次",
            ));
        }
        if self.head_visits_per_year > 12 {
            return Err(Error::invalid(
                "household_visits.head_visits_per_year",
                "主任每年回访次数",
                "应为 0–12 次",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for a in &self.areas {
            if a.name.trim().is_empty() {
                return Err(Error::invalid(
                    "household_visits.areas",
                    "回访区域",
                    "区域名称不能为空",
                ));
            }
            for b in &a.buildings {
                if !seen.insert(b.trim().to_string()) {
                    return Err(Error::invalid(
                        "household_visits.areas",
                        "回访区域",
                        format!("楼栋“{b}”分在了两个区域"),
                    ));
                }
            }
        }
        Ok(())
    }
}
