//! The duty log and the handover: night entries converted at the morning handover keep the time
//! the owner reported them; open entries carry over until converted or closed; a handover is
//! accepted by another clerk with their own password; everything is audited, nothing deleted.

use chrono::{Duration, TimeZone, Utc};
use frontdesk::duty::{self, DutyEntryInput, HandoverInput, LentItem, ShiftInput};
use frontdesk::intake::IntakeInput;
use frontdesk::repairs::{self, RepairInput};
use frontdesk::{time, Error};

use crate::common::{assert_invalid, desk, snapshot, Desk, PASSWORD};

/// Beijing wall time on 2026-11-23 + `day` days.
fn bj(day: i64, h: u32, m: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap() - Duration::hours(8) + Duration::days(day)
}

fn entry(content: &str) -> DutyEntryInput {
    DutyEntryInput {
        content: Some(content.into()),
        ..Default::default()
    }
}

/// 李前台 on the night shift from 18:40; at 23:10 an owner calls about a leak (recorded at 23:20).
fn night(d: &mut Desk) -> duty::DutyEntry {
    d.clock.set(bj(0, 18, 40));
    let (li, eid) = (d.clerk.clone(), d.estate.id.clone());
    let shift = d
        .store
        .write(&li, |w| duty::start(w, &eid, &ShiftInput::default()))
        .unwrap();
    assert_eq!(shift.name, "夜班");
    assert_eq!(shift.hours, "18:30–08:30");
    d.clock.set(bj(0, 23, 20));
    d.store
        .write(&li, |w| {
            duty::add_entry(
                w,
                &eid,
                &DutyEntryInput {
                    at: Some("2026-11-23 23:10".into()),
                    unit: Some("3-2-1201".into()),
                    caller: Some("张先生".into()),
                    phone: Some("13800138000".into()),
                    ..entry("卫生间天花板漏水，滴到地面")
                },
            )
        })
        .unwrap()
}

/// The morning handover by 李前台, accepted by 赵协调.
fn hand_over_to_zhao(d: &mut Desk) -> duty::Handover {
    d.clock.set(bj(1, 8, 20));
    let (li, eid) = (d.clerk.clone(), d.estate.id.clone());
    let h = d
        .store
        .write(&li, |w| {
            duty::hand_over(
                w,
                &eid,
                &HandoverInput {
                    open_text: Some("5 栋电梯异响，已通知工程部".into()),
                    notes: Some("今早 10 点停水检修".into()),
                    lent: vec![LentItem {
                        item: "3 栋天台钥匙".into(),
                        lent_to: "孙师傅".into(),
                        returned: false,
                    }],
                },
            )
        })
        .unwrap();
    d.clock.set(bj(1, 8, 25));
    duty::accept(&mut d.store, &eid, &h.no, "zhao", PASSWORD, Some("已清点")).unwrap()
}

#[test]
fn a_night_entry_converted_next_morning_keeps_the_reported_time() {
    let mut d = desk();
    let e = night(&mut d);
    assert_eq!(e.at, time::to_db(bj(0, 23, 10)));
    assert_eq!(e.unit.as_deref(), Some("3-2-1201"));
    assert!(e.open());
    let h = hand_over_to_zhao(&mut d);
    assert!(h.no.starts_with("LH-JJ2026-"), "{}", h.no);
    assert_eq!(h.outgoing, "李前台");
    assert_eq!(h.incoming.as_deref(), Some("赵协调"));
    assert_eq!(h.accepted_at, Some(time::to_db(bj(1, 8, 25))));
    assert_eq!(h.handed_at, time::to_db(bj(1, 8, 20)));
    assert_eq!(h.shift.ended_at, h.accepted_at);
    assert_eq!(h.open_entries.len(), 1);
    assert_eq!(h.lent[0].item, "3 栋天台钥匙");
    // 赵协调 is now on the day shift (08:25 is within the 15 minutes before 08:30).
    let eid = d.estate.id.clone();
    let board = duty::board(d.store.conn(), &eid, d.store.now()).unwrap();
    let s = board.shift.unwrap();
    assert_eq!((s.name.as_str(), s.clerk.as_str()), ("白班", "赵协调"));
    assert_eq!(
        board.open.len(),
        1,
        "the night's entry is shown to the day shift"
    );
    assert_eq!(board.lent_out.len(), 1);

    d.clock.set(bj(1, 9, 5));
    let zhao = d.coordinator.clone();
    let form = IntakeInput {
        channel: Some("来电".into()),
        kind: Some("报修".into()),
        unit: e.unit.clone(),
        person_name: e.caller.clone(),
        phone: e.phone.clone(),
        content: Some(e.content.clone()),
        // Whatever the form says, the intake keeps the time the owner called.
        received_at: Some("2026-11-24 09:05".into()),
        ..Default::default()
    };
    let intake = d
        .store
        .write(&zhao, |w| duty::convert(w, &eid, &e.id, &form))
        .unwrap();
    assert_eq!(intake.received_at, e.at);
    let after = duty::entry(d.store.conn(), &e.id).unwrap();
    assert_eq!(after.intake_no.as_deref(), Some(intake.no.as_str()));
    assert_eq!(after.converted_by.as_deref(), Some("赵协调"));
    assert!(duty::board(d.store.conn(), &eid, d.store.now())
        .unwrap()
        .open
        .is_empty());
    // Through the existing flow the intake becomes a repair order reported at 23:10 too.
    let order = d
        .store
        .write(&zhao, |w| {
            repairs::create(
                w,
                &eid,
                &RepairInput {
                    intake: Some(intake.no.clone()),
                    kind: Some("房屋".into()),
                    leak_related: true,
                    ..Default::default()
                },
            )
        })
        .unwrap();
    assert_eq!(order.reported_at, e.at);
    // Converted once only.
    let again = d
        .store
        .write(&zhao, |w| duty::convert(w, &eid, &e.id, &form));
    assert!(matches!(again, Err(Error::State(m)) if m.contains(&intake.no)));
    // The day shift's handover lists what was converted during it.
    d.clock.set(bj(1, 18, 20));
    let h2 = d
        .store
        .write(&zhao, |w| {
            duty::hand_over(w, &eid, &HandoverInput::default())
        })
        .unwrap();
    assert_eq!(h2.converted.len(), 1);
    assert!(h2.open_entries.is_empty());
}

#[test]
fn open_entries_carry_over_until_converted_or_closed_with_a_reason() {
    let mut d = desk();
    let e = night(&mut d);
    let eid = d.estate.id.clone();
    let li = d.clerk.clone();
    // An entry settled at once is closed from the start.
    let settled = d
        .store
        .write(&li, |w| {
            duty::add_entry(
                w,
                &eid,
                &DutyEntryInput {
                    closed_reason: Some("已电话解答".into()),
                    ..entry("业主询问明早停水时间")
                },
            )
        })
        .unwrap();
    assert!(!settled.open());
    hand_over_to_zhao(&mut d);
    // Not converted by the day shift: the next handover lists it again.
    d.clock.set(bj(1, 18, 20));
    let zhao = d.coordinator.clone();
    let h = d
        .store
        .write(&zhao, |w| {
            duty::hand_over(w, &eid, &HandoverInput::default())
        })
        .unwrap();
    assert_eq!(
        h.open_entries.iter().map(|x| &x.id).collect::<Vec<_>>(),
        vec![&e.id]
    );
    d.clock.set(bj(1, 18, 25));
    duty::accept(&mut d.store, &eid, &h.id, "li", PASSWORD, None).unwrap();
    // Closing needs a reason; closed, it leaves the open list but stays in the log.
    let before = snapshot(&d.store);
    assert_invalid(
        d.store
            .write(&li, |w| duty::close_entry(w, &eid, &e.id, Some("  "))),
        "reason",
        "关闭原因",
    );
    assert_eq!(before, snapshot(&d.store));
    let closed = d
        .store
        .write(&li, |w| {
            duty::close_entry(w, &eid, &e.id, Some("业主来电告知已自行修好"))
        })
        .unwrap();
    assert_eq!(
        closed.close_reason.as_deref(),
        Some("业主来电告知已自行修好")
    );
    assert_eq!(duty::open_count(d.store.conn(), &eid).unwrap(), 0);
    assert!(duty::entry(d.store.conn(), &e.id).is_ok());
    // The first handover still shows it as it was handed over.
    let first = duty::handovers(
        d.store.conn(),
        &eid,
        &d.supervisor,
        bj(0, 0, 0),
        bj(2, 0, 0),
    )
    .unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(first[0].open_entries[0].id, e.id);
}

#[test]
fn a_handover_is_accepted_by_another_clerk_with_the_right_password() {
    let mut d = desk();
    night(&mut d);
    let (li, eid) = (d.clerk.clone(), d.estate.id.clone());
    d.clock.set(bj(1, 8, 20));
    let h = d
        .store
        .write(&li, |w| duty::hand_over(w, &eid, &HandoverInput::default()))
        .unwrap();
    // Handing over twice, or by someone else, is refused.
    assert!(matches!(
        d.store
            .write(&li, |w| duty::hand_over(w, &eid, &HandoverInput::default())),
        Err(Error::State(_))
    ));
    let zhao = d.coordinator.clone();
    assert!(matches!(
        d.store.write(&zhao, |w| duty::hand_over(
            w,
            &eid,
            &HandoverInput::default()
        )),
        Err(Error::Denied(_))
    ));
    // The outgoing clerk cannot accept their own handover.
    assert_invalid(
        duty::accept(&mut d.store, &eid, &h.no, "li", PASSWORD, None),
        "login",
        "不能是交班人本人",
    );
    // A wrong password is refused (and counted), nothing accepted.
    assert!(matches!(
        duty::accept(&mut d.store, &eid, &h.no, "zhao", "wrong-password", None),
        Err(Error::Denied(_))
    ));
    let failed: i64 = d
        .store
        .conn()
        .query_row(
            "SELECT failed_logins FROM staff WHERE login = 'zhao'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(failed, 1);
    assert!(duty::handover(d.store.conn(), &h.no)
        .unwrap()
        .accepted_at
        .is_none());
    // While a shift is on duty no other can start.
    assert!(matches!(
        d.store
            .write(&zhao, |w| duty::start(w, &eid, &ShiftInput::default())),
        Err(Error::State(m)) if m.contains("李前台")
    ));
    let accepted = duty::accept(&mut d.store, &eid, &h.no, "zhao", PASSWORD, None).unwrap();
    assert_eq!(
        accepted.incoming_id.as_deref(),
        Some(zhao.staff_id.as_str())
    );
    // Accepted once only.
    assert!(matches!(
        duty::accept(&mut d.store, &eid, &h.no, "wang", PASSWORD, None),
        Err(Error::State(_))
    ));
    // The acceptance is audited as the incoming clerk.
    let who: String = d
        .store
        .conn()
        .query_row(
            "SELECT actor_name FROM audit_log WHERE entity = 'duty_handover' AND action = 'update'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(who, "赵协调");
}

#[test]
fn bad_input_is_named_and_every_write_is_audited() {
    let mut d = desk();
    let (li, eid) = (d.clerk.clone(), d.estate.id.clone());
    // No shift on duty: no entry.
    assert!(matches!(
        d.store.write(&li, |w| duty::add_entry(w, &eid, &entry("巡查"))),
        Err(Error::State(m)) if m.contains("开始值班")
    ));
    assert_invalid(
        d.store.write(&li, |w| {
            duty::start(
                w,
                &eid,
                &ShiftInput {
                    name: Some("中班".into()),
                },
            )
        }),
        "shift",
        "白班、夜班",
    );
    night(&mut d);
    for (input, field, needle) in [
        (entry(" "), "content", "值班内容"),
        (
            DutyEntryInput {
                at: Some("2026-11-23 12:00".into()),
                ..entry("早于开班")
            },
            "at",
            "不能早于",
        ),
        (
            DutyEntryInput {
                unit: Some("99-9-999".into()),
                ..entry("房号不存在")
            },
            "unit",
            "房号",
        ),
        (
            DutyEntryInput {
                phone: Some("12".into()),
                ..entry("电话太短")
            },
            "phone",
            "电话",
        ),
        (
            DutyEntryInput {
                channel: Some("飞鸽".into()),
                ..entry("渠道不对")
            },
            "channel",
            "渠道",
        ),
    ] {
        assert_invalid(
            d.store.write(&li, |w| duty::add_entry(w, &eid, &input)),
            field,
            needle,
        );
    }
    assert_invalid(
        d.store.write(&li, |w| {
            duty::hand_over(
                w,
                &eid,
                &HandoverInput {
                    lent: vec![LentItem {
                        item: "钥匙".into(),
                        lent_to: " ".into(),
                        returned: false,
                    }],
                    ..Default::default()
                },
            )
        }),
        "lent.lent_to",
        "借用人",
    );
    hand_over_to_zhao(&mut d);
    let audited = |entity: &str, action: &str| -> i64 {
        d.store
            .conn()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE entity = ?1 AND action = ?2",
                [entity, action],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(audited("duty_shift", "insert"), 2);
    assert_eq!(audited("duty_shift", "update"), 1);
    assert_eq!(audited("duty_entry", "insert"), 1);
    assert_eq!(audited("duty_handover", "insert"), 1);
    assert_eq!(audited("duty_handover", "update"), 1);
    d.store.verify().unwrap();
}

#[test]
fn the_shift_a_clerk_starts_follows_the_policy_hours() {
    let p = duty::DutyPolicy::default();
    for ((h, m), want) in [
        ((8, 20), "白班"),
        ((12, 0), "白班"),
        ((18, 14), "白班"),
        ((18, 20), "夜班"),
        ((3, 0), "夜班"),
        ((8, 29), "白班"),
    ] {
        assert_eq!(p.shift_at(bj(0, h, m)).unwrap().name, want, "{h}:{m}");
    }
}

#[test]
fn the_handover_prints_as_pdf_and_a_period_exports_as_xlsx() {
    let mut d = desk();
    night(&mut d);
    let h = hand_over_to_zhao(&mut d);
    let dir = crate::common::scratch("duty-docs");
    let eid = d.estate.id.clone();
    let pdf = frontdesk::documents::pdf::handover(
        d.store.conn(),
        &h.no,
        frontdesk::documents::Disclosure::Masked,
        d.store.now(),
        &dir.join("h.pdf"),
    )
    .unwrap();
    assert_eq!(pdf.pages, 1);
    assert!(std::fs::read(dir.join("h.pdf"))
        .unwrap()
        .starts_with(b"%PDF"));
    let period = time::Period::parse("2026-11-23", "2026-11-24").unwrap();
    let x = frontdesk::documents::xlsx::handover_register(
        d.store.conn(),
        &eid,
        &d.clerk,
        &period,
        d.store.now(),
        frontdesk::documents::Disclosure::Masked,
        &dir.join("h.xlsx"),
    )
    .unwrap();
    assert_eq!(x.rows, 1);
    // 孙师傅 handed over and accepted nothing: his register is empty.
    let none = frontdesk::documents::xlsx::handover_register(
        d.store.conn(),
        &eid,
        &d.repairer,
        &period,
        d.store.now(),
        frontdesk::documents::Disclosure::Masked,
        &dir.join("none.xlsx"),
    )
    .unwrap();
    assert_eq!(none.rows, 0);
}
