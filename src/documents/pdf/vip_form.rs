//! The 《VIP客户登记表》 of one customer, on A4, as the desk prints it when a card is issued or the
//! customer's file is reviewed (seed 002…, VIP客户管理办法 第二十条、第二十四条: each VIP customer has
//! a file of personal particulars and service information; the office helps the customer fill in
//! the form truthfully). What the register already knows is printed; the particulars only the
//! customer can give (工作单位, 职务, 生日, 家庭成员, 特别需求) are ruled lines to fill in by hand,
//! followed by the card history, the service record of the customer's unit and the signatures.
//!
//! Invariants: phones and the 证件号 follow the caller's [`Disclosure`] (masked unless a
//! supervisor's unmask was granted and audited); a long record continues on further pages under
//! the same header.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::layout::{Cell, Flow, Grid, Page, Row, A4, MARGIN};
use super::{local, numbered, opt, save, Written};
use crate::customers;
use crate::documents::disclosure::Disclosure;
use crate::error::Result;
use crate::estate;
use crate::intake;

/// How many of the unit's cases the service record lists, newest first.
const SERVICE_LINES: usize = 12;

/// Writes the VIP form of the customer `customer` (id or VIP card number) to `out`.
pub fn vip_form(
    conn: &Connection,
    customer: &str,
    disclosure: Disclosure,
    now: DateTime<Utc>,
    out: &Path,
) -> Result<Written> {
    let file = customers::show(conn, customer, now)?;
    let c = &file.customer;
    let estate = estate::estate(conn, &c.estate_id)?;
    let card = file
        .vip_cards
        .iter()
        .find(|k| Some(&k.card_no) == c.vip_card_no.as_ref())
        .or(file.vip_cards.last());
    let title = format!("{}VIP客户登记表", estate.name);
    let card_no = card.map(|k| k.card_no.clone()).unwrap_or_default();
    let card_line = format!(
        "VIP卡号：{}",
        if card_no.is_empty() {
            "（未发卡）"
        } else {
            &card_no
        }
    );
    let header = Box::new(|page: &mut Page| page.form_title(&title, &card_line));
    let mut flow = Flow::new(&format!("VIP客户登记表 {}", c.name), A4, 34.0, header)?;
    let width = A4.width - 2.0 * MARGIN;
    let grid = Grid::proportional(MARGIN, width, &[1.0, 2.0, 1.0, 2.0], 10.0);
    let pair = |a: &str, b: String| [Cell::label(a), Cell::value(b)];
    let two = |a: &str, b: String, x: &str, y: String| Row::new([pair(a, b), pair(x, y)].concat());
    let wide = |a: &str, b: String, min: f32| {
        Row::new(vec![Cell::label(a), Cell::value(b).span(3)]).min_height(min)
    };
    let phone = |p: &Option<String>| {
        p.as_deref()
            .map(|p| disclosure.phone(p))
            .unwrap_or_default()
    };
    let expires = card
        .map(|k| {
            if file.vip_expired && Some(&k.card_no) == c.vip_card_no.as_ref() {
                format!("{}（已过期，待复核换卡）", k.expires_on)
            } else {
                k.expires_on.clone()
            }
        })
        .unwrap_or_default();
    let cards: Vec<String> = file
        .vip_cards
        .iter()
        .map(|k| {
            let mut line = format!(
                "{}　{}　{} 至 {}　{}",
                k.card_no,
                k.level_label,
                k.issued_on,
                k.expires_on,
                k.status.label()
            );
            if k.reissue_count > 0 {
                line.push_str(&format!("　补办{}次", k.reissue_count));
            }
            if let Some(r) = &k.revoke_reason {
                line.push_str(&format!("　取消原因：{r}"));
            }
            line
        })
        .collect();
    let cases = intake::lookup(conn, &c.estate_id, &c.unit, now)?;
    let mut service: Vec<_> = cases.open_cases.iter().chain(&cases.past_cases).collect();
    service.sort_by(|a, b| b.at.cmp(&a.at));
    let service: Vec<String> = service
        .into_iter()
        .take(SERVICE_LINES)
        .map(|l| {
            let kind = if l.kind == "complaint" {
                "投诉"
            } else {
                "报修"
            };
            format!(
                "{}　{kind} {}　{}　{}　{}",
                local(Some(&l.at)),
                l.no,
                l.category,
                l.summary,
                l.status
            )
        })
        .collect();
    let known = [
        two("姓名", c.name.clone(), "身份", c.relation.label().into()),
        two("房号", c.unit.clone(), "客户等级", c.tier.label().into()),
        two("联系电话", phone(&c.phone), "备用电话", phone(&c.phone2)),
        two(
            "证件号",
            c.id_number
                .as_deref()
                .map(|n| disclosure.id_number(n))
                .unwrap_or_default(),
            "家庭类型",
            opt(&c.family_segment),
        ),
        two(
            "VIP级别",
            card.map(|k| k.level_label.clone()).unwrap_or_default(),
            "客户助理",
            opt(&c.vip_assistant),
        ),
        two(
            "发卡日期",
            card.map(|k| k.issued_on.clone()).unwrap_or_default(),
            "有效期至",
            expires,
        ),
        wide("定级原因", opt(&c.tier_reason), 24.0),
    ];
    for row in &known {
        flow.row(&grid, row);
    }
    flow.heading("以下由客户如实填写", 11.0, 120.0);
    let blank = [
        two("工作单位", String::new(), "职务", String::new()).min_height(26.0),
        two("出生日期", String::new(), "兴趣爱好", String::new()).min_height(26.0),
        wide("家庭成员", String::new(), 40.0),
        wide("特别需求（联系方式、时间等）", String::new(), 40.0),
    ];
    for row in &blank {
        flow.row(&grid, row);
    }
    flow.heading("卡片与服务记录", 11.0, 80.0);
    let records = [
        wide("VIP卡记录", numbered(&cards), 30.0),
        wide("服务记录", numbered(&service), 60.0),
        wide("备注", opt(&c.note), 24.0),
        two("客户签名", String::new(), "客户助理签名", String::new()).min_height(30.0),
        two("填表日期", String::new(), "管理处（盖章）", String::new()).min_height(30.0),
    ];
    for row in &records {
        flow.row(&grid, row);
    }
    let footer = format!(
        "VIP客户档案由客户助理集中管理和维护；本表含客户个人资料，注意保密。打印：{}",
        local(Some(&crate::time::to_db(now)))
    );
    save(out, flow.finish(&footer, now)?)
}
