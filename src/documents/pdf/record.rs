//! One complaint's 《客户投诉处理记录表》: every field of the case, then its contact attempts, its
//! 协调单, its 回访 and its whole event history, then its attachments (photos as small pictures,
//! other files by name, each with who added it when), on as many A4 pages as it takes, numbered
//! 第 N 页，共 M 页. What the quality department files and the case library keeps.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::Value;

use super::layout::{Align, Cell, Face, Flow, Grid, Page, Row, Style, A4, GREY, MARGIN};
use super::picture::picture;
use super::{local, opt, save, staff_name, yes_no, yuan, Written};
use crate::attachments::{self, files};
use crate::cases::{self, ComplaintDetail};
use crate::documents::disclosure::Disclosure;
use crate::error::Result;
use crate::estate;
use crate::store::Event;
use crate::vocab::{
    AttachmentSubject, ComplaintStatus, FollowupResult, FollowupStatus, Grade, Satisfaction,
    SlipStatus,
};

/// Writes the record of complaint `complaint` (id or number) to `out`.
pub fn complaint_record(
    conn: &Connection,
    complaint: &str,
    disclosure: Disclosure,
    now: DateTime<Utc>,
    out: &Path,
) -> Result<Written> {
    let d = cases::complaint_detail(conn, complaint)?;
    let estate = estate::estate(conn, &d.complaint.estate_id)?;
    let no = d.complaint.no.clone();
    let mut first = true;
    let header = Box::new(|page: &mut Page| {
        let width = page.width - 2.0 * MARGIN;
        let y = if first {
            page.text(
                MARGIN,
                26.0,
                width,
                "《客户投诉处理记录表》",
                Style::new(18.0).bold().align(Align::Center),
            );
            page.text(
                MARGIN,
                52.0,
                width,
                &format!("{}　投诉编号：{}", estate.name, no),
                Style::new(10.0).align(Align::Center),
            );
            74.0
        } else {
            page.text(
                MARGIN,
                22.0,
                width,
                &format!("《客户投诉处理记录表》{no}（续）"),
                Style::new(9.0).align(Align::Right),
            );
            40.0
        };
        first = false;
        y
    });
    let mut flow = Flow::new(
        &format!("客户投诉处理记录表 {}", d.complaint.no),
        A4,
        36.0,
        header,
    )?;
    fields(
        &mut flow,
        &d,
        disclosure,
        &staff_name(conn, Some(&d.complaint.created_by))?,
        &staff_name(conn, Some(&d.complaint.updated_by))?,
    );
    history(&mut flow, &d);
    attached(&mut flow, conn, &d.complaint.id)?;
    let footer = format!(
        "{}　生成：{}",
        estate.name,
        local(Some(&crate::time::to_db(now)))
    );
    save(out, flow.finish(&footer, now)?)
}

fn fields(
    flow: &mut Flow,
    d: &ComplaintDetail,
    disclosure: Disclosure,
    created_by: &str,
    updated_by: &str,
) {
    let c = &d.complaint;
    let width = A4.width - 2.0 * MARGIN;
    let grid = Grid::proportional(MARGIN, width, &[1.0, 2.0, 1.0, 2.0], 9.5);
    let pair = |a: &str, b: String| [Cell::label(a), Cell::value(b)];
    let line = |a: &str, b: String| Row::new(vec![Cell::label(a), Cell::value(b).span(3)]);
    let two = |a: &str, b: String, x: &str, y: String| Row::new([pair(a, b), pair(x, y)].concat());
    let f = &c.facts;
    let facts = format!(
        "安全隐患：{}；群诉户数：{}；索赔金额：{}；媒体曝光：{}（可能：{}）；诉讼：{}（可能：{}）；承诺未兑现且多次反映：{}；需其他部门配合：{}；公司责任：{}",
        yes_no(f.safety_risk),
        f.collective_size,
        yuan(f.claim_fen),
        yes_no(f.media_exposure),
        yes_no(f.media_risk),
        yes_no(f.lawsuit),
        yes_no(f.lawsuit_risk),
        yes_no(f.promise_unkept),
        yes_no(f.needs_other_departments),
        yes_no(f.company_fault),
    );
    let customer = c
        .customer
        .clone()
        .or_else(|| c.person_name.clone())
        .unwrap_or_default();
    let phone = c
        .phone
        .as_deref()
        .map(|p| disclosure.phone(p))
        .unwrap_or_default();
    let mut rows = vec![
        two("投诉编号", c.no.clone(), "登记编号", c.intake_no.clone()),
        two(
            "受理时间",
            local(Some(&c.received_at)),
            "受理渠道",
            c.channel.label().into(),
        ),
        two("房号", opt(&c.unit), "客户", customer),
        two("联系电话", phone, "登记类型", c.intake_kind.label().into()),
        two(
            "投诉性质",
            c.identification.label().into(),
            "认定依据",
            opt(&c.identification_basis),
        ),
        two(
            "投诉类别",
            c.category.clone(),
            "投诉等级",
            c.grade.label().into(),
        ),
        line("定级依据", opt(&c.grade_reason)),
        two(
            "被投诉部门",
            opt(&c.about_department),
            "被投诉人员",
            opt(&c.about_person),
        ),
        two(
            "责任部门",
            opt(&c.responsible_department),
            "责任人",
            opt(&c.responsible_staff),
        ),
        line("相关事实", facts),
        line("投诉内容", c.content.clone()).min_height(40.0),
        line("客户要求", opt(&c.request)),
        two(
            "当前状态",
            c.status.label().into(),
            "重新处理次数",
            c.reopen_count.to_string(),
        ),
        two(
            "结案时间",
            local(c.closed_at.as_deref()),
            "客户满意度",
            c.satisfaction
                .map(|s| s.label().to_string())
                .unwrap_or_default(),
        ),
        line("处理结果", opt(&c.close_result)).min_height(30.0),
        line(
            "案例库",
            if c.case_library {
                format!("已收入　{}", opt(&c.case_note))
            } else {
                "未收入".into()
            },
        ),
    ];
    if let Some(r) = &c.void_reason {
        rows.push(line("作废原因", r.clone()));
    }
    rows.push(two(
        "登记人",
        created_by.to_string(),
        "最后修改",
        format!("{updated_by} {}", local(Some(&c.updated_at))),
    ));
    for row in &rows {
        flow.row(&grid, row);
    }
}

fn history(flow: &mut Flow, d: &ComplaintDetail) {
    let width = A4.width - 2.0 * MARGIN;
    let size = 8.5;
    let header = |cols: &[&str]| Row::new(cols.iter().map(|c| Cell::label(*c)).collect());
    let values = |cols: Vec<String>| Row::new(cols.into_iter().map(Cell::value).collect());

    flow.heading("一、联系与处理记录", 11.0, 60.0);
    let grid = Grid::proportional(MARGIN, width, &[1.5, 0.9, 0.8, 1.2, 3.6, 1.0], size);
    if d.attempts.is_empty() {
        none(flow, size, "联系记录");
    } else {
        let rows = d.attempts.iter().map(|a| {
            values(vec![
                local(Some(&a.at)),
                a.staff.clone(),
                a.method.label().into(),
                opt(&a.contact),
                a.said.clone(),
                a.result.label().into(),
            ])
        });
        flow.table(
            &grid,
            header(&["时间", "人员", "方式", "联系对象", "沟通内容", "结果"]),
            rows,
            &mut |_: u64| {},
        );
    }

    flow.heading("二、协调单", 11.0, 60.0);
    let grid = Grid::proportional(
        MARGIN,
        width,
        &[1.6, 1.0, 0.8, 0.8, 0.6, 1.4, 1.4, 2.4],
        size,
    );
    if d.slips.is_empty() {
        none(flow, size, "协调单");
    } else {
        let rows = d.slips.iter().map(|s| {
            values(vec![
                s.no.clone(),
                s.department.clone(),
                opt(&s.responsible_staff),
                s.status.label().into(),
                s.print_count.to_string(),
                local(s.handed_at.as_deref()),
                local(s.returned_at.as_deref()),
                opt(&s.handling_result),
            ])
        });
        flow.table(
            &grid,
            header(&[
                "编号",
                "责任部门",
                "责任人",
                "状态",
                "打印",
                "送达时间",
                "回收时间",
                "处理结果",
            ]),
            rows,
            &mut |_: u64| {},
        );
    }

    flow.heading("三、回访", 11.0, 60.0);
    let grid = Grid::proportional(MARGIN, width, &[1.4, 0.8, 0.9, 1.4, 0.9, 3.0], size);
    if d.followups.is_empty() {
        none(flow, size, "回访");
    } else {
        let rows = d.followups.iter().map(|f| {
            let calls = f
                .calls
                .iter()
                .map(|c| {
                    format!(
                        "{} {} {}{}",
                        local(Some(&c.at)),
                        c.staff,
                        c.result.label(),
                        c.note
                            .as_deref()
                            .map(|n| format!("：{n}"))
                            .unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            values(vec![
                local(Some(&f.due_at)),
                f.status.label().into(),
                f.result.map(|r| r.label().to_string()).unwrap_or_default(),
                local(f.done_at.as_deref()),
                opt(&f.done_by),
                if calls.is_empty() {
                    opt(&f.cancel_reason)
                } else {
                    calls
                },
            ])
        });
        flow.table(
            &grid,
            header(&[
                "应回访时间",
                "状态",
                "结果",
                "完成时间",
                "回访人",
                "通话记录",
            ]),
            rows,
            &mut |_: u64| {},
        );
    }

    flow.heading("四、处理经过", 11.0, 60.0);
    let grid = Grid::proportional(MARGIN, width, &[1.4, 0.9, 1.0, 4.5], size);
    let rows = d.events.iter().map(|e| {
        values(vec![
            local(Some(&e.at)),
            e.actor.clone(),
            event_kind(&e.kind).into(),
            event_text(e),
        ])
    });
    flow.table(
        &grid,
        header(&["时间", "操作人", "事项", "内容"]),
        rows,
        &mut |_: u64| {},
    );
}

/// “（无…）” where a section has nothing to list.
fn none(flow: &mut Flow, size: f32, what: &str) {
    let y = flow.y;
    flow.page()
        .text(MARGIN, y, 0.0, &format!("（无{what}）"), Style::new(size));
    flow.gap(size * 1.6);
}

/// The Chinese name of an event kind.
fn event_kind(kind: &str) -> &str {
    match kind {
        "status" => "状态变更",
        "grade" => "等级变更",
        "acknowledged" => "已受理",
        "case_library" => "案例库",
        "deadline" => "时限",
        "escalated" | "escalation" => "升级上报",
        "reopened" => "重新处理",
        "slip" => "协调单",
        "followup" => "回访",
        "issue_linked" => "关联群诉",
        "issue_unlinked" => "取消关联",
        "issue_member_left" => "群诉变动",
        other => other,
    }
}

/// A value as a clerk reads it: vocabulary codes become their Chinese labels.
fn plain(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::Bool(b) => yes_no(*b).into(),
        Value::String(s) => ComplaintStatus::from_text(s)
            .map(|x| x.label())
            .or_else(|| Grade::from_text(s).map(|x| x.label()))
            .or_else(|| SlipStatus::from_text(s).map(|x| x.label()))
            .or_else(|| FollowupStatus::from_text(s).map(|x| x.label()))
            .or_else(|| Satisfaction::from_text(s).map(|x| x.label()))
            .or_else(|| FollowupResult::from_text(s).map(|x| x.label()))
            .map_or_else(|| s.clone(), str::to_string),
        Value::Array(a) => a.iter().map(plain).collect::<Vec<_>>().join("；"),
        other => other.to_string(),
    }
}

/// What an event says, in words.
fn event_text(e: &Event) -> String {
    let get = |k: &str| e.data.get(k).filter(|v| !v.is_null());
    let mut parts = Vec::new();
    if let (Some(from), Some(to)) = (e.data.get("from"), get("to")) {
        parts.push(format!("{} → {}", plain(from), plain(to)));
    }
    if let Some(r) = get("reason") {
        parts.push(format!("原因：{}", plain(r)));
    }
    if let Value::Object(map) = &e.data {
        for (k, v) in map {
            if matches!(k.as_str(), "from" | "to" | "reason" | "reasons") || v.is_null() {
                continue;
            }
            parts.push(format!("{}：{}", field_label(k), plain(v)));
        }
    }
    parts.join("；")
}

fn field_label(key: &str) -> &str {
    match key {
        "note" => "备注",
        "on" => "收入",
        "manual" => "人工调整",
        "reopen_count" => "重新处理次数",
        "paused" => "暂停",
        "kind" => "类型",
        "to_role" => "上报至",
        "context" => "触发",
        "result" => "处理结果",
        "satisfaction" => "满意度",
        "policy_version" => "政策版本",
        "escalation_id" => "升级单",
        "issue_id" => "群诉",
        "complaint" => "相关投诉",
        "households" => "现计户数",
        "slip" | "slip_no" => "协调单",
        other => other,
    }
}

/// 五、附件: each live attachment with its name, kind, size and who added it when; a photo (JPEG,
/// PNG) also as a picture of at most [`THUMB_W`] × [`THUMB_H`] points.
fn attached(flow: &mut Flow, conn: &Connection, complaint_id: &str) -> Result<()> {
    const THUMB_W: f32 = 110.0;
    const THUMB_H: f32 = 82.0;
    let list = attachments::list(conn, AttachmentSubject::Complaint, complaint_id, false)?;
    flow.heading("五、附件", 11.0, 40.0);
    if list.is_empty() {
        none(flow, 8.5, "附件");
        return Ok(());
    }
    let face = Face::get()?;
    let store = files::store_of(conn);
    for a in &list {
        let shown = store
            .as_deref()
            .filter(|_| a.media_type.shows_as_picture())
            .and_then(|s| files::read(s, &a.sha256, a.media_type, &a.file_name).ok())
            .and_then(|bytes| picture(a.media_type, &bytes));
        let text_x = if shown.is_some() {
            MARGIN + THUMB_W + 10.0
        } else {
            MARGIN
        };
        let text_w = A4.width - MARGIN - text_x;
        let height = if shown.is_some() { THUMB_H + 8.0 } else { 40.0 };
        flow.need(height);
        let y = flow.y;
        if let Some(p) = &shown {
            let scale = (THUMB_W / p.width as f32).min(THUMB_H / p.height as f32);
            let (w, h) = (p.width as f32 * scale, p.height as f32 * scale);
            flow.picture(p, MARGIN, y, w, h);
        }
        let lines = [
            (
                face.clip(&a.file_name, text_w, 9.5, 1),
                Style::new(9.5).bold(),
            ),
            (
                format!(
                    "{}，{}　{} 添加于 {}",
                    a.media_type.label(),
                    attachments::size_text(a.size_bytes),
                    a.added_by,
                    local(Some(&a.created_at))
                ),
                Style::new(8.5),
            ),
            (
                face.clip(a.note.as_deref().unwrap_or(""), text_w, 8.5, 1),
                Style::new(8.5).colour(GREY),
            ),
        ];
        let page = flow.page();
        let mut line_y = y;
        for (text, style) in lines {
            page.text(text_x, line_y, 0.0, &text, style);
            line_y += style.size * 1.5;
        }
        flow.y = y + height;
    }
    Ok(())
}
