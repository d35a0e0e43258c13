//! The 派工单 / 维修单 in three parts on one A4 sheet (一式三联: 客服存根 / 维修联 / 业主联), cut
//! apart along dashed lines: the order, the times of each step, the work done, the fee lines and a
//! sign-off block that differs per part.
//!
//! Invariants: each part fits its third of the page: long texts are cut with “…” (the full text
//! is in the system and in the complaint record). Every print is recorded with the order
//! ([`crate::repairs::print`], in the same transaction); a reprint carries a red “补打” mark on
//! each part and names the repairer the order is with now.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::layout::{Align, Cell, Face, Flow, Grid, Page, Row, Style, A4, GREY, MARGIN, RED};
use super::{local, opt, save, staff_name, yes_no, yuan, Written};
use crate::documents::disclosure::Disclosure;
use crate::error::Result;
use crate::estate;
use crate::repairs::{self, RepairOrder};
use crate::store::Write;

const PARTS: [(&str, &str); 3] = [
    ("第一联", "客服存根"),
    ("第二联", "维修联"),
    ("第三联", "业主联"),
];

/// Prints the three-part repair order `order` (id or number) to `out`: records the print (the
/// first the original, later ones 补打) and writes the PDF, in the caller's transaction.
pub fn print_repair_order(
    w: &mut Write,
    order: &str,
    disclosure: Disclosure,
    out: &Path,
) -> Result<Written> {
    let printed = repairs::print(w, order)?;
    draw(
        &w.tx,
        &printed.order,
        printed.reprint,
        disclosure,
        w.now,
        out,
    )
}

fn draw(
    conn: &Connection,
    order: &RepairOrder,
    reprint: bool,
    disclosure: Disclosure,
    now: DateTime<Utc>,
    out: &Path,
) -> Result<Written> {
    let estate = estate::estate(conn, &order.estate_id)?;
    let title = format!("{}派工单（维修单）", estate.name);
    let mut flow = Flow::new(
        &format!("{title} {}", order.no),
        A4,
        24.0,
        Box::new(|_: &mut Page| MARGIN),
    )?;
    let names = Names {
        dispatched_by: staff_name(conn, order.dispatched_by.as_deref())?,
        finance: staff_name(conn, order.finance_confirmed_by.as_deref())?,
    };
    let part_h = (A4.height - 24.0) / 3.0;
    for (i, part) in PARTS.iter().enumerate() {
        let top = i as f32 * part_h;
        draw_part(flow.page(), top, &title, *part, order, &names, disclosure)?;
        if reprint {
            page_reprint_mark(flow.page(), top);
        }
        if i > 0 {
            cut_line(flow.page(), top);
        }
    }
    let footer = format!("打印：{}", local(Some(&crate::time::to_db(now))));
    save(out, flow.finish(&footer, now)?)
}

/// The red “补打” box beside the part's label.
fn page_reprint_mark(page: &mut Page, top: f32) {
    page.stroke_rect(MARGIN + 102.0, top + 14.0, 34.0, 17.0, 1.2, RED);
    page.text(
        MARGIN + 102.0,
        top + 17.0,
        34.0,
        "补打",
        Style::new(10.0).bold().colour(RED).align(Align::Center),
    );
}

fn cut_line(page: &mut Page, y: f32) {
    page.line((8.0, y), (page.width - 8.0, y), 0.6, &[4.0, 3.0]);
    let w = 70.0;
    let x = (page.width - w) / 2.0;
    page.fill_rect(x, y - 5.0, w, 10.0, super::layout::Colour(1.0, 1.0, 1.0));
    page.text(
        x,
        y - 4.0,
        w,
        "沿虚线裁开",
        Style::new(7.0).colour(GREY).align(Align::Center),
    );
}

/// Names of the staff the order refers to by id.
struct Names {
    dispatched_by: String,
    finance: String,
}

fn draw_part(
    page: &mut Page,
    top: f32,
    title: &str,
    (part_no, part): (&str, &str),
    o: &RepairOrder,
    names: &Names,
    disclosure: Disclosure,
) -> Result<()> {
    let face = Face::get()?;
    let width = page.width - 2.0 * MARGIN;
    let size = 9.0;
    page.text(
        MARGIN,
        top + 14.0,
        width,
        title,
        Style::new(14.0).bold().align(Align::Center),
    );
    page.stroke_rect(MARGIN, top + 14.0, 96.0, 17.0, 0.8, super::layout::BLACK);
    page.text(
        MARGIN,
        top + 17.5,
        96.0,
        &format!("{part_no}　{part}"),
        Style::new(9.5).bold().align(Align::Center),
    );
    let module = 0.8;
    let bars: f32 = super::code128::modules(&o.no)
        .iter()
        .map(|m| f32::from(*m))
        .sum::<f32>()
        * module;
    let bx = page.width - MARGIN - bars;
    page.barcode(bx, top + 10.0, module, 16.0, &o.no);
    page.text(
        bx,
        top + 27.0,
        bars,
        &o.no,
        Style::new(7.0).align(Align::Center),
    );

    let grid = Grid::proportional(MARGIN, width, &[1.0, 1.8, 1.0, 1.8, 1.0, 1.8], size);
    let pair = |a: &str, b: String| [Cell::label(a), Cell::value(b)];
    let wide = |cols: usize| grid.widths[1..1 + cols].iter().sum::<f32>() - 8.0;
    let reporter = o
        .customer_name
        .clone()
        .or_else(|| o.reporter_name.clone())
        .unwrap_or_default();
    let phone = o
        .phone
        .as_deref()
        .map(|p| disclosure.phone(p))
        .unwrap_or_default();
    let mut urgency = o.urgency.label().to_string();
    if o.safety_related {
        urgency.push_str("·安全");
    }
    if o.leak_related {
        urgency.push_str("·漏水");
    }
    let fee = if o.paid {
        let item = match (&o.price_item_name, o.quantity) {
            (Some(name), Some(q)) => format!("{name} × {q}；"),
            (Some(name), None) => format!("{name}；"),
            _ => String::new(),
        };
        format!(
            "有偿　{item}人工费 {}{}　材料费 {}　合计 {}",
            yuan(o.labour_fen),
            if o.labour_off_list {
                "（价目表外）"
            } else {
                ""
            },
            yuan(o.material_fen),
            yuan(o.total_fen)
        )
    } else {
        "无偿".to_string()
    };
    let owner_materials = match o.owner_materials {
        Some(m) => format!(
            "{}{}",
            m.label(),
            o.owner_materials_note
                .as_deref()
                .map(|n| format!("（{n}）"))
                .unwrap_or_default()
        ),
        None => "无".into(),
    };
    let sign_off = match part {
        "客服存根" => vec![
            Cell::label("派工人"),
            Cell::value(names.dispatched_by.clone()),
            Cell::label("接单人签收"),
            Cell::value(""),
            Cell::label("回访人"),
            Cell::value(""),
        ],
        "维修联" => vec![
            Cell::label("维修工签名"),
            Cell::value(""),
            Cell::label("业主验收签名"),
            Cell::value(if o.owner_signed { "已签认" } else { "" }),
            Cell::label("财务确认"),
            Cell::value(names.finance.clone()),
        ],
        _ => vec![
            Cell::label("业主意见"),
            Cell::value(opt(&o.owner_comment)).span(3),
            Cell::label("业主签名"),
            Cell::value(""),
        ],
    };
    let rows = [
        Row::new(
            [
                pair("报修时间", local(Some(&o.reported_at))),
                pair("预约时间", local(o.appointment_at.as_deref())),
                pair("维修类别", o.kind.label().into()),
            ]
            .concat(),
        ),
        Row::new(
            [
                pair("报修人", reporter),
                pair("房号", opt(&o.unit)),
                pair("联系电话", phone),
            ]
            .concat(),
        ),
        Row::new(
            [
                pair("紧急程度", urgency),
                pair("维修地点", opt(&o.location)),
                pair("维修工", opt(&o.repairer)),
            ]
            .concat(),
        ),
        Row::new(vec![
            Cell::label("报修内容"),
            Cell::value(face.clip(&o.content, wide(5), size, 2)).span(5),
        ]),
        Row::new(
            [
                pair("派工时间", local(o.dispatched_at.as_deref())),
                pair("接单时间", local(o.accepted_at.as_deref())),
                pair("到场时间", local(o.arrived_at.as_deref())),
            ]
            .concat(),
        ),
        Row::new(
            [
                pair("完工时间", local(o.finished_at.as_deref())),
                pair("自备材料", owner_materials),
                pair("业主已签认", yes_no(o.owner_signed).into()),
            ]
            .concat(),
        ),
        Row::new(vec![
            Cell::label("完成情况"),
            Cell::value(face.clip(&opt(&o.work_done), wide(3), size, 2)).span(3),
            Cell::label("使用材料"),
            Cell::value(face.clip(&opt(&o.materials), wide(1), size, 2)),
        ]),
        Row::new(vec![Cell::label("收费"), Cell::value(fee).span(5)]),
        Row::new(sign_off).min_height(34.0),
    ];
    let mut y = top + 38.0;
    for row in rows
        .iter()
        .map(|r| r.clone().min_height(r.min_height.max(21.0)))
    {
        y += grid.place(page, y, &row);
    }
    if part == "业主联" {
        page.text(
            MARGIN,
            y + 3.0,
            width,
            "维修守则：约时不误，工完料清，客户签收，合理收费。对维修服务或收费有疑问，请致电客户服务中心。",
            Style::new(7.0).colour(GREY),
        );
    }
    Ok(())
}
