//! The same complaint (同一问题): complaints of one problem linked to one issue, and suggestions
//! of candidates to link.
//!
//! Invariants: a complaint belongs to at most one issue; linking and unlinking are audited and
//! leave an event on the complaint; linking re-grades every open complaint of the issue, while a
//! complaint leaving it (voided or unlinked) lowers no grade: the others are told
//! ([`member_left`]). Suggestions only propose; the clerk confirms.

use std::collections::{BTreeMap, HashSet};

use chrono::Duration;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{assess, regrade};
use crate::complaints::record::{self as complaints, Complaint};
use crate::error::{Error, Result};
use crate::intake;
use crate::policy;
use crate::search;
use crate::store::Write;
use crate::time;
use crate::validate::TextRule;
use crate::vocab::ComplaintStatus;

/// One problem of an estate that several complaints report.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Issue {
    pub id: String,
    pub estate_id: String,
    pub title: String,
    /// Numbers of the live complaints linked to it, oldest first.
    pub complaints: Vec<String>,
    pub created_at: String,
    pub created_by: String,
}

/// Linking a complaint to the same problem.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct LinkInput {
    /// An issue's id, or another complaint (number or id) reporting the same problem.
    pub to: Option<String>,
    /// The title of the issue when a new one is made (default: the other complaint's content).
    pub title: Option<String>,
}

const LINK_TO: TextRule = TextRule::line("to", "同一问题", 64);
const TITLE: TextRule = TextRule::line("title", "问题名称", 100);
const REASON: TextRule = TextRule::text("reason", "原因", 500);

/// One issue with its complaints.
pub fn issue(conn: &Connection, id: &str) -> Result<Issue> {
    let (estate_id, title, created_at, created_by) = conn
        .query_row(
            "SELECT estate_id, title, created_at, created_by FROM complaint_issues WHERE id = ?1",
            params![id.trim()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
        .ok_or_else(|| Error::not_found("同一问题", id.trim()))?;
    let complaints = conn
        .prepare_cached(
            "SELECT no FROM complaints WHERE issue_id = ?1 AND voided_at IS NULL
             ORDER BY created_at, no",
        )?
        .query_map(params![id.trim()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Issue {
        id: id.trim().to_string(),
        estate_id,
        title,
        complaints,
        created_at,
        created_by,
    })
}

/// The issue a complaint is linked to, if any.
pub(crate) fn issue_of(conn: &Connection, complaint_id: &str) -> Result<Option<String>> {
    Ok(conn.query_row(
        "SELECT issue_id FROM complaints WHERE id = ?1",
        params![complaint_id],
        |r| r.get(0),
    )?)
}

/// Sets (or clears) a complaint's issue, audited, with an event.
fn set_issue(
    w: &mut Write,
    c: &Complaint,
    issue_id: Option<&str>,
    data: serde_json::Value,
) -> Result<()> {
    let before = issue_of(&w.tx, &c.id)?;
    w.tx.execute(
        "UPDATE complaints SET issue_id = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
        params![c.id, issue_id, w.now_db, w.actor.staff_id],
    )?;
    w.audit_update(
        "complaint",
        &c.id,
        &json!({ "issue_id": before }),
        &json!({ "issue_id": issue_id }),
    )?;
    let kind = if issue_id.is_some() {
        "issue_linked"
    } else {
        "issue_unlinked"
    };
    w.event("complaint", &c.id, kind, data)
}

/// Links a complaint to the same problem: an existing issue, or another complaint (making an
/// issue for the two when it has none). Every open complaint of the issue is re-graded.
pub fn link(w: &mut Write, complaint: &str, input: &LinkInput) -> Result<Issue> {
    let c = complaints::load(&w.tx, complaint)?;
    if c.status == ComplaintStatus::Voided {
        return Err(Error::State(format!("投诉 {} 已作废，不能关联", c.no)));
    }
    let to = LINK_TO.required(input.to.as_deref())?;
    let title = TITLE.optional(input.title.as_deref())?;
    let existing: Option<String> =
        w.tx.query_row(
            "SELECT id FROM complaint_issues WHERE id = ?1 AND estate_id = ?2",
            params![to, c.estate_id],
            |r| r.get(0),
        )
        .optional()?;
    let issue_id = match existing {
        Some(id) => id,
        None => {
            let other = match complaints::load(&w.tx, &to) {
                Ok(o) if o.estate_id == c.estate_id && o.status != ComplaintStatus::Voided => o,
                Ok(_) | Err(Error::NotFound { .. }) => {
                    return Err(Error::invalid(
                        "to",
                        "同一问题",
                        format!("未找到问题或投诉“{to}”"),
                    ))
                }
                Err(e) => return Err(e),
            };
            if other.id == c.id {
                return Err(Error::invalid("to", "同一问题", "不能关联到投诉本身"));
            }
            match issue_of(&w.tx, &other.id)? {
                Some(id) => id,
                None => {
                    let id = w.new_id();
                    let title = title
                        .clone()
                        .unwrap_or_else(|| intake::short(&other.content, 40));
                    w.tx.execute(
                        "INSERT INTO complaint_issues(id, estate_id, title, created_at, created_by,
                            updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?5)",
                        params![id, c.estate_id, title, w.now_db, w.actor.staff_id],
                    )?;
                    let made = issue(&w.tx, &id)?;
                    w.audit_insert("complaint_issue", &id, &made)?;
                    set_issue(
                        w,
                        &other,
                        Some(&id),
                        json!({ "issue_id": id, "title": title, "with": c.no }),
                    )?;
                    id
                }
            }
        }
    };
    match issue_of(&w.tx, &c.id)? {
        Some(current) if current == issue_id => {
            return Err(Error::State(format!("投诉 {} 已关联到该问题", c.no)))
        }
        Some(_) => {
            return Err(Error::State(format!(
                "投诉 {} 已关联到另一问题，请先取消关联",
                c.no
            )))
        }
        None => {}
    }
    let title = issue(&w.tx, &issue_id)?.title;
    set_issue(
        w,
        &c,
        Some(&issue_id),
        json!({ "issue_id": issue_id, "title": title }),
    )?;
    let open: Vec<String> =
        w.tx.prepare(
            "SELECT id FROM complaints WHERE issue_id = ?1
               AND status NOT IN ('closed', 'voided') ORDER BY created_at, id",
        )?
        .query_map(params![issue_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in open {
        regrade(w, &id, &format!("投诉 {} 关联同一问题", c.no))?;
    }
    issue(&w.tx, &issue_id)
}

/// Takes a complaint out of its issue, with the reason. Grades stay as they are; the issue's
/// other complaints are told ([`member_left`]).
pub fn unlink(w: &mut Write, complaint: &str, reason: Option<&str>) -> Result<Complaint> {
    let c = complaints::load(&w.tx, complaint)?;
    let reason = REASON.required(reason)?;
    let Some(issue_id) = issue_of(&w.tx, &c.id)? else {
        return Err(Error::State(format!("投诉 {} 未关联任何问题", c.no)));
    };
    set_issue(
        w,
        &c,
        None,
        json!({ "issue_id": issue_id, "reason": reason }),
    )?;
    member_left(w, &issue_id, &c, &format!("已取消关联（{reason}）"))?;
    complaints::load(&w.tx, &c.id)
}

/// Tells every other live complaint of issue `issue_id` that `left` no longer counts for it
/// (`what`: voided, or taken out of the issue, with the reason): an `issue_member_left` event on
/// each, naming it and the households now counted, and saying whether its grade is kept above
/// what the facts now call for. Grades stay as they are.
pub(crate) fn member_left(
    w: &mut Write,
    issue_id: &str,
    left: &Complaint,
    what: &str,
) -> Result<()> {
    let others: Vec<String> =
        w.tx.prepare(
            "SELECT id FROM complaints WHERE issue_id = ?1 AND id <> ?2 AND voided_at IS NULL
             ORDER BY created_at, id",
        )?
        .query_map(params![issue_id, left.id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in others {
        let a = assess(&w.tx, &id, w.now)?;
        let grade = match &a.kept_grade_note {
            Some(note) => note.clone(),
            None => format!("本投诉等级“{}”不变", a.stored_grade.label()),
        };
        let note = format!(
            "同一问题中的投诉 {} {what}，现计{}户；{grade}",
            left.no, a.households
        );
        w.event(
            "complaint",
            &id,
            "issue_member_left",
            json!({ "complaint": left.no, "households": a.households, "note": note }),
        )?;
    }
    Ok(())
}

/// A suggested issue (or unlinked complaint) that may be the same problem.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Candidate {
    /// `issue` or `complaint`: what to pass to [`link`] as `to`.
    pub kind: String,
    pub id: String,
    /// The issue's title or the complaint's number.
    pub label: String,
    /// 0–1, higher is more alike.
    pub score: f64,
    /// Why, in words.
    pub why: Vec<String>,
    /// The complaints behind the candidate.
    pub complaints: Vec<String>,
}

/// The character pairs of a text, normalised as search does.
fn bigrams(text: &str) -> HashSet<(char, char)> {
    search::normalise(text)
        .windows(2)
        .map(|p| (p[0], p[1]))
        .collect()
}

/// Dice coefficient of two pair sets.
fn dice(a: &HashSet<(char, char)>, b: &HashSet<(char, char)>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    2.0 * a.intersection(b).count() as f64 / (a.len() + b.len()) as f64
}

/// Suggests issues and unlinked complaints that may report the same problem as this one, best
/// first: text similarity of the content (character-pair Dice), same unit or building, same category, within
/// the policy's window around the intake.
pub fn suggest_issues(conn: &Connection, complaint_id: &str) -> Result<Vec<Candidate>> {
    let c = complaints::load(conn, complaint_id)?;
    let p = policy::current(conn, &c.estate_id)?.policy.grading;
    let own_issue = issue_of(conn, &c.id)?;
    let received = time::from_db(&c.received_at)?;
    let window = Duration::days(p.suggest_window_days);
    let building = |unit: &Option<String>| -> Result<Option<String>> {
        Ok(match unit {
            Some(u) => conn
                .query_row(
                    "SELECT building FROM units WHERE id = ?1",
                    params![u],
                    |r| r.get(0),
                )
                .optional()?,
            None => None,
        })
    };
    let own_building = building(&c.unit_id)?;
    let own_pairs = bigrams(&c.content);
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.no, c.unit_id, u.building, c.category, i.content, c.issue_id,
                ci.title
         FROM complaints c JOIN intakes i ON i.id = c.intake_id
         LEFT JOIN units u ON u.id = c.unit_id
         LEFT JOIN complaint_issues ci ON ci.id = c.issue_id
         WHERE c.estate_id = ?1 AND c.id != ?2 AND c.voided_at IS NULL
           AND (?3 IS NULL OR c.issue_id IS NULL OR c.issue_id != ?3)
           AND i.received_at >= ?4 AND i.received_at <= ?5
         ORDER BY c.created_at, c.no",
    )?;
    let rows = stmt.query_map(
        params![
            c.estate_id,
            c.id,
            own_issue,
            time::to_db(received - window),
            time::to_db(received + window)
        ],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        },
    )?;
    let mut by_key: BTreeMap<String, Candidate> = BTreeMap::new();
    for row in rows {
        let (id, no, unit, bld, category, content, issue_id, title) = row?;
        let text = dice(&own_pairs, &bigrams(&content));
        let mut score = 0.6 * text;
        let mut why = vec![format!("内容相似度 {:.0}%", text * 100.0)];
        if unit.is_some() && unit == c.unit_id {
            score += 0.25;
            why.push("同一房号".into());
        } else if let (Some(a), Some(b)) = (&bld, &own_building) {
            if a == b {
                score += 0.1;
                why.push(format!("同一楼栋（{a}栋）"));
            }
        }
        if category == c.category {
            score += 0.15;
            why.push(format!("同一类别“{category}”"));
        }
        if text < 0.1 && unit.as_ref().is_none_or(|u| Some(u) != c.unit_id.as_ref()) {
            continue;
        }
        let (key, kind, cid, label) = match issue_id {
            Some(iid) => (
                format!("issue:{iid}"),
                "issue",
                iid,
                title.unwrap_or_default(),
            ),
            None => (format!("complaint:{id}"), "complaint", id, no.clone()),
        };
        let entry = by_key.entry(key).or_insert_with(|| Candidate {
            kind: kind.into(),
            id: cid,
            label,
            score: 0.0,
            why: Vec::new(),
            complaints: Vec::new(),
        });
        entry.complaints.push(no);
        if score > entry.score {
            entry.score = (score * 100.0).round() / 100.0;
            entry.why = why;
        }
    }
    let mut out: Vec<Candidate> = by_key.into_values().collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.label.cmp(&b.label)));
    out.truncate(10);
    Ok(out)
}
