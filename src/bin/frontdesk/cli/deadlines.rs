//! `frontdesk deadline …`: a case's deadlines, pausing and resuming them, the working calendar.
//!
//! Each verb calls one core function in `frontdesk::deadlines` or `frontdesk::calendar`.

use frontdesk::calendar::{self, Calendar, DayInput};
use frontdesk::deadlines::{self, PauseInput, SubjectKind};
use frontdesk::{time, Result};

use super::to_json;
use frontdesk::app::Session;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Show a case's deadlines: due time, time left or overdue by, state, pauses.
    Show {
        /// complaint / repair / slip (or 投诉 / 维修单 / 协调单).
        kind: String,
        /// The case's number (LH-TS2026-0001, LH-WX…, LH-XT…) or id.
        no: String,
    },
    /// Pause every deadline of a case from now (e.g. waiting for the owner), with the reason.
    Pause {
        /// complaint / repair / slip (or 投诉 / 维修单 / 协调单).
        kind: String,
        no: String,
        #[arg(long)]
        reason: String,
    },
    /// Resume a case's paused deadlines from now.
    Resume {
        /// complaint / repair / slip (or 投诉 / 维修单 / 协调单).
        kind: String,
        no: String,
    },
    /// Set a day of the estate's working calendar (supervisors), e.g. `2026-10-10 --workday --name 调休`.
    CalendarSet {
        /// The date, YYYY-MM-DD.
        date: String,
        /// The day is a working day (调休上班).
        #[arg(long, conflicts_with = "holiday", required_unless_present = "holiday")]
        workday: bool,
        /// The day is a rest day.
        #[arg(long)]
        holiday: bool,
        /// What the day is (调休, 公司年会 …).
        #[arg(long)]
        name: String,
    },
    /// Remove the estate's own setting of a day (supervisors), with the reason.
    CalendarClear {
        date: String,
        #[arg(long)]
        reason: String,
    },
    /// A year of the working calendar: holidays, 调休 working days, estate settings, working-day count.
    CalendarShow {
        /// Default: this year.
        #[arg(long)]
        year: Option<i32>,
    },
}

pub fn run(ctx: &mut Session, cmd: &Command) -> Result<serde_json::Value> {
    let eid = ctx.clerk()?.estate_id.clone();
    let now = ctx.store().now();
    match cmd {
        Command::Show { kind, no } => to_json(deadlines::show(
            ctx.store().conn(),
            SubjectKind::parse(kind)?,
            no,
            now,
        )?),
        Command::Pause { kind, no, reason } => {
            let kind = SubjectKind::parse(kind)?;
            let input = PauseInput {
                reason: Some(reason.clone()),
            };
            to_json(ctx.write(|w, _| deadlines::pause(w, kind, no, &input))?)
        }
        Command::Resume { kind, no } => {
            let kind = SubjectKind::parse(kind)?;
            to_json(ctx.write(|w, _| deadlines::resume(w, kind, no))?)
        }
        Command::CalendarSet {
            date,
            workday,
            holiday: _,
            name,
        } => {
            let input = DayInput {
                date: Some(date.clone()),
                working: Some(*workday),
                name: Some(name.clone()),
            };
            to_json(ctx.write(|w, _| calendar::set_day(w, &eid, &input))?)
        }
        Command::CalendarClear { date, reason } => {
            ctx.write(|w, _| calendar::clear_day(w, &eid, Some(date), Some(reason)))?;
            super::done()
        }
        Command::CalendarShow { year } => {
            use chrono::Datelike;
            let year = year.unwrap_or_else(|| time::local_date(now).year());
            to_json(Calendar::current(ctx.store().conn(), &eid)?.year(year)?)
        }
    }
}
