//! The 协调单 as the desk prints it: 《{estate}协调单》 with its number as text and as a Code 128
//! barcode, the matter reported, who must answer by when, and boxes for the handling result, the
//! owner's signature and the 回访. A5 landscape or A4 as the estate's policy says.
//!
//! Invariants: a long report continues on further pages under the same header (title, number,
//! barcode, “续页”); a reprint carries a red “补打” mark; the grade printed is the complaint's
//! grade, never the customer's tier.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::layout::{
    Align, Cell, Flow, Grid, Page, Rendered, Row, Style, A4, A5_LANDSCAPE, MARGIN, RED,
};
use super::{local, opt};
use crate::complaints;
use crate::documents::disclosure::Disclosure;
use crate::error::Result;
use crate::intake;
use crate::policy::{self, SlipPaper};
use crate::slips::Slip;

pub(super) fn render(
    conn: &Connection,
    slip: &Slip,
    reprint: bool,
    disclosure: Disclosure,
    now: DateTime<Utc>,
) -> Result<Rendered> {
    let paper = match policy::current(conn, &slip.estate_id)?
        .policy
        .documents
        .slip_paper
    {
        SlipPaper::A5Landscape => A5_LANDSCAPE,
        SlipPaper::A4 => A4,
    };
    let grade = match &slip.complaint_id {
        Some(id) => complaints::load(conn, id)?.grade.label().to_string(),
        None => "未立案".to_string(),
    };
    let registered = intake::get(conn, &slip.intake_id)?.received_at;
    let title = format!("《{}》", slip.title);
    let mut first = true;
    let header = Box::new(|page: &mut Page| {
        let y = header(page, slip, &title, reprint, first, &registered);
        first = false;
        y
    });
    let mut flow = Flow::new(&format!("{} {}", slip.title, slip.no), paper, 34.0, header)?;
    let width = paper.width - 2.0 * MARGIN;
    let grid = Grid::proportional(MARGIN, width, &[1.0, 1.7, 1.0, 1.7, 1.0, 1.7], 10.0);
    let phone = slip
        .phone
        .as_deref()
        .map(|p| disclosure.phone(p))
        .unwrap_or_default();
    let pair = |a: &str, b: String| [Cell::label(a), Cell::value(b)];
    let rows = [
        Row::new(
            [
                pair("房号", opt(&slip.unit)),
                pair("业主", opt(&slip.customer)),
                pair("联系电话", phone),
            ]
            .concat(),
        ),
        Row::new(
            [
                pair("投诉等级", grade),
                pair("责任部门", slip.department.clone()),
                pair("责任人", opt(&slip.responsible_staff)),
            ]
            .concat(),
        ),
        Row::new(
            [
                pair("登记单号", slip.intake_no.clone()),
                pair("投诉单号", opt(&slip.complaint_no)),
                pair("答复期限", local(slip.deadline_at.as_deref())),
            ]
            .concat(),
        ),
        Row::new(vec![
            Cell::label("反映问题"),
            Cell::value(slip.content.clone()).span(5),
        ])
        .min_height(86.0),
        Row::new(vec![
            Cell::label("处理结果"),
            Cell::value(opt(&slip.handling_result)).span(5),
        ])
        .min_height(52.0),
        Row::new(vec![
            Cell::label("业主签名"),
            Cell::value(""),
            Cell::label("签名日期"),
            Cell::value("　　　年　　月　　日"),
            Cell::label("责任人签名"),
            Cell::value(""),
        ])
        .min_height(26.0),
        Row::new(vec![
            Cell::label("回访记录"),
            Cell::value(
                "回访时间：　　　　　　　　回访人：　　　　　　　　\
                 结果：□满意　□基本满意　□不满意\n业主意见：",
            )
            .span(5),
        ])
        .min_height(40.0),
    ];
    for row in &rows {
        flow.row(&grid, row);
    }
    let footer = format!(
        "开单：{} {}　打印：{}{}",
        slip.created_by,
        local(Some(&slip.created_at)),
        local(Some(&crate::time::to_db(now))),
        if reprint { "（补打）" } else { "" }
    );
    flow.finish(&footer, now)
}

/// Title, number, barcode and registration time; returns where the form starts.
fn header(
    page: &mut Page,
    slip: &Slip,
    title: &str,
    reprint: bool,
    first: bool,
    registered: &str,
) -> f32 {
    let width = page.width - 2.0 * MARGIN;
    page.text(
        MARGIN,
        24.0,
        width,
        title,
        Style::new(18.0).bold().align(Align::Center),
    );
    // Barcode top right, the number under it (what the scanner types, for people to read).
    let module = 0.9;
    let bars = super::code128::modules(&slip.no)
        .iter()
        .map(|m| f32::from(*m))
        .sum::<f32>()
        * module;
    let bx = page.width - MARGIN - bars;
    page.barcode(bx, 16.0, module, 24.0, &slip.no);
    page.text(
        bx,
        42.0,
        bars,
        &slip.no,
        Style::new(8.0).align(Align::Center),
    );
    if reprint {
        page.stroke_rect(MARGIN, 18.0, 40.0, 22.0, 1.4, RED);
        page.text(
            MARGIN,
            22.0,
            40.0,
            "补打",
            Style::new(13.0).bold().colour(RED).align(Align::Center),
        );
    }
    let info = format!(
        "编号：{}　　登记时间：{}{}",
        slip.no,
        local(Some(registered)),
        if first { "" } else { "　　（续页）" }
    );
    page.text(MARGIN, 58.0, 0.0, &info, Style::new(9.5));
    74.0
}
