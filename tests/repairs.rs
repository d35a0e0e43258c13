//! Repair work orders and the paid-service price list: every step, fee rule, bad input and state.

use chrono::Duration;
use frontdesk::estate::{self, StaffInput};
use frontdesk::intake::{self, IntakeInput};
use frontdesk::repairs::{
    self, AgreementInput, DispatchInput, FeeApproval, FinishInput, PriceItemInput, RepairFilter,
    RepairInput, RepairOrder, SignOffInput, StepInput,
};
use frontdesk::vocab::RepairStatus;
use frontdesk::{time, Actor, Write};

use crate::common::*;

/// A report of a leak in 3-2-1201.
pub fn leak() -> RepairInput {
    RepairInput {
        unit: Some("3-2-1201".into()),
        reporter_name: Some("张伟".into()),
        phone: Some("13800138000".into()),
        kind: Some("房屋".into()),
        content: Some("卫生间漏水，楼下天花板渗水".into()),
        ..Default::default()
    }
}

pub fn free_finish() -> FinishInput {
    FinishInput {
        work_done: Some("更换卫生间地漏密封圈，试水无渗漏".into()),
        materials: Some("密封圈 1 个".into()),
        ..Default::default()
    }
}

/// Paid at list price: item P01 (¥35/次) twice.
fn listed_finish() -> FinishInput {
    FinishInput {
        work_done: Some("更换水龙头两个".into()),
        paid: true,
        price_item: Some("P01".into()),
        quantity: Some("2".into()),
        ..Default::default()
    }
}

/// A desk with price item P01 更换水龙头 ¥35/个.
pub fn setup() -> Desk {
    let mut d = desk();
    let (sup, eid) = (d.supervisor.clone(), d.estate.id.clone());
    d.store
        .write(&sup, |w| {
            repairs::add_price_item(
                w,
                &eid,
                &PriceItemInput {
                    code: Some("P01".into()),
                    name: Some("更换水龙头".into()),
                    unit: Some("个".into()),
                    price: Some("35".into()),
                    note: None,
                },
            )
        })
        .unwrap();
    d
}

/// Creates an order as the clerk.
fn report(d: &mut Desk, input: &RepairInput) -> RepairOrder {
    let (clerk, eid) = (d.clerk.clone(), d.estate.id.clone());
    d.store
        .write(&clerk, |w| repairs::create(w, &eid, input))
        .unwrap()
}

/// Advances the clock by `minutes`, then runs one step as `actor`.
pub fn step(
    d: &mut Desk,
    actor: &Actor,
    minutes: i64,
    f: impl FnOnce(&mut Write) -> frontdesk::Result<RepairOrder>,
) -> RepairOrder {
    d.clock.advance(Duration::minutes(minutes));
    d.store.write(actor, f).unwrap()
}

pub fn now_step() -> StepInput {
    StepInput::default()
}

fn to_sun() -> DispatchInput {
    DispatchInput {
        repairer: Some("sun".into()),
        at: None,
    }
}

pub fn signed() -> SignOffInput {
    SignOffInput {
        owner_signed: true,
        owner_comment: Some("满意".into()),
        at: None,
    }
}

/// Drives order `id` from `reported` through dispatch, 接单 and arrival (10 min apart).
fn to_arrived(d: &mut Desk, id: &str) -> RepairOrder {
    let clerk = d.clerk.clone();
    let sun = d.repairer.clone();
    step(d, &clerk, 10, |w| repairs::dispatch(w, id, &to_sun()));
    step(d, &sun, 2, |w| repairs::accept(w, id, &now_step()));
    step(d, &sun, 10, |w| repairs::arrive(w, id, &now_step()))
}

/// Creates the leak report and drives it to arrival, then finishes it with `fin`.
pub fn finished(d: &mut Desk, fin: &FinishInput) -> RepairOrder {
    finished_report(d, &leak(), fin)
}

/// Creates an order from `input`, drives it to arrival, then finishes it with `fin`.
fn finished_report(d: &mut Desk, input: &RepairInput, fin: &FinishInput) -> RepairOrder {
    let o = report(d, input);
    to_arrived(d, &o.id);
    let sun = d.repairer.clone();
    step(d, &sun, 40, |w| repairs::finish(w, &o.id, fin))
}

/// A project manager (管理处经理), logged in.
pub fn manager(d: &mut Desk) -> Actor {
    let (sup, eid) = (d.supervisor.clone(), d.estate.id.clone());
    d.store
        .write(&sup, |w| {
            estate::add_staff(
                w,
                &eid,
                &StaffInput {
                    login: Some("zhou".into()),
                    name: Some("周经理".into()),
                    role: Some("项目经理".into()),
                    department: Some("客服中心".into()),
                    phone: None,
                    password: Some(PASSWORD.into()),
                },
            )
        })
        .unwrap();
    frontdesk::auth::login(&mut d.store, "zhou", PASSWORD).unwrap()
}

/// A customer row (the customer register is another module's; the order only links to it).
fn customer(d: &mut Desk, name: &str, unit: &str, phone: &str, tier: &str) -> String {
    let sup = d.supervisor.clone();
    let eid = d.estate.id.clone();
    let unit_id = estate::find_unit(d.store.conn(), &eid, unit)
        .unwrap()
        .unwrap()
        .id;
    d.store
        .write(&sup, |w| {
            let id = w.new_id();
            w.tx.execute(
                "INSERT INTO customers(id, estate_id, unit_id, name, phone, tier, created_at,
                     created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'system', ?7, 'system')",
                rusqlite::params![id, eid, unit_id, name, phone, tier, w.now_db],
            )?;
            Ok(id)
        })
        .unwrap()
}

/// Runs an operation that must be refused (`state` or `denied`) with a Chinese message containing
/// `needle`, leaving the database exactly as before.
#[track_caller]
fn assert_refused<T: std::fmt::Debug>(
    d: &mut Desk,
    actor: &Actor,
    code: &str,
    needle: &str,
    op: impl FnOnce(&mut Write) -> frontdesk::Result<T>,
) {
    let before = snapshot(&d.store);
    match d.store.write(actor, op) {
        Err(e) => {
            assert_eq!(e.code(), code, "wrong kind of error: {e}");
            assert!(e.to_string().contains(needle), "{e:?} lacks {needle:?}");
        }
        Ok(v) => panic!("expected {code} error, got {v:?}"),
    }
    assert_eq!(
        before,
        snapshot(&d.store),
        "a refused operation changed the database"
    );
}

fn status_events(d: &Desk, id: &str) -> Vec<serde_json::Value> {
    repairs::get(d.store.conn(), id)
        .unwrap()
        .events
        .into_iter()
        .filter(|e| e.kind == "status")
        .map(|e| e.data)
        .collect()
}

fn audit_actions(d: &Desk, entity: &str, id: &str) -> Vec<String> {
    d.store
        .conn()
        .prepare("SELECT action FROM audit_log WHERE entity = ?1 AND entity_id = ?2 ORDER BY seq")
        .unwrap()
        .query_map([entity, id], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// Price list
// ---------------------------------------------------------------------------------------------

#[test]
fn price_list_add_update_void_is_audited() {
    let mut d = setup();
    let (sup, eid) = (d.supervisor.clone(), d.estate.id.clone());
    let p01 = repairs::find_price_item(d.store.conn(), &eid, "P01")
        .unwrap()
        .unwrap();
    assert_eq!((p01.price_fen, p01.unit.as_str()), (3500, "个"));
    let upd = d
        .store
        .write(&sup, |w| {
            repairs::update_price_item(
                w,
                &eid,
                "P01",
                &PriceItemInput {
                    price: Some("¥38.50".into()),
                    note: Some("含辅料".into()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    assert_eq!(upd.price_fen, 3850);
    assert_eq!(upd.name, "更换水龙头", "fields left out keep their value");
    assert_eq!(upd.note.as_deref(), Some("含辅料"));
    let defaulted = d
        .store
        .write(&sup, |w| {
            repairs::add_price_item(
                w,
                &eid,
                &PriceItemInput {
                    code: Some("P02".into()),
                    name: Some("疏通下水管道".into()),
                    price: Some("50".into()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    assert_eq!(defaulted.unit, "次");
    let voided = d
        .store
        .write(&sup, |w| {
            repairs::void_price_item(w, &eid, "P01", Some("停止提供"))
        })
        .unwrap();
    assert!(voided.voided);
    let live = repairs::price_list(d.store.conn(), &eid, false).unwrap();
    assert_eq!(
        live.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(),
        ["P02"]
    );
    assert_eq!(
        repairs::price_list(d.store.conn(), &eid, true)
            .unwrap()
            .len(),
        2
    );
    // The code of a voided item may be used again.
    d.store
        .write(&sup, |w| {
            repairs::add_price_item(
                w,
                &eid,
                &PriceItemInput {
                    code: Some("P01".into()),
                    name: Some("更换感应龙头".into()),
                    price: Some("120".into()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    assert_eq!(
        audit_actions(&d, "price_item", &p01.id),
        ["insert", "update", "void"]
    );
    assert_rejected(&mut d.store, &sup, "reason", "必填", |w| {
        repairs::void_price_item(w, &eid, "P02", Some("  "))
    });
}

#[test]
fn price_list_is_for_supervisors_only() {
    let mut d = setup();
    let (clerk, sun, eid) = (d.clerk.clone(), d.repairer.clone(), d.estate.id.clone());
    let input = PriceItemInput {
        code: Some("P09".into()),
        name: Some("换灯泡".into()),
        price: Some("5".into()),
        ..Default::default()
    };
    assert_refused(&mut d, &clerk, "denied", "无权", |w| {
        repairs::add_price_item(w, &eid, &input)
    });
    assert_refused(&mut d, &sun, "denied", "无权", |w| {
        repairs::update_price_item(w, &eid, "P01", &input)
    });
    assert_refused(&mut d, &clerk, "denied", "无权", |w| {
        repairs::void_price_item(w, &eid, "P01", Some("x"))
    });
}

#[test]
fn price_item_input_is_checked_field_by_field() {
    let mut d = setup();
    let (sup, eid) = (d.supervisor.clone(), d.estate.id.clone());
    let base = PriceItemInput {
        code: Some("P10".into()),
        name: Some("更换门锁".into()),
        unit: Some("把".into()),
        price: Some("80".into()),
        note: None,
    };
    #[rustfmt::skip]
    let cases: Vec<(PriceItemInput, &str, &str)> = vec![
        (PriceItemInput { code: None, ..base.clone() }, "code", "必填"),
        (PriceItemInput { code: Some("P01".into()), ..base.clone() }, "code", "已被其他收费项目使用"),
        (PriceItemInput { name: Some(" ".into()), ..base.clone() }, "name", "必填"),
        (PriceItemInput { name: Some("锁".repeat(51)), ..base.clone() }, "name", "过长"),
        (PriceItemInput { name: Some("门锁\u{1b}".into()), ..base.clone() }, "name", "控制字符"),
        (PriceItemInput { unit: Some("把".repeat(11)), ..base.clone() }, "unit", "过长"),
        (PriceItemInput { price: None, ..base.clone() }, "price", "必填"),
        (PriceItemInput { price: Some("-5".into()), ..base.clone() }, "price", "不是有效金额"),
        (PriceItemInput { price: Some("八十".into()), ..base.clone() }, "price", "不是有效金额"),
        (PriceItemInput { price: Some("1.234".into()), ..base.clone() }, "price", "不是有效金额"),
        (PriceItemInput { price: Some("2000000".into()), ..base.clone() }, "price", "过大"),
        (PriceItemInput { note: Some("备".repeat(501)), ..base.clone() }, "note", "过长"),
    ];
    for (input, field, needle) in cases {
        let eid = eid.clone();
        assert_rejected(&mut d.store, &sup, field, needle, move |w| {
            repairs::add_price_item(w, &eid, &input)
        });
    }
    // Update: renaming onto another live code, blanking a required field, an unknown item.
    d.store
        .write(&sup, |w| repairs::add_price_item(w, &eid, &base))
        .unwrap();
    assert_rejected(
        &mut d.store,
        &sup,
        "code",
        "已被其他收费项目使用",
        |w| {
            repairs::update_price_item(
                w,
                &eid,
                "P10",
                &PriceItemInput {
                    code: Some("P01".into()),
                    ..Default::default()
                },
            )
        },
    );
    assert_rejected(&mut d.store, &sup, "name", "必填", |w| {
        repairs::update_price_item(
            w,
            &eid,
            "P10",
            &PriceItemInput {
                name: Some(String::new()),
                ..Default::default()
            },
        )
    });
    assert_refused(&mut d, &sup, "not_found", "收费项目", |w| {
        repairs::update_price_item(w, &eid, "P99", &PriceItemInput::default())
    });
}

// ---------------------------------------------------------------------------------------------
// Lifecycles
// ---------------------------------------------------------------------------------------------

#[test]
fn free_repair_runs_from_report_to_closed_at_sign_off() {
    let mut d = setup();
    let clerk = d.clerk.clone();
    let o = report(&mut d, &leak());
    assert_eq!(o.no, "LH-WX2026-0001");
    assert_eq!(o.status, RepairStatus::Reported);
    assert_eq!(o.unit.as_deref(), Some("3-2-1201"));
    assert_eq!(o.reported_at, time::to_db(t0()));
    let arrived = to_arrived(&mut d, &o.id);
    assert_eq!(arrived.repairer.as_deref(), Some("孙师傅"));
    assert_eq!(
        arrived.dispatched_by.as_deref(),
        Some(clerk.staff_id.as_str())
    );
    let sun = d.repairer.clone();
    let fin = step(&mut d, &sun, 40, |w| {
        repairs::finish(w, &o.id, &free_finish())
    });
    assert_eq!(fin.status, RepairStatus::Finished);
    assert_eq!((fin.paid, fin.total_fen), (false, 0));
    let closed = step(&mut d, &clerk, 5, |w| {
        repairs::sign_off(w, &o.id, &signed())
    });
    assert_eq!(
        closed.status,
        RepairStatus::Closed,
        "free orders need no finance step"
    );
    assert!(closed.owner_signed);
    assert_eq!(closed.closed_at, closed.signed_off_at);
    assert_eq!(closed.finance_confirmed_at, None);

    let detail = repairs::get(d.store.conn(), &o.no).unwrap();
    assert_eq!(
        detail.response_minutes,
        Some(12),
        "dispatch 09:10 → arrival 09:22"
    );
    assert_eq!(
        detail.completion_hours,
        Some(1.03),
        "report 09:00 → finish 10:02"
    );
    assert_eq!(detail.fee_approval, FeeApproval::NotNeeded);
    assert!(detail.fee_settled);
    let moves: Vec<(serde_json::Value, serde_json::Value)> = status_events(&d, &o.id)
        .into_iter()
        .map(|e| (e["from"].clone(), e["to"].clone()))
        .collect();
    let j = |s: &str| serde_json::json!(s);
    assert_eq!(
        moves,
        [
            (serde_json::Value::Null, j("reported")),
            (j("reported"), j("dispatched")),
            (j("dispatched"), j("accepted")),
            (j("accepted"), j("arrived")),
            (j("arrived"), j("finished")),
            (j("finished"), j("signed_off")),
            (j("signed_off"), j("closed")),
        ]
    );
    // Every change is in the audit log: the insert and one update per step.
    assert_eq!(
        audit_actions(&d, "repair", &o.id),
        ["insert", "update", "update", "update", "update", "update"]
    );
    assert!(d.store.verify().unwrap().ok());
}

#[test]
fn paid_at_list_price_needs_only_finance_to_close() {
    let mut d = setup();
    let (clerk, sup) = (d.clerk.clone(), d.supervisor.clone());
    let o = finished(&mut d, &listed_finish());
    assert_eq!(o.labour_fen, 7000, "¥35 × 2");
    assert_eq!((o.quantity, o.labour_off_list), (Some(2.0), false));
    assert_eq!(o.price_item_code.as_deref(), Some("P01"));
    assert_eq!(
        repairs::get(d.store.conn(), &o.id).unwrap().fee_approval,
        FeeApproval::NotNeeded
    );
    assert_refused(&mut d, &sup, "state", "无需确认费用", |w| {
        repairs::confirm_fee(w, &o.id)
    });
    let s = step(&mut d, &clerk, 5, |w| {
        repairs::sign_off(w, &o.id, &signed())
    });
    assert_eq!(
        s.status,
        RepairStatus::SignedOff,
        "paid orders wait for finance"
    );
    assert_refused(&mut d, &clerk, "denied", "无权", |w| {
        repairs::finance_confirm(w, &o.id, &now_step())
    });
    // The policy names who confirms: here the front desk takes the money.
    let eid = d.estate.id.clone();
    let mut p = frontdesk::policy::current(d.store.conn(), &eid)
        .unwrap()
        .policy;
    p.repair.finance_roles = vec![frontdesk::vocab::Role::Receptionist];
    d.store
        .write(&sup, |w| {
            frontdesk::policy::save(w, &eid, &p, Some("前台收费"))
        })
        .unwrap();
    assert_refused(&mut d, &sup, "denied", "无权", |w| {
        repairs::finance_confirm(w, &o.id, &now_step())
    });
    let c = step(&mut d, &clerk, 60, |w| {
        repairs::finance_confirm(w, &o.id, &now_step())
    });
    assert_eq!(c.status, RepairStatus::Closed);
    assert_eq!(
        c.finance_confirmed_by.as_deref(),
        Some(clerk.staff_id.as_str())
    );
    assert_eq!(c.closed_at, c.finance_confirmed_at);
    // A later change of the list price does not touch the order.
    d.store
        .write(&sup, |w| {
            repairs::update_price_item(
                w,
                &eid,
                "P01",
                &PriceItemInput {
                    price: Some("99".into()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    assert_eq!(
        repairs::order(d.store.conn(), &o.id).unwrap().labour_fen,
        7000
    );
}

#[test]
fn fractional_quantity_rounds_to_the_fen() {
    let mut d = setup();
    let o = finished(
        &mut d,
        &FinishInput {
            quantity: Some("１.５".into()),
            ..listed_finish()
        },
    );
    assert_eq!(o.labour_fen, 5250);
}

#[test]
fn off_list_labour_is_confirmed_by_a_supervisor_before_finance() {
    let mut d = setup();
    let (clerk, sup, sun) = (d.clerk.clone(), d.supervisor.clone(), d.repairer.clone());
    let o = finished(
        &mut d,
        &FinishInput {
            work_done: Some("更换热水器温控阀".into()),
            paid: true,
            labour_fee: Some("80".into()),
            ..Default::default()
        },
    );
    assert!(o.labour_off_list);
    let detail = repairs::get(d.store.conn(), &o.id).unwrap();
    assert_eq!(
        (detail.fee_approval, detail.fee_settled),
        (FeeApproval::Supervisor, false)
    );
    step(&mut d, &clerk, 5, |w| {
        repairs::sign_off(w, &o.id, &signed())
    });
    assert_refused(&mut d, &sup, "state", "费用尚未确认", |w| {
        repairs::finance_confirm(w, &o.id, &now_step())
    });
    for wrong in [&clerk, &sun] {
        assert_refused(&mut d, wrong, "denied", "无权确认维修费用", |w| {
            repairs::confirm_fee(w, &o.id)
        });
    }
    let c = step(&mut d, &sup, 5, |w| repairs::confirm_fee(w, &o.id));
    assert_eq!(c.fee_confirmed_by.as_deref(), Some(sup.staff_id.as_str()));
    assert!(repairs::get(d.store.conn(), &o.id).unwrap().fee_settled);
    assert_refused(&mut d, &sup, "state", "已于", |w| {
        repairs::confirm_fee(w, &o.id)
    });
    let closed = step(&mut d, &sup, 5, |w| {
        repairs::finance_confirm(w, &o.id, &now_step())
    });
    assert_eq!(closed.status, RepairStatus::Closed);
}

#[test]
fn material_up_to_the_limit_is_confirmed_by_a_supervisor() {
    let mut d = setup();
    let (sup, sun) = (d.supervisor.clone(), d.repairer.clone());
    // Exactly ¥100 is still the supervisor's.
    let o = finished(
        &mut d,
        &FinishInput {
            material_cost: Some("100.00".into()),
            ..listed_finish()
        },
    );
    assert_eq!((o.material_fen, o.total_fen), (10000, 17000));
    assert_eq!(
        repairs::get(d.store.conn(), &o.id).unwrap().fee_approval,
        FeeApproval::Supervisor
    );
    assert_refused(&mut d, &sun, "denied", "无权", |w| {
        repairs::confirm_fee(w, &o.id)
    });
    let c = step(&mut d, &sup, 5, |w| repairs::confirm_fee(w, &o.id));
    assert!(c.fee_confirmed_at.is_some());
    assert!(!c.owner_agreement, "no agreement needed up to the limit");
}

#[test]
fn material_above_the_limit_needs_the_owners_agreement_and_a_manager() {
    let mut d = setup();
    let (clerk, sup) = (d.clerk.clone(), d.supervisor.clone());
    let zhou = manager(&mut d);
    let o = finished(
        &mut d,
        &FinishInput {
            work_done: Some("更换整套马桶水箱配件".into()),
            paid: true,
            labour_fee: Some("60".into()),
            material_cost: Some("100.01".into()),
            ..Default::default()
        },
    );
    assert_eq!(
        repairs::get(d.store.conn(), &o.id).unwrap().fee_approval,
        FeeApproval::Manager
    );
    assert_refused(&mut d, &sup, "denied", "管理处经理", |w| {
        repairs::confirm_fee(w, &o.id)
    });
    assert_refused(
        &mut d,
        &zhou,
        "state",
        "须先登记与业主签订的协议",
        |w| repairs::confirm_fee(w, &o.id),
    );
    let a = step(&mut d, &clerk, 5, |w| {
        repairs::record_owner_agreement(
            w,
            &o.id,
            &AgreementInput {
                note: Some("协议 XY-001".into()),
                at: None,
            },
        )
    });
    assert!(a.owner_agreement);
    assert_refused(&mut d, &clerk, "state", "已登记业主协议", |w| {
        repairs::record_owner_agreement(w, &o.id, &AgreementInput::default())
    });
    let c = step(&mut d, &zhou, 5, |w| repairs::confirm_fee(w, &o.id));
    assert_eq!(c.fee_confirmed_by.as_deref(), Some(zhou.staff_id.as_str()));
    step(&mut d, &clerk, 5, |w| {
        repairs::sign_off(w, &o.id, &signed())
    });
    let closed = step(&mut d, &sup, 5, |w| {
        repairs::finance_confirm(w, &o.id, &now_step())
    });
    assert_eq!(closed.status, RepairStatus::Closed);
    let kinds: Vec<String> = repairs::get(d.store.conn(), &o.id)
        .unwrap()
        .events
        .into_iter()
        .map(|e| e.kind)
        .filter(|k| k != "status")
        .collect();
    assert_eq!(kinds, ["owner_agreement", "fee_confirmed"]);
}

#[test]
fn the_material_limit_comes_from_the_policy() {
    let mut d = setup();
    let (sup, eid) = (d.supervisor.clone(), d.estate.id.clone());
    let mut p = frontdesk::policy::current(d.store.conn(), &eid)
        .unwrap()
        .policy;
    p.repair.material_supervisor_limit_fen = 50_00;
    d.store
        .write(&sup, |w| frontdesk::policy::save(w, &eid, &p, None))
        .unwrap();
    let o = finished(
        &mut d,
        &FinishInput {
            material_cost: Some("60".into()),
            ..listed_finish()
        },
    );
    assert_eq!(
        repairs::get(d.store.conn(), &o.id).unwrap().fee_approval,
        FeeApproval::Manager
    );
    assert_refused(&mut d, &sup, "denied", "¥50.00", |w| {
        repairs::confirm_fee(w, &o.id)
    });
}

#[test]
fn unsigned_sign_off_needs_a_reason_and_follow_up_is_due_by_kind() {
    let mut d = setup();
    let clerk = d.clerk.clone();
    let o = finished(&mut d, &free_finish());
    assert_rejected(&mut d.store, &clerk, "owner_comment", "未签字", |w| {
        repairs::sign_off(w, &o.id, &SignOffInput::default())
    });
    for (safety, leak_, hours) in [
        (false, false, 7 * 24),
        (true, false, 48),
        (false, true, 72),
        (true, true, 48),
    ] {
        let input = RepairInput {
            safety_related: safety,
            leak_related: leak_,
            ..leak()
        };
        let o = finished_report(&mut d, &input, &free_finish());
        let s = step(&mut d, &clerk, 1, |w| {
            repairs::sign_off(
                w,
                &o.id,
                &SignOffInput {
                    owner_signed: false,
                    owner_comment: Some("业主出差，电话确认已修好".into()),
                    at: None,
                },
            )
        });
        let ev = status_events(&d, &o.id)
            .into_iter()
            .find(|e| e["to"] == "signed_off")
            .unwrap();
        let signed_at = time::from_db(s.signed_off_at.as_deref().unwrap()).unwrap();
        assert_eq!(
            ev["followup_due_at"],
            time::to_db(signed_at + Duration::hours(hours)),
            "safety {safety} leak {leak_}"
        );
        assert!(!s.owner_signed);
    }
}

#[test]
fn safety_and_leak_flags_are_stored_from_the_report() {
    let mut d = setup();
    let o = report(
        &mut d,
        &RepairInput {
            safety_related: true,
            leak_related: true,
            urgency: Some("紧急".into()),
            ..leak()
        },
    );
    assert!(o.safety_related && o.leak_related);
    assert_eq!(o.urgency.label(), "紧急");
}

// ---------------------------------------------------------------------------------------------
// States and times
// ---------------------------------------------------------------------------------------------

/// An order brought to `status`: finished with an off-list fee (so it has a fee to confirm),
/// signed off at list price (free orders close at sign-off), closed free.
fn order_in(d: &mut Desk, status: RepairStatus) -> RepairOrder {
    use RepairStatus::*;
    let (clerk, sup) = (d.clerk.clone(), d.supervisor.clone());
    let o = report(d, &leak());
    let id = o.id.clone();
    if status == Reported {
        return o;
    }
    if status == Voided {
        return step(d, &sup, 1, |w| repairs::void(w, &id, Some("重复登记")));
    }
    let sun = d.repairer.clone();
    let mut o = step(d, &clerk, 1, |w| repairs::dispatch(w, &id, &to_sun()));
    if status == Dispatched {
        return o;
    }
    o = step(d, &sun, 1, |w| repairs::accept(w, &id, &now_step()));
    if status == Accepted {
        return o;
    }
    o = step(d, &sun, 1, |w| repairs::arrive(w, &id, &now_step()));
    if status == Arrived {
        return o;
    }
    let fin = match status {
        Finished => FinishInput {
            paid: true,
            labour_fee: Some("80".into()),
            ..free_finish()
        },
        SignedOff => listed_finish(),
        _ => free_finish(),
    };
    o = step(d, &sun, 1, |w| repairs::finish(w, &id, &fin));
    if status == Finished {
        return o;
    }
    o = step(d, &clerk, 1, |w| repairs::sign_off(w, &id, &signed()));
    assert_eq!(o.status, status);
    o
}

type Op = fn(&mut Write, &str) -> frontdesk::Result<()>;

#[test]
fn each_step_is_refused_in_every_other_state() {
    use RepairStatus::*;
    let mut d = setup();
    let sup = d.supervisor.clone();
    let all = [
        Reported, Dispatched, Accepted, Arrived, Finished, SignedOff, Closed, Voided,
    ];
    let orders: Vec<RepairOrder> = all.iter().map(|s| order_in(&mut d, *s)).collect();
    d.clock.advance(Duration::minutes(5));
    let ops: Vec<(&str, &[RepairStatus], Op)> = vec![
        ("派工", &[Reported], |w, id| {
            repairs::dispatch(w, id, &to_sun()).map(drop)
        }),
        ("接单", &[Dispatched], |w, id| {
            repairs::accept(w, id, &now_step()).map(drop)
        }),
        ("登记到场", &[Accepted], |w, id| {
            repairs::arrive(w, id, &now_step()).map(drop)
        }),
        ("登记完工", &[Arrived], |w, id| {
            repairs::finish(w, id, &free_finish()).map(drop)
        }),
        ("登记业主协议", &[Finished, SignedOff], |w, id| {
            repairs::record_owner_agreement(w, id, &AgreementInput::default()).map(drop)
        }),
        ("确认费用", &[Finished, SignedOff], |w, id| {
            repairs::confirm_fee(w, id).map(drop)
        }),
        ("业主签认", &[Finished], |w, id| {
            repairs::sign_off(w, id, &signed()).map(drop)
        }),
        ("财务确认", &[SignedOff], |w, id| {
            repairs::finance_confirm(w, id, &now_step()).map(drop)
        }),
        (
            "作废",
            &[Reported, Dispatched, Accepted, Arrived, Finished],
            |w, id| repairs::void(w, id, Some("测试")).map(drop),
        ),
        ("返修", &[SignedOff, Closed], |w, id| {
            repairs::rework(w, id, "业主不满意").map(drop)
        }),
    ];
    let mut refused = 0;
    for (doing, allowed, op) in &ops {
        for o in orders.iter().filter(|o| !allowed.contains(&o.status)) {
            let needle = format!("当前状态为“{}”，不能{doing}", o.status.label());
            assert_refused(&mut d, &sup, "state", &needle, |w| op(w, &o.id));
            refused += 1;
        }
    }
    assert_eq!(
        refused,
        8 * ops.len() - ops.iter().map(|o| o.1.len()).sum::<usize>()
    );
    // The allowed ones go through, each on a fresh order in that state; the one exception is the
    // fee rule: an order charged at list price has no fee to confirm.
    for (doing, allowed, op) in &ops {
        for s in allowed.iter() {
            let o = order_in(&mut d, *s);
            d.clock.advance(Duration::minutes(1));
            match d.store.write(&sup, |w| op(w, &o.id)) {
                Ok(()) => {}
                Err(e) if *doing == "确认费用" && *s == SignedOff => {
                    assert!(e.to_string().contains("无需确认费用"), "{e}")
                }
                Err(e) => panic!("{doing} in {s:?}: {e}"),
            }
        }
    }
}

#[test]
fn step_times_are_never_in_the_future_nor_before_the_previous_step() {
    let mut d = setup();
    let (clerk, sun) = (d.clerk.clone(), d.repairer.clone());
    let o = report(
        &mut d,
        &RepairInput {
            reported_at: Some("2026-11-23 08:30".into()),
            ..leak()
        },
    );
    d.clock.advance(Duration::minutes(90)); // now 10:30
    let at = |s: &str| DispatchInput {
        repairer: Some("sun".into()),
        at: Some(s.into()),
    };
    assert_rejected(
        &mut d.store,
        &clerk,
        "at",
        "早于报修时间（2026-11-23 08:30）",
        |w| repairs::dispatch(w, &o.id, &at("2026-11-23 08:29")),
    );
    assert_rejected(&mut d.store, &clerk, "at", "晚于当前时间", |w| {
        repairs::dispatch(w, &o.id, &at("2026-11-23 10:31"))
    });
    assert_rejected(&mut d.store, &clerk, "at", "格式不正确", |w| {
        repairs::dispatch(w, &o.id, &at("十点零五"))
    });
    let dsp = d
        .store
        .write(&clerk, |w| {
            repairs::dispatch(w, &o.id, &at("2026-11-23 09:50"))
        })
        .unwrap();
    assert_eq!(
        dsp.dispatched_at.as_deref(),
        Some("2026-11-23T01:50:00.000Z")
    );
    let typed = |s: &str| StepInput { at: Some(s.into()) };
    assert_rejected(&mut d.store, &sun, "at", "早于派工时间", |w| {
        repairs::accept(w, &o.id, &typed("2026-11-23 09:49"))
    });
    d.store
        .write(&sun, |w| {
            repairs::accept(w, &o.id, &typed("2026-11-23 09:52"))
        })
        .unwrap();
    let arr = d
        .store
        .write(&sun, |w| {
            repairs::arrive(w, &o.id, &typed("2026-11-23T10:05:00+08:00"))
        })
        .unwrap();
    assert_eq!(arr.arrived_at.as_deref(), Some("2026-11-23T02:05:00.000Z"));
    assert_rejected(&mut d.store, &sun, "at", "早于到场时间", |w| {
        repairs::finish(
            w,
            &o.id,
            &FinishInput {
                at: Some("2026-11-23 10:00".into()),
                ..free_finish()
            },
        )
    });
    let fin = d
        .store
        .write(&sun, |w| {
            repairs::finish(
                w,
                &o.id,
                &FinishInput {
                    at: Some("2026-11-23 10:20".into()),
                    ..free_finish()
                },
            )
        })
        .unwrap();
    let detail = repairs::get(d.store.conn(), &fin.id).unwrap();
    assert_eq!(detail.response_minutes, Some(15));
    assert_eq!(detail.completion_hours, Some(1.83));
    assert_rejected(&mut d.store, &clerk, "at", "早于完工时间", |w| {
        repairs::sign_off(
            w,
            &o.id,
            &SignOffInput {
                at: Some("2026-11-23 10:19".into()),
                ..signed()
            },
        )
    });
}

#[test]
fn a_time_typed_within_the_previous_steps_minute_counts_as_that_step() {
    let mut d = setup();
    let (clerk, sun) = (d.clerk.clone(), d.repairer.clone());
    let o = report(&mut d, &leak());
    d.clock.advance(Duration::seconds(90)); // 09:01:30
    let dsp = d
        .store
        .write(&clerk, |w| repairs::dispatch(w, &o.id, &to_sun()))
        .unwrap();
    d.clock.advance(Duration::minutes(3));
    let acc = d
        .store
        .write(&sun, |w| {
            repairs::accept(
                w,
                &o.id,
                &StepInput {
                    at: Some("2026-11-23 09:01".into()),
                },
            )
        })
        .unwrap();
    assert_eq!(acc.accepted_at, dsp.dispatched_at);
}

// ---------------------------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------------------------

#[test]
fn report_input_is_checked_field_by_field() {
    let mut d = setup();
    let (clerk, eid) = (d.clerk.clone(), d.estate.id.clone());
    let public = RepairInput {
        unit: None,
        kind: Some("公共设施".into()),
        scale: Some("小修".into()),
        location: Some("3号楼电梯厅".into()),
        content: Some("电梯厅灯不亮".into()),
        ..Default::default()
    };
    #[rustfmt::skip]
    let cases: Vec<(RepairInput, &str, &str)> = vec![
        (RepairInput { kind: None, ..leak() }, "kind", "必填"),
        (RepairInput { kind: Some("装修".into()), ..leak() }, "kind", "不是有效的维修类别"),
        (RepairInput { scale: None, ..public.clone() }, "scale", "公共设施报修须填写维修规模"),
        (RepairInput { scale: Some("小修".into()), ..leak() }, "scale", "只有公共设施"),
        (RepairInput { scale: Some("特大修".into()), ..public.clone() }, "scale", "不是有效的维修规模"),
        (RepairInput { urgency: Some("很急".into()), ..leak() }, "urgency", "不是有效的紧急程度"),
        (RepairInput { phone: Some("12345".into()), ..leak() }, "phone", "不是有效的电话号码"),
        (RepairInput { phone: Some("138-0013-800O".into()), ..leak() }, "phone", "非数字"),
        (RepairInput { unit: Some("9-9-999".into()), ..leak() }, "unit", "不在本小区的房屋档案中"),
        (RepairInput { unit: Some("三栋一单元".into()), ..leak() }, "unit", "格式不正确"),
        (RepairInput { unit: None, ..leak() }, "unit", "房屋报修须填写房号"),
        (RepairInput { location: None, ..public.clone() }, "location", "没有房号时须填写维修地点"),
        (RepairInput { customer_id: Some("nobody".into()), ..leak() }, "customer_id", "未找到客户"),
        (RepairInput { intake: Some("LH-DJ2026-999999".into()), ..leak() }, "intake", "未找到登记"),
        (RepairInput { reporter_name: Some("张".repeat(31)), ..leak() }, "reporter_name", "过长"),
        (RepairInput { reporter_name: Some("张\u{0}伟".into()), ..leak() }, "reporter_name", "控制字符"),
        (RepairInput { content: None, ..leak() }, "content", "必填"),
        (RepairInput { content: Some(" \n ".into()), ..leak() }, "content", "必填"),
        (RepairInput { content: Some("漏".repeat(5001)), ..leak() }, "content", "过长"),
        (RepairInput { content: Some("漏水\u{7}".into()), ..leak() }, "content", "控制字符"),
        (RepairInput { location: Some("地下\r室".into()), ..public.clone() }, "location", "控制字符"),
        (RepairInput { location: Some("库".repeat(101)), ..public.clone() }, "location", "过长"),
        (RepairInput { appointment_at: Some("2026-11-21 09:00".into()), ..leak() }, "appointment_at", "已过去一天以上"),
        (RepairInput { appointment_at: Some("明天上午".into()), ..leak() }, "appointment_at", "格式不正确"),
        (RepairInput { reported_at: Some("2026-11-23 09:01".into()), ..leak() }, "reported_at", "不能晚于当前时间"),
    ];
    for (input, field, needle) in cases {
        let eid = eid.clone();
        assert_rejected(&mut d.store, &clerk, field, needle, move |w| {
            repairs::create(w, &eid, &input)
        });
    }
    // Valid neighbours of the cases above.
    let p = report(&mut d, &public);
    assert_eq!((p.unit, p.scale.map(|s| s.label())), (None, Some("小修")));
    let appt = report(
        &mut d,
        &RepairInput {
            appointment_at: Some("2026-11-22 10:00".into()),
            ..leak()
        },
    );
    assert_eq!(
        appt.appointment_at.as_deref(),
        Some("2026-11-22T02:00:00.000Z")
    );
}

#[test]
fn dispatch_needs_a_known_active_repairer() {
    let mut d = setup();
    let (clerk, sup, eid) = (d.clerk.clone(), d.supervisor.clone(), d.estate.id.clone());
    let o = report(&mut d, &leak());
    let to = |r: Option<&str>| DispatchInput {
        repairer: r.map(String::from),
        at: None,
    };
    for (who, needle) in [
        (None, "必填"),
        (Some("nobody"), "未知员工"),
        (Some("li"), "岗位是前台接待员，只能派给维修工"),
        (Some("王主管"), "只能派给维修工"),
    ] {
        assert_rejected(&mut d.store, &clerk, "repairer", needle, |w| {
            repairs::dispatch(w, &o.id, &to(who))
        });
    }
    d.store
        .write(&sup, |w| {
            estate::add_staff(
                w,
                &eid,
                &StaffInput {
                    login: Some("wu".into()),
                    name: Some("吴师傅".into()),
                    role: Some("维修工".into()),
                    department: Some("工程维修部".into()),
                    phone: None,
                    password: Some(PASSWORD.into()),
                },
            )?;
            estate::void_staff(w, "wu", Some("离职"))
        })
        .unwrap();
    assert_rejected(&mut d.store, &clerk, "repairer", "已停用", |w| {
        repairs::dispatch(w, &o.id, &to(Some("wu")))
    });
    let ok = d
        .store
        .write(&clerk, |w| repairs::dispatch(w, &o.id, &to(Some("孙师傅"))))
        .unwrap();
    assert_eq!(
        ok.repairer_id.as_deref(),
        Some(d.repairer.staff_id.as_str())
    );
}

#[test]
fn finish_input_is_checked_field_by_field() {
    let mut d = setup();
    let (sun, sup, eid) = (
        d.repairer.clone(),
        d.supervisor.clone(),
        d.estate.id.clone(),
    );
    d.store
        .write(&sup, |w| {
            repairs::add_price_item(
                w,
                &eid,
                &PriceItemInput {
                    code: Some("OLD".into()),
                    name: Some("旧项目".into()),
                    price: Some("1".into()),
                    ..Default::default()
                },
            )?;
            repairs::void_price_item(w, &eid, "OLD", Some("停用"))
        })
        .unwrap();
    let o = report(&mut d, &leak());
    to_arrived(&mut d, &o.id);
    let paid = FinishInput {
        paid: true,
        ..free_finish()
    };
    #[rustfmt::skip]
    let cases: Vec<(FinishInput, &str, &str)> = vec![
        (FinishInput { work_done: None, ..free_finish() }, "work_done", "必填"),
        (FinishInput { work_done: Some("修好了\u{1}".into()), ..free_finish() }, "work_done", "控制字符"),
        (FinishInput { work_done: Some("修".repeat(2001)), ..free_finish() }, "work_done", "过长"),
        (FinishInput { materials: Some("料".repeat(1001)), ..free_finish() }, "materials", "过长"),
        (FinishInput { owner_materials: Some("还行".into()), ..free_finish() }, "owner_materials", "不是有效的自备材料检验"),
        (FinishInput { owner_materials: Some("不合格".into()), ..free_finish() }, "owner_materials_note", "须写明如何处理"),
        (FinishInput { labour_fee: Some("-5".into()), ..paid.clone() }, "labour_fee", "不是有效金额"),
        (FinishInput { labour_fee: Some("五十".into()), ..paid.clone() }, "labour_fee", "不是有效金额"),
        (FinishInput { labour_fee: Some("9999999".into()), ..paid.clone() }, "labour_fee", "过大"),
        (FinishInput { material_cost: Some("12.345".into()), ..paid.clone() }, "material_cost", "不是有效金额"),
        (FinishInput { material_cost: Some("-1".into()), ..paid.clone() }, "material_cost", "不是有效金额"),
        (FinishInput { price_item: Some("P99".into()), ..paid.clone() }, "price_item", "不在维修有偿服务收费标准中"),
        (FinishInput { price_item: Some("OLD".into()), ..paid.clone() }, "price_item", "已停用"),
        (FinishInput { labour_fee: Some("20".into()), ..listed_finish() }, "labour_fee", "不能另填"),
        (FinishInput { quantity: Some("0".into()), ..listed_finish() }, "quantity", "大于 0"),
        (FinishInput { quantity: Some("1.234".into()), ..listed_finish() }, "quantity", "最多两位小数"),
        (FinishInput { quantity: Some("-1".into()), ..listed_finish() }, "quantity", "大于 0"),
        (FinishInput { quantity: Some("2".into()), labour_fee: Some("20".into()), ..paid.clone() }, "quantity", "只有选了收费项目"),
        (paid.clone(), "paid", "须选择收费项目"),
        (FinishInput { labour_fee: Some("0".into()), ..paid.clone() }, "paid", "须选择收费项目"),
        (FinishInput { price_item: Some("P01".into()), ..free_finish() }, "price_item", "无偿维修不向业主收费"),
        (FinishInput { labour_fee: Some("20".into()), ..free_finish() }, "labour_fee", "无偿维修"),
        (FinishInput { material_cost: Some("5".into()), ..free_finish() }, "material_cost", "无偿维修"),
        (FinishInput { at: Some("2026-11-24 09:00".into()), ..free_finish() }, "at", "晚于当前时间"),
    ];
    for (input, field, needle) in cases {
        assert_rejected(&mut d.store, &sun, field, needle, |w| {
            repairs::finish(w, &o.id, &input)
        });
    }
    // Unqualified owner's materials are recorded with how they were handled.
    let f = d
        .store
        .write(&sun, |w| {
            repairs::finish(
                w,
                &o.id,
                &FinishInput {
                    owner_materials: Some("不合格".into()),
                    owner_materials_note: Some(
                        "业主自购软管无 3C 标志，已退回，改用物业库存软管".into(),
                    ),
                    ..free_finish()
                },
            )
        })
        .unwrap();
    assert_eq!(f.owner_materials.map(|m| m.label()), Some("不合格"));
    assert!(f.owner_materials_note.unwrap().contains("已退回"));
}

#[test]
fn odd_but_valid_input_is_stored_and_found_exactly() {
    let mut d = setup();
    let eid = d.estate.id.clone();
    let content = "😀 𠮷家厨房'; DROP TABLE repair_orders;-- 水管\"爆裂\"";
    let o = report(
        &mut d,
        &RepairInput {
            content: Some(content.into()),
            reporter_name: Some("𠮷田".into()),
            phone: Some("１３８ ００１３ ８０００".into()),
            unit: Some("３栋２单元１２０１".into()),
            ..leak()
        },
    );
    let again = repairs::order(d.store.conn(), &o.no).unwrap();
    assert_eq!(again.content, content);
    assert_eq!(again.reporter_name.as_deref(), Some("𠮷田"));
    assert_eq!(again.phone.as_deref(), Some("13800138000"));
    assert_eq!(again.unit.as_deref(), Some("3-2-1201"));
    for q in ["𠮷", "DROP TABLE", "爆裂", "13800138000"] {
        let hits = frontdesk::search::search(d.store.conn(), &eid, q, Some("repair"), 10).unwrap();
        assert_eq!(hits.len(), 1, "{q}");
        assert_eq!(hits[0].id, o.id);
    }
}

// ---------------------------------------------------------------------------------------------
// Intake, rework, void, search, lists
// ---------------------------------------------------------------------------------------------

#[test]
fn an_order_created_from_an_intake_takes_its_details() {
    let mut d = setup();
    let (clerk, sup, eid) = (d.clerk.clone(), d.supervisor.clone(), d.estate.id.clone());
    let cid = customer(&mut d, "刘芳", "1-1-102", "13900139000", "C");
    let record = |d: &mut Desk, content: &str| {
        d.store
            .write(&clerk, |w| {
                intake::record(
                    w,
                    &eid,
                    &IntakeInput {
                        received_at: Some("2026-11-23 08:40".into()),
                        channel: Some("来电".into()),
                        kind: Some("报修".into()),
                        unit: Some("1-1-102".into()),
                        person_name: Some("刘芳".into()),
                        phone: Some("139 0013 9000".into()),
                        location: Some("主卧空调".into()),
                        content: Some(content.into()),
                        ..Default::default()
                    },
                )
            })
            .unwrap()
    };
    let i = record(&mut d, "空调外机漏水，滴到楼下阳台");
    assert_eq!(i.customer_id.as_deref(), Some(cid.as_str()));
    let o = report(
        &mut d,
        &RepairInput {
            intake: Some(i.no.clone()),
            kind: Some("特约".into()),
            ..Default::default()
        },
    );
    assert_eq!(o.intake_no.as_deref(), Some(i.no.as_str()));
    assert_eq!(o.unit.as_deref(), Some("1-1-102"));
    assert_eq!(o.customer_id.as_deref(), Some(cid.as_str()));
    assert_eq!(o.customer_name.as_deref(), Some("刘芳"));
    assert_eq!(o.reporter_name.as_deref(), Some("刘芳"));
    assert_eq!(o.phone.as_deref(), Some("13900139000"));
    assert_eq!(o.location.as_deref(), Some("主卧空调"));
    assert_eq!(o.content, "空调外机漏水，滴到楼下阳台");
    assert_eq!(
        o.reported_at, i.received_at,
        "reported when the call came in"
    );
    // Given fields win over the intake's.
    let o2 = report(
        &mut d,
        &RepairInput {
            intake: Some(i.id.clone()),
            kind: Some("房屋".into()),
            content: Some("另：卫生间门锁坏".into()),
            reporter_name: Some("刘先生".into()),
            ..Default::default()
        },
    );
    assert_eq!(
        (o2.content.as_str(), o2.reporter_name.as_deref()),
        ("另：卫生间门锁坏", Some("刘先生"))
    );
    assert_eq!(o2.unit.as_deref(), Some("1-1-102"));
    // The intake can no longer be voided while it has live orders; a voided intake cannot be used.
    let other = record(&mut d, "误登记");
    d.store
        .write(&sup, |w| intake::void(w, &other.id, Some("误登记")))
        .unwrap();
    assert_rejected(&mut d.store, &clerk, "intake", "已作废", |w| {
        repairs::create(
            w,
            &eid,
            &RepairInput {
                intake: Some(other.no.clone()),
                kind: Some("房屋".into()),
                ..Default::default()
            },
        )
    });
    // A customer picked without a unit brings their unit.
    let o3 = report(
        &mut d,
        &RepairInput {
            unit: None,
            customer_id: Some(cid.clone()),
            ..leak()
        },
    );
    assert_eq!(o3.unit.as_deref(), Some("1-1-102"));
}

#[test]
fn rework_after_dissatisfaction_sends_the_order_back_to_its_repairer() {
    let mut d = setup();
    let (clerk, sun) = (d.clerk.clone(), d.repairer.clone());
    let o = finished(&mut d, &free_finish());
    step(&mut d, &clerk, 5, |w| {
        repairs::sign_off(w, &o.id, &signed())
    });
    assert_rejected(&mut d.store, &clerk, "reason", "必填", |w| {
        repairs::rework(w, &o.id, " ")
    });
    d.clock.advance(Duration::days(2));
    d.store
        .write(&clerk, |w| {
            repairs::rework(w, &o.id, "回访不满意：仍有渗水")
        })
        .unwrap();
    let r = repairs::order(d.store.conn(), &o.id).unwrap();
    assert_eq!(r.status, RepairStatus::Dispatched);
    assert_eq!(r.rework_count, 1);
    assert_eq!(r.repairer.as_deref(), Some("孙师傅"));
    assert_eq!(r.dispatched_at, Some(time::to_db(d.store.now())));
    assert_eq!(
        (
            r.accepted_at.as_ref(),
            r.arrived_at.as_ref(),
            r.finished_at.as_ref(),
            r.signed_off_at.as_ref(),
            r.closed_at.as_ref()
        ),
        (None, None, None, None, None)
    );
    assert!(!r.owner_signed);
    let last = status_events(&d, &o.id).pop().unwrap();
    assert_eq!(last["from"], "closed");
    assert_eq!(last["to"], "dispatched");
    assert_eq!(last["reason"], "回访不满意：仍有渗水");
    // The second round runs as the first and closes again.
    step(&mut d, &sun, 5, |w| repairs::accept(w, &o.id, &now_step()));
    step(&mut d, &sun, 20, |w| repairs::arrive(w, &o.id, &now_step()));
    step(&mut d, &sun, 30, |w| {
        repairs::finish(w, &o.id, &free_finish())
    });
    let c = step(&mut d, &clerk, 5, |w| {
        repairs::sign_off(w, &o.id, &signed())
    });
    assert_eq!((c.status, c.rework_count), (RepairStatus::Closed, 1));
    assert_eq!(
        repairs::get(d.store.conn(), &o.id)
            .unwrap()
            .response_minutes,
        Some(25)
    );
}

#[test]
fn rework_goes_to_the_queue_when_the_repairer_has_left_and_keeps_the_fee() {
    let mut d = setup();
    let (clerk, sup, eid) = (d.clerk.clone(), d.supervisor.clone(), d.estate.id.clone());
    let o = finished(
        &mut d,
        &FinishInput {
            labour_fee: Some("80".into()),
            paid: true,
            ..free_finish()
        },
    );
    step(&mut d, &sup, 1, |w| repairs::confirm_fee(w, &o.id));
    step(&mut d, &clerk, 1, |w| {
        repairs::sign_off(w, &o.id, &signed())
    });
    step(&mut d, &sup, 1, |w| {
        repairs::finance_confirm(w, &o.id, &now_step())
    });
    d.store
        .write(&sup, |w| estate::void_staff(w, "sun", Some("离职")))
        .unwrap();
    d.store
        .write(&clerk, |w| repairs::rework(w, &o.id, "仍不制热"))
        .unwrap();
    let r = repairs::order(d.store.conn(), &o.id).unwrap();
    assert_eq!(r.status, RepairStatus::Reported);
    assert_eq!((r.repairer_id, r.dispatched_at), (None, None));
    assert_eq!(
        (r.labour_fen, r.fee_confirmed_by.is_some()),
        (8000, true),
        "the fee stays as charged"
    );
    assert_eq!(r.finance_confirmed_at, None);
    let queue = repairs::to_dispatch(d.store.conn(), &eid, d.store.now()).unwrap();
    assert_eq!(
        queue.iter().map(|q| q.id.as_str()).collect::<Vec<_>>(),
        [o.id.as_str()]
    );
}

#[test]
fn finishing_again_with_another_fee_clears_the_confirmation() {
    let mut d = setup();
    let (clerk, sup, sun) = (d.clerk.clone(), d.supervisor.clone(), d.repairer.clone());
    let o = finished(
        &mut d,
        &FinishInput {
            material_cost: Some("30".into()),
            ..listed_finish()
        },
    );
    step(&mut d, &sup, 1, |w| repairs::confirm_fee(w, &o.id));
    step(&mut d, &clerk, 1, |w| {
        repairs::sign_off(w, &o.id, &signed())
    });
    step(&mut d, &clerk, 1, |w| {
        repairs::rework(w, &o.id, "龙头仍滴水")?;
        repairs::order(&w.tx, &o.id)
    });
    step(&mut d, &sun, 1, |w| repairs::accept(w, &o.id, &now_step()));
    step(&mut d, &sun, 1, |w| repairs::arrive(w, &o.id, &now_step()));
    let same = step(&mut d, &sun, 1, |w| {
        repairs::finish(
            w,
            &o.id,
            &FinishInput {
                material_cost: Some("30".into()),
                ..listed_finish()
            },
        )
    });
    assert!(
        same.fee_confirmed_at.is_some(),
        "same fee: confirmation kept"
    );
    step(&mut d, &clerk, 1, |w| {
        repairs::sign_off(w, &o.id, &signed())
    });
    step(&mut d, &clerk, 1, |w| {
        repairs::rework(w, &o.id, "又坏了")?;
        repairs::order(&w.tx, &o.id)
    });
    step(&mut d, &sun, 1, |w| repairs::accept(w, &o.id, &now_step()));
    step(&mut d, &sun, 1, |w| repairs::arrive(w, &o.id, &now_step()));
    let changed = step(&mut d, &sun, 1, |w| {
        repairs::finish(
            w,
            &o.id,
            &FinishInput {
                material_cost: Some("45".into()),
                ..listed_finish()
            },
        )
    });
    assert_eq!(
        changed.fee_confirmed_at, None,
        "another fee must be confirmed again"
    );
    assert_eq!(changed.rework_count, 2);
}

#[test]
fn void_is_for_supervisors_before_sign_off_and_removes_the_order_from_search() {
    let mut d = setup();
    let (clerk, sup, eid) = (d.clerk.clone(), d.supervisor.clone(), d.estate.id.clone());
    let o = report(&mut d, &leak());
    assert_eq!(
        frontdesk::search::search(d.store.conn(), &eid, "漏水", Some("repair"), 10)
            .unwrap()
            .len(),
        1
    );
    assert_refused(&mut d, &clerk, "denied", "无权作废维修单", |w| {
        repairs::void(w, &o.id, Some("重复"))
    });
    assert_rejected(&mut d.store, &sup, "reason", "必填", |w| {
        repairs::void(w, &o.id, None)
    });
    let v = d
        .store
        .write(&sup, |w| repairs::void(w, &o.id, Some("业主已自行修好")))
        .unwrap();
    assert_eq!(v.status, RepairStatus::Voided);
    assert_eq!(v.void_reason.as_deref(), Some("业主已自行修好"));
    assert!(
        frontdesk::search::search(d.store.conn(), &eid, "漏水", Some("repair"), 10)
            .unwrap()
            .is_empty()
    );
    assert_eq!(audit_actions(&d, "repair", &o.id), ["insert", "void"]);
    assert_refused(&mut d, &sup, "not_found", "维修单", |w| {
        repairs::void(w, "LH-WX2026-9999", Some("x"))
    });
}

#[test]
fn search_finds_an_order_by_two_characters_and_its_number() {
    let mut d = setup();
    let eid = d.estate.id.clone();
    let o = report(&mut d, &leak());
    report(
        &mut d,
        &RepairInput {
            content: Some("入户门锁芯损坏".into()),
            ..leak()
        },
    );
    let hits = frontdesk::search::search(d.store.conn(), &eid, "漏水", None, 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(
        (hits[0].kind.as_str(), hits[0].id.as_str()),
        ("repair", o.id.as_str())
    );
    assert!(hits[0].title.starts_with("LH-WX2026-0001 房屋"));
    assert_eq!(
        frontdesk::search::search(d.store.conn(), &eid, "WX2026-0001", None, 10).unwrap()[0].id,
        o.id
    );
    // The work done becomes searchable when the order is finished.
    to_arrived(&mut d, &o.id);
    let sun = d.repairer.clone();
    step(&mut d, &sun, 5, |w| {
        repairs::finish(w, &o.id, &free_finish())
    });
    assert_eq!(
        frontdesk::search::search(d.store.conn(), &eid, "地漏", None, 10).unwrap()[0].id,
        o.id
    );
}

#[test]
fn the_queue_puts_urgent_then_vip_then_oldest_first_and_lists_filter() {
    let mut d = setup();
    let (clerk, eid) = (d.clerk.clone(), d.estate.id.clone());
    let vip = customer(&mut d, "陈总", "12-101", "13700137000", "A");
    let old = report(&mut d, &leak());
    d.clock.advance(Duration::minutes(5));
    let vip_order = report(
        &mut d,
        &RepairInput {
            unit: Some("12-101".into()),
            customer_id: Some(vip),
            ..leak()
        },
    );
    d.clock.advance(Duration::minutes(5));
    let urgent = report(
        &mut d,
        &RepairInput {
            urgency: Some("urgent".into()),
            ..leak()
        },
    );
    d.clock.advance(Duration::minutes(5));
    let public = report(
        &mut d,
        &RepairInput {
            unit: None,
            kind: Some("public".into()),
            scale: Some("medium".into()),
            location: Some("地库入口".into()),
            ..leak()
        },
    );
    d.clock.advance(Duration::minutes(5));
    let dispatched = report(&mut d, &leak());
    d.store
        .write(&clerk, |w| {
            repairs::dispatch(w, dispatched.id.as_str(), &to_sun())
        })
        .unwrap();
    let ids = |v: Vec<RepairOrder>| v.into_iter().map(|o| o.id).collect::<Vec<_>>();
    assert_eq!(
        ids(repairs::to_dispatch(d.store.conn(), &eid, d.store.now()).unwrap()),
        [
            urgent.id.as_str(),
            vip_order.id.as_str(),
            old.id.as_str(),
            public.id.as_str()
        ]
    );
    let list = |d: &Desk, f: RepairFilter| ids(repairs::list(d.store.conn(), &eid, &f).unwrap());
    assert_eq!(
        list(
            &d,
            RepairFilter {
                status: Some("已派工".into()),
                ..Default::default()
            }
        ),
        [dispatched.id.as_str()]
    );
    assert_eq!(
        list(
            &d,
            RepairFilter {
                kind: Some("公共设施".into()),
                ..Default::default()
            }
        ),
        [public.id.as_str()]
    );
    assert_eq!(
        list(
            &d,
            RepairFilter {
                repairer: Some("sun".into()),
                ..Default::default()
            }
        ),
        [dispatched.id.as_str()]
    );
    assert_eq!(
        list(
            &d,
            RepairFilter {
                limit: Some(2),
                ..Default::default()
            }
        ),
        [dispatched.id.as_str(), public.id.as_str()]
    );
    assert_eq!(
        list(
            &d,
            RepairFilter {
                from: Some("2026-11-23 09:10".into()),
                to: Some("2026-11-23 09:20".into()),
                ..Default::default()
            }
        ),
        [public.id.as_str(), urgent.id.as_str()]
    );
    assert_eq!(
        list(
            &d,
            RepairFilter {
                to: Some("2026-11-23".into()),
                ..Default::default()
            }
        )
        .len(),
        5
    );
    assert!(list(
        &d,
        RepairFilter {
            to: Some("2026-11-22".into()),
            ..Default::default()
        }
    )
    .is_empty());
    let sup = d.supervisor.clone();
    d.store
        .write(&sup, |w| repairs::void(w, old.id.as_str(), Some("重复")))
        .unwrap();
    assert_eq!(
        list(
            &d,
            RepairFilter {
                open_only: true,
                ..Default::default()
            }
        )
        .len(),
        4
    );
    assert_eq!(list(&d, RepairFilter::default()).len(), 5);
    for (f, field, needle) in [
        (
            RepairFilter {
                status: Some("完成".into()),
                ..Default::default()
            },
            "status",
            "不是有效的维修单状态",
        ),
        (
            RepairFilter {
                kind: Some("电梯".into()),
                ..Default::default()
            },
            "kind",
            "不是有效的维修类别",
        ),
        (
            RepairFilter {
                repairer: Some("nobody".into()),
                ..Default::default()
            },
            "repairer",
            "未知员工",
        ),
        (
            RepairFilter {
                from: Some("昨天".into()),
                ..Default::default()
            },
            "from",
            "格式不正确",
        ),
    ] {
        assert_invalid(repairs::list(d.store.conn(), &eid, &f), field, needle);
    }
}

#[test]
fn the_look_up_shows_the_units_repair_orders() {
    let mut d = setup();
    let eid = d.estate.id.clone();
    let o = report(&mut d, &leak());
    let l = intake::lookup(d.store.conn(), &eid, "3栋2单元1201", d.store.now()).unwrap();
    assert_eq!(l.open_cases.len(), 1);
    assert_eq!(
        (
            l.open_cases[0].no.as_str(),
            l.open_cases[0].category.as_str()
        ),
        (o.no.as_str(), "房屋")
    );
}

#[test]
fn only_repairers_are_dispatched_even_by_the_system() {
    // The role check is about the repairer, not the actor (the system actor passes every role check).
    let mut d = setup();
    let o = report(&mut d, &leak());
    let system = Actor::system();
    assert_rejected(
        &mut d.store,
        &system,
        "repairer",
        "只能派给维修工",
        |w| {
            repairs::dispatch(
                w,
                &o.id,
                &DispatchInput {
                    repairer: Some("zhao".into()),
                    at: None,
                },
            )
        },
    );
}

/// 转单 to another repairer and 退单 back to 已报修, each with a reason and an event; the on-site
/// deadline keeps counting from the first dispatch; a reason is required, the same repairer is
/// refused, and an order on site can no longer be moved.
#[test]
fn an_order_moves_to_another_repairer_or_is_handed_back() {
    use frontdesk::repairs::ReassignInput;
    let mut d = setup();
    let (clerk, sup, sun) = (d.clerk.clone(), d.supervisor.clone(), d.repairer.clone());
    let eid = d.estate.id.clone();
    d.store
        .write(&sup, |w| {
            frontdesk::estate::add_staff(
                w,
                &eid,
                &frontdesk::estate::StaffInput {
                    login: Some("qian".into()),
                    name: Some("钱师傅".into()),
                    role: Some("维修工".into()),
                    department: Some("工程维修部".into()),
                    phone: None,
                    password: Some(PASSWORD.into()),
                },
            )
        })
        .unwrap();
    let o = report(&mut d, &leak());
    let first = step(&mut d, &clerk, 5, |w| {
        repairs::dispatch(w, &o.id, &to_sun())
    });
    step(&mut d, &sun, 2, |w| repairs::accept(w, &o.id, &now_step()));
    let move_to = |repairer: Option<&str>, reason: Option<&str>| ReassignInput {
        repairer: repairer.map(str::to_string),
        reason: reason.map(str::to_string),
    };
    assert_refused(&mut d, &clerk, "invalid", "原因", |w| {
        repairs::reassign(w, &o.id, &move_to(Some("qian"), None))
    });
    assert_refused(&mut d, &clerk, "invalid", "已由孙师傅负责", |w| {
        repairs::reassign(w, &o.id, &move_to(Some("sun"), Some("换人")))
    });
    let moved = step(&mut d, &clerk, 3, |w| {
        repairs::reassign(w, &o.id, &move_to(Some("qian"), Some("孙师傅临时请假")))
    });
    assert_eq!(moved.status, RepairStatus::Dispatched);
    assert_eq!(moved.repairer.as_deref(), Some("钱师傅"));
    assert_eq!(moved.accepted_at, None, "the new repairer accepts it again");
    assert_eq!(moved.dispatched_at, first.dispatched_at);
    // 退单: back to 已报修, no repairer; dispatching again keeps the first dispatch time.
    let back = step(&mut d, &clerk, 3, |w| {
        repairs::reassign(w, &o.id, &move_to(None, Some("缺少配件，需另行安排")))
    });
    assert_eq!(
        (back.status, back.repairer_id),
        (RepairStatus::Reported, None)
    );
    let again = step(&mut d, &clerk, 30, |w| {
        repairs::dispatch(w, &o.id, &to_sun())
    });
    assert_eq!(again.dispatched_at, first.dispatched_at);
    let kinds: Vec<(String, serde_json::Value)> =
        frontdesk::store::events(d.store.conn(), "repair", &o.id)
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == "reassigned" || e.kind == "handed_back")
            .map(|e| (e.kind, e.data["reason"].clone()))
            .collect();
    assert_eq!(
        kinds,
        [
            (
                "reassigned".to_string(),
                serde_json::json!("孙师傅临时请假")
            ),
            (
                "handed_back".to_string(),
                serde_json::json!("缺少配件，需另行安排")
            ),
        ]
    );
    step(&mut d, &sun, 2, |w| repairs::accept(w, &o.id, &now_step()));
    step(&mut d, &sun, 2, |w| repairs::arrive(w, &o.id, &now_step()));
    assert_refused(&mut d, &clerk, "state", "转单或退单", |w| {
        repairs::reassign(w, &o.id, &move_to(Some("qian"), Some("换人")))
    });
}
