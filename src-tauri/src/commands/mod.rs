//! The commands the UI calls, one module per screen. Each command takes the state, calls ONE core
//! function and maps the error; nothing here decides a business rule.

pub mod customers;
pub mod desk;
pub mod documents;
pub mod intake;
pub mod repairs;
pub mod rules;
pub mod session;
pub mod settings;

/// A period of dates (YYYY-MM-DD, Beijing time, inclusive) as the UI sends it; empty = today.
#[derive(Clone, Debug, Default, serde::Deserialize, specta::Type)]
#[serde(default)]
pub struct Period {
    pub from: Option<String>,
    pub to: Option<String>,
}

impl Period {
    /// The period as UTC instants `[start, end)`, for a store's "today".
    pub fn bounds(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> frontdesk::Result<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> {
        use frontdesk::time;
        let today = time::local_date(now);
        let day = |field, label, s: &Option<String>| match s.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => time::parse_date(field, label, s),
            _ => Ok(today),
        };
        let from = day("from", "开始日期", &self.from)?;
        let to = day("to", "结束日期", &self.to)?;
        if to < from {
            return Err(frontdesk::Error::invalid(
                "to",
                "结束日期",
                "不能早于开始日期",
            ));
        }
        let start = time::parse_input("from", "开始日期", &from.to_string())?;
        let end = time::parse_input(
            "to",
            "结束日期",
            &(to + chrono::Duration::days(1)).to_string(),
        )?;
        Ok((start, end))
    }
}
