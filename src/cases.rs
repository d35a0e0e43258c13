//! What crosses from one kind of case to another, above the workflows of each: a complaint's whole
//! file (the complaint with its intake, attempts, events, 协调单 and 回访: the case page and the
//! printed record read it), and a 回访's outcome applied to the case it follows up.
//!
//! Invariants:
//! - The workflows below never reach up here: [`crate::followups`] reports what a call asks of
//!   its case ([`crate::followups::Recorded`]) and [`record_followup`] applies it in the same
//!   transaction, so 不满意 always reopens the complaint ([`crate::complaints::reopen`]) or sends
//!   the repair order back ([`crate::repairs::rework`]).
//! - The faces record 回访 calls only through [`record_followup`], a repair's checklist with
//!   its call.

use rusqlite::Connection;
use serde::Serialize;

use crate::complaints::{self, Attempt, Complaint, Event};
use crate::error::Result;
use crate::followups::{self, Followup, FollowupInput};
use crate::intake::{self, Intake};
use crate::repair_visits;
use crate::repairs;
use crate::slips::{self, Slip};
use crate::store::Write;
use crate::vocab::SubjectKind;

/// A complaint with its whole history: the intake, attempts, events, slips and 回访.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ComplaintDetail {
    pub complaint: Complaint,
    pub intake: Intake,
    pub attempts: Vec<Attempt>,
    pub events: Vec<Event>,
    pub slips: Vec<Slip>,
    pub followups: Vec<Followup>,
}

/// One complaint with its whole history.
pub fn complaint_detail(conn: &Connection, id_or_no: &str) -> Result<ComplaintDetail> {
    let complaint = complaints::load(conn, id_or_no)?;
    Ok(ComplaintDetail {
        intake: intake::get(conn, &complaint.intake_id)?,
        attempts: complaints::attempts(conn, &complaint.id)?,
        events: crate::store::events(conn, "complaint", &complaint.id)?,
        slips: slips::for_complaint(conn, &complaint.id)?,
        followups: followups::list_for(conn, SubjectKind::Complaint, &complaint.id)?,
        complaint,
    })
}

/// Records a 回访 call ([`followups::record`]) and applies its outcome: 不满意 reopens the
/// complaint or sends the repair order back for rework, in the same transaction; a repair's
/// checklist is recorded with the call ([`repair_visits::record`]), and a failed point issues
/// the 整改通知单 and sends the order back (once, if 不满意 has not already).
pub fn record_followup(w: &mut Write, followup: &str, input: &FollowupInput) -> Result<Followup> {
    let recorded = followups::record(w, followup, input)?;
    if let Some(reopen) = &recorded.reopen {
        match reopen.subject_kind {
            SubjectKind::Complaint => {
                complaints::reopen(w, &reopen.subject_id, Some(&reopen.reason))?;
            }
            SubjectKind::Repair => {
                repairs::rework(w, &reopen.subject_id, &reopen.reason)?;
            }
        }
    }
    if !input.checks.is_empty() {
        repair_visits::record(w, &recorded.followup, &input.checks)?;
    }
    Ok(recorded.followup)
}
