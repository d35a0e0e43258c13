//! The 赔付 documents: the 《客户赔付处理记录单》 of one claim, printed 一式三份 (物业公司、项目部、
//! 地产客户中心 each keep one: a copy starts on a new page and every page names its copy), and the
//! 《赔付业主备忘录》 handed to the owner.
//!
//! Invariant: both are drawn from the claim as stored ([`claims::detail`]) with the shared layout
//! helpers; a long record continues on further pages of its copy under the same header.

use std::cell::Cell as Shared;
use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::layout::{Align, Cell, Flow, Grid, Page, Row, Style, A4, MARGIN};
use super::{local, opt, save, yuan, Written};
use crate::actor::Actor;
use crate::claims::{self, Claim};
use crate::documents::disclosure::Disclosure;
use crate::error::Result;
use crate::estate;
use crate::store::Event;

/// Who keeps each copy of the record (此表一式三份，物业公司、项目部、地产客户中心各备案一份).
pub const COPIES: [&str; 3] = ["物业公司", "项目部", "地产客户中心"];

/// A step of the claim in one line: `2026-12-07 10:00 赵协调 部门回复（工程维修部）：…`.
fn step_line(e: &Event) -> String {
    let s = |k: &str| e.data.get(k).and_then(|v| v.as_str()).unwrap_or_default();
    let fen = |k: &str| e.data.get(k).and_then(|v| v.as_i64()).unwrap_or_default();
    let what = match e.kind.as_str() {
        "opened" => format!("登记赔付，金额 {}", yuan(fen("amount_fen"))),
        "reply" => format!("部门回复（{}）：{}", s("department"), s("text")),
        "proposal" => format!("提出方案（{}）：{}", yuan(fen("amount_fen")), s("text")),
        "approval" => format!("核准，金额 {}", yuan(fen("amount_fen"))),
        "agreement" => format!("签订赔付协议（{}）", s("date")),
        "payment" => format!("付款 {}（{}）", yuan(fen("amount_fen")), s("date")),
        "void" => format!("作废：{}", s("reason")),
        other => other.to_string(),
    };
    format!("{} {} {what}", local(Some(&e.at)), e.actor)
}

fn due_text(due: &str, done: Option<&str>, overdue: bool) -> String {
    let mut t = local(Some(due));
    if let Some(d) = done {
        t.push_str(&format!("（{} 完成）", local(Some(d))));
    }
    if overdue {
        t.push_str(" 超期");
    }
    t
}

/// Writes the 《客户赔付处理记录单》 of `claim` (id or number), three copies, to `out`.
pub fn claim_record(
    conn: &Connection,
    claim: &str,
    _disclosure: Disclosure,
    now: DateTime<Utc>,
    out: &Path,
) -> Result<Written> {
    let c = claims::get(conn, claim, now)?;
    let d = claims::detail(conn, &c.estate_id, &c.id, &Actor::system(), now)?;
    let estate = estate::estate(conn, &c.estate_id)?;
    let copy = Shared::new(0usize);
    let title = "客户赔付处理记录单";
    let line = format!("{}　编号：{}", estate.name, c.no);
    let header = Box::new(|page: &mut Page| {
        let top = page.form_title(title, &line);
        let width = page.width - 2.0 * MARGIN;
        let n = copy.get();
        page.text(
            MARGIN,
            54.0,
            width,
            &format!("第{}联　{}留存", ["一", "二", "三"][n], COPIES[n]),
            Style::new(10.0).bold().align(Align::Right),
        );
        top
    });
    let mut flow = Flow::new(&format!("{title} {}", c.no), A4, 34.0, header)?;
    for n in 0..COPIES.len() {
        if n > 0 {
            copy.set(n);
            flow.new_page();
        }
        record_rows(&mut flow, &d.claim, &d.events);
    }
    let footer = format!(
        "此表一式三份，物业公司、项目部、地产客户中心各备案一份。打印：{}",
        local(Some(&crate::time::to_db(now)))
    );
    save(out, flow.finish(&footer, now)?)
}

fn record_rows(flow: &mut Flow, c: &Claim, events: &[Event]) {
    let width = A4.width - 2.0 * MARGIN;
    let grid = Grid::proportional(MARGIN, width, &[1.0, 2.0, 1.0, 2.0], 10.0);
    let pair = |a: &str, b: String| [Cell::label(a), Cell::value(b)];
    let wide = |a: &str, b: String, min: f32| {
        Row::new(vec![Cell::label(a), Cell::value(b).span(3)]).min_height(min)
    };
    let steps: Vec<String> = events
        .iter()
        .enumerate()
        .map(|(i, e)| format!("{}. {}", i + 1, step_line(e)))
        .collect();
    let paid = match c.paid_fen {
        Some(f) => format!(
            "{}　{}　{}　经办：{}",
            yuan(f),
            c.paid_method.map(|m| m.label()).unwrap_or_default(),
            opt(&c.paid_on),
            opt(&c.paid_by)
        ),
        None => String::new(),
    };
    let approved = match &c.approved_at {
        Some(at) => format!("{}　{}", opt(&c.approved_by), local(Some(at))),
        None => "（待核准）".into(),
    };
    let rows = [
        Row::new(
            [
                pair("投诉编号", c.complaint_no.clone()),
                pair("维修单", opt(&c.repair_no)),
            ]
            .concat(),
        ),
        Row::new([pair("房号", opt(&c.unit)), pair("客户", opt(&c.customer))].concat()),
        Row::new(
            [
                pair("报事时间", local(Some(&c.reported_at))),
                pair("状态", c.status.label().to_string()),
            ]
            .concat(),
        ),
        wide("情况说明", c.situation.clone(), 70.0),
        wide("沟通参与人", c.participants.clone(), 20.0),
        Row::new(
            [
                pair("赔付金额", yuan(c.amount_fen)),
                pair("赔付形式", c.form.label().to_string()),
            ]
            .concat(),
        ),
        Row::new(
            [
                pair("费项承担部门", c.cost_bearer.clone()),
                pair("工程收方", c.receiver.label().to_string()),
            ]
            .concat(),
        ),
        Row::new(
            [
                pair(
                    "部门回复时限",
                    due_text(&c.reply_due, c.first_reply_at.as_deref(), c.reply_overdue),
                ),
                pair(
                    "首次方案时限",
                    due_text(
                        &c.proposal_due,
                        c.first_proposal_at.as_deref(),
                        c.proposal_overdue,
                    ),
                ),
            ]
            .concat(),
        ),
        wide("赔付方案", opt(&c.proposal), 40.0),
        wide("处理过程", steps.join("\n"), 60.0),
        Row::new(
            [
                pair("总经理核准", approved),
                pair("核准意见", opt(&c.approval_note)),
            ]
            .concat(),
        ),
        Row::new([pair("协议日期", opt(&c.agreed_on)), pair("付款", paid)].concat()),
        wide("赔付协议", opt(&c.agreement), 40.0),
        Row::new(
            [
                pair("客户签字", String::new()),
                pair("经办人签字", String::new()),
            ]
            .concat(),
        )
        .min_height(30.0),
    ];
    for row in &rows {
        flow.row(&grid, row);
    }
}

/// Writes the 《赔付业主备忘录》 of `claim` (id or number) to `out`: what was agreed with the
/// owner, for both to sign.
pub fn claim_memo(
    conn: &Connection,
    claim: &str,
    _disclosure: Disclosure,
    now: DateTime<Utc>,
    out: &Path,
) -> Result<Written> {
    let c = claims::get(conn, claim, now)?;
    let estate = estate::estate(conn, &c.estate_id)?;
    let title = "赔付业主备忘录";
    let line = format!("{}　编号：{}", estate.name, c.no);
    let header = Box::new(|page: &mut Page| page.form_title(title, &line));
    let mut flow = Flow::new(&format!("{title} {}", c.no), A4, 34.0, header)?;
    let width = A4.width - 2.0 * MARGIN;
    let grid = Grid::proportional(MARGIN, width, &[1.0, 2.0, 1.0, 2.0], 10.5);
    let who = match (&c.unit, &c.customer) {
        (Some(u), Some(n)) => format!("{u} {n}"),
        (Some(u), None) => u.clone(),
        (None, Some(n)) => n.clone(),
        (None, None) => "业主".into(),
    };
    let body = format!(
        "尊敬的{who}：\n　　关于您反映的问题（投诉编号 {}）：{}\n　　经双方沟通协商，现就赔付事宜备忘如下：赔付金额 {}，赔付形式为{}。{}\n　　本备忘录经双方签字后生效，赔付完成后此事项即告解决。",
        c.complaint_no,
        c.situation,
        yuan(c.amount_fen),
        c.form.label(),
        c.agreement
            .as_deref()
            .map(|a| format!("协议内容：{a}"))
            .unwrap_or_default(),
    );
    let pair = |a: &str, b: String| [Cell::label(a), Cell::value(b)];
    let rows = [
        Row::new(vec![Cell::value(body).span(4)]).min_height(200.0),
        Row::new([pair("业主签字", String::new()), pair("日期", String::new())].concat())
            .min_height(36.0),
        Row::new(
            [
                pair("客户中心", format!("{}（盖章）", estate.name)),
                pair("日期", opt(&c.agreed_on)),
            ]
            .concat(),
        )
        .min_height(36.0),
    ];
    for row in &rows {
        flow.row(&grid, row);
    }
    let footer = format!("打印：{}", local(Some(&crate::time::to_db(now))));
    save(out, flow.finish(&footer, now)?)
}
