//! The commands the UI calls, one module per screen. Each command takes the state, calls ONE core
//! function and maps the error; nothing here decides a business rule.

pub mod attachments;
pub mod claims;
pub mod customers;
pub mod desk;
pub mod documents;
pub mod duty;
pub mod household_visits;
pub mod intake;
pub mod repair_visits;
pub mod repairs;
pub mod rules;
pub mod session;
pub mod settings;
pub mod sync;

/// A period of dates (YYYY-MM-DD, Beijing time, inclusive) as the UI sends it; empty = today.
#[derive(Clone, Debug, Default, serde::Deserialize, specta::Type)]
#[serde(default)]
pub struct Period {
    pub from: Option<String>,
    pub to: Option<String>,
}

impl Period {
    /// The period as UTC instants `[start, end)`, for a store's "today" (`time::Period`).
    pub fn bounds(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> frontdesk::Result<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> {
        frontdesk::time::Period::days_or_today(self.from.as_deref(), self.to.as_deref(), now)?
            .bounds()
    }
}
