//! Intake: recording every contact, field checks, customer matching, look-up, phone log, void.

use crate::common::*;
use chrono::Duration;
use frontdesk::intake::{self, IntakeInput};
use frontdesk::vocab::{Channel, IntakeKind};

pub fn call(content: &str) -> IntakeInput {
    IntakeInput {
        channel: Some("来电".into()),
        kind: Some("投诉".into()),
        unit: Some("3-2-1201".into()),
        person_name: Some("张伟".into()),
        phone: Some("138-0013-8000".into()),
        content: Some(content.into()),
        request: Some("尽快维修".into()),
        ..Default::default()
    }
}

#[test]
fn records_a_call_with_number_receiver_and_normalised_fields() {
    let mut d = desk();
    let clerk = d.clerk.clone();
    let eid = d.estate.id.clone();
    let i = d
        .store
        .write(&clerk, |w| {
            intake::record(w, &eid, &call("楼上漏水，天花板发霉"))
        })
        .unwrap();
    assert_eq!(i.no, "LH-DJ2026-000001");
    assert_eq!(i.channel, Channel::Call);
    assert_eq!(i.kind, IntakeKind::Complaint);
    assert_eq!(i.unit.as_deref(), Some("3-2-1201"));
    assert_eq!(i.phone.as_deref(), Some("13800138000"));
    assert_eq!(i.receiver, "李前台");
    assert_eq!(i.received_at, "2026-11-23T01:00:00.000Z");
    let again = d
        .store
        .write(&clerk, |w| intake::record(w, &eid, &call("又漏了")))
        .unwrap();
    assert_eq!(again.no, "LH-DJ2026-000002");
    assert_eq!(intake::get(d.store.conn(), &i.no).unwrap().id, i.id);
}

#[test]
fn every_bad_field_is_named_and_nothing_is_saved() {
    let mut d = desk();
    let clerk = d.clerk.clone();
    let eid = d.estate.id.clone();
    let base = call("楼上漏水");
    let long = "漏".repeat(5001);
    let cases: Vec<(IntakeInput, &str, &str)> = vec![
        (
            IntakeInput {
                channel: None,
                ..base.clone()
            },
            "channel",
            "必填",
        ),
        (
            IntakeInput {
                channel: Some("微信群".into()),
                ..base.clone()
            },
            "channel",
            "不是有效的渠道",
        ),
        (
            IntakeInput {
                kind: Some("".into()),
                ..base.clone()
            },
            "kind",
            "必填",
        ),
        (
            IntakeInput {
                kind: Some("吐槽".into()),
                ..base.clone()
            },
            "kind",
            "不是有效的类型",
        ),
        (
            IntakeInput {
                content: None,
                ..base.clone()
            },
            "content",
            "必填",
        ),
        (
            IntakeInput {
                content: Some("  \n ".into()),
                ..base.clone()
            },
            "content",
            "必填",
        ),
        (
            IntakeInput {
                content: Some(long),
                ..base.clone()
            },
            "content",
            "过长",
        ),
        (
            IntakeInput {
                content: Some("漏水\u{0}".into()),
                ..base.clone()
            },
            "content",
            "控制字符",
        ),
        (
            IntakeInput {
                person_name: Some("张\u{1b}[31m伟".into()),
                ..base.clone()
            },
            "person_name",
            "控制字符",
        ),
        (
            IntakeInput {
                phone: Some("1380013800".into()),
                ..base.clone()
            },
            "phone",
            "不是有效的电话号码",
        ),
        (
            IntakeInput {
                phone: Some("138abc38000".into()),
                ..base.clone()
            },
            "phone",
            "非数字",
        ),
        (
            IntakeInput {
                unit: Some("3栋".into()),
                ..base.clone()
            },
            "unit",
            "格式不正确",
        ),
        (
            IntakeInput {
                unit: Some("9-9-909".into()),
                ..base.clone()
            },
            "unit",
            "不在本小区",
        ),
        (
            IntakeInput {
                received_at: Some("昨天".into()),
                ..base.clone()
            },
            "received_at",
            "格式不正确",
        ),
        (
            IntakeInput {
                received_at: Some("2026-11-24 09:00".into()),
                ..base.clone()
            },
            "received_at",
            "不能晚于",
        ),
        (
            IntakeInput {
                receiver: Some("nobody".into()),
                ..base.clone()
            },
            "receiver",
            "未知员工",
        ),
        (
            IntakeInput {
                customer_id: Some("x".into()),
                ..base.clone()
            },
            "customer_id",
            "未找到客户",
        ),
        (
            IntakeInput {
                phone: None,
                unit: None,
                ..base.clone()
            },
            "phone",
            "须留电话或房号",
        ),
    ];
    for (input, field, needle) in cases {
        let eid = eid.clone();
        assert_rejected(&mut d.store, &clerk, field, needle, move |w| {
            intake::record(w, &eid, &input)
        });
    }
}

#[test]
fn enquiries_need_no_contact_and_odd_text_is_kept_exactly() {
    let mut d = desk();
    let clerk = d.clerk.clone();
    let eid = d.estate.id.clone();
    let odd = "𠮷野家门口😀积水'; DROP TABLE intakes;-- 100% \"引号\"\n第二行";
    let i = d
        .store
        .write(&clerk, |w| {
            intake::record(
                w,
                &eid,
                &IntakeInput {
                    channel: Some("visit".into()),
                    kind: Some("enquiry".into()),
                    content: Some(odd.into()),
                    phone: Some("１３９ ００１３ ９０００".into()),
                    settled_on_spot: true,
                    reply: Some("已解释".into()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let back = intake::get(d.store.conn(), &i.id).unwrap();
    assert_eq!(back.content, odd);
    assert_eq!(back.phone.as_deref(), Some("13900139000"));
    assert!(back.settled_on_spot);
    let hits = frontdesk::search::search(d.store.conn(), &eid, "𠮷", None, 10).unwrap();
    assert_eq!(hits.len(), 1);
    let hits = frontdesk::search::search(d.store.conn(), &eid, "DROP TABLE", None, 10).unwrap();
    assert_eq!(hits.len(), 1);
    let hits = frontdesk::search::search(d.store.conn(), &eid, "１３９００１３９０００", None, 10)
        .unwrap();
    assert_eq!(hits.len(), 1, "full-width digits find the normalised phone");
}

#[test]
fn backdated_letter_keeps_its_time_and_phone_log_lists_calls_only() {
    let mut d = desk();
    let clerk = d.clerk.clone();
    let eid = d.estate.id.clone();
    d.store
        .write(&clerk, |w| {
            intake::record(
                w,
                &eid,
                &IntakeInput {
                    channel: Some("来函传真".into()),
                    kind: Some("建议".into()),
                    content: Some("建议增加快递柜".into()),
                    received_at: Some("2026-11-22 16:30".into()),
                    ..Default::default()
                },
            )?;
            intake::record(w, &eid, &call("电梯异响"))?;
            intake::record(
                w,
                &eid,
                &IntakeInput {
                    channel: Some("来访".into()),
                    ..call("门禁坏了")
                },
            )
        })
        .unwrap();
    let from = t0() - Duration::days(2);
    let to = t0() + Duration::days(1);
    let all = intake::list(d.store.conn(), &eid, from, to, None, 100).unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all.last().unwrap().received_at, "2026-11-22T08:30:00.000Z");
    let calls = intake::list(d.store.conn(), &eid, from, to, Some(Channel::Call), 100).unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].content, "电梯异响");
}

#[test]
fn void_needs_a_reason_keeps_the_record_and_leaves_search() {
    let mut d = desk();
    let clerk = d.clerk.clone();
    let eid = d.estate.id.clone();
    let i = d
        .store
        .write(&clerk, |w| intake::record(w, &eid, &call("误登记的漏水")))
        .unwrap();
    let id = i.id.clone();
    assert_rejected(&mut d.store, &clerk, "reason", "必填", |w| {
        intake::void(w, &id, Some(" "))
    });
    let v = d
        .store
        .write(&clerk, |w| intake::void(w, &i.no, Some("重复登记")))
        .unwrap();
    assert!(v.voided);
    assert_eq!(v.void_reason.as_deref(), Some("重复登记"));
    assert!(
        frontdesk::search::search(d.store.conn(), &eid, "误登记", None, 10)
            .unwrap()
            .is_empty()
    );
    let again = d
        .store
        .write(&clerk, |w| intake::void(w, &i.no, Some("再次")));
    assert!(matches!(again, Err(frontdesk::Error::State(_))));
    let h = frontdesk::store::audit_history(d.store.conn(), "intake", &i.id).unwrap();
    assert_eq!(
        h.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["insert", "void"]
    );
}

#[test]
fn lookup_by_unit_and_phone_shows_recent_contacts() {
    let mut d = desk();
    let clerk = d.clerk.clone();
    let eid = d.estate.id.clone();
    d.store
        .write(&clerk, |w| intake::record(w, &eid, &call("楼上漏水")))
        .unwrap();
    d.clock.advance(Duration::hours(1));
    d.store
        .write(&clerk, |w| intake::record(w, &eid, &call("还在漏")))
        .unwrap();
    for q in ["3-2-1201", "3栋2单元1201", "３－２－１２０１"] {
        let l = intake::lookup(d.store.conn(), &eid, q, d.store.now()).unwrap();
        assert_eq!(
            l.unit.as_ref().map(|u| u.code.as_str()),
            Some("3-2-1201"),
            "{q}"
        );
        assert_eq!(l.recent_intakes.len(), 2);
        assert_eq!(l.recent_intakes[0].content, "还在漏", "newest first");
    }
    let l = intake::lookup(d.store.conn(), &eid, "13800138000", d.store.now()).unwrap();
    assert_eq!(l.recent_intakes.len(), 2);
    let l = intake::lookup(d.store.conn(), &eid, "1-1-101", d.store.now()).unwrap();
    assert!(l.recent_intakes.is_empty());
    assert!(matches!(
        intake::lookup(d.store.conn(), &eid, "  ", d.store.now()),
        Err(frontdesk::Error::Invalid { field: "query", .. })
    ));
}

#[test]
fn lookup_shows_customer_tier_vip_and_open_cases_newest_first() {
    use frontdesk::{complaints, customers, repairs};
    let mut d = desk();
    let sup = d.supervisor.clone();
    let clerk = d.clerk.clone();
    let eid = d.estate.id.clone();
    let cust = d
        .store
        .write(&sup, |w| {
            let c = customers::add_customer(
                w,
                &eid,
                &customers::CustomerInput {
                    unit: Some("3-2-1201".into()),
                    name: Some("张伟".into()),
                    phone: Some("13800138000".into()),
                    ..Default::default()
                },
            )?;
            customers::issue_vip_card(
                w,
                &c.id,
                &customers::VipCardInput {
                    level: Some("2".into()),
                    ..Default::default()
                },
            )?;
            Ok(c)
        })
        .unwrap();
    // A complaint (open), and a repair order that is done and closed (past).
    let i1 = d
        .store
        .write(&clerk, |w| intake::record(w, &eid, &call("楼上漏水")))
        .unwrap();
    assert_eq!(
        i1.customer_id.as_deref(),
        Some(cust.id.as_str()),
        "matched by phone and unit"
    );
    let c = d
        .store
        .write(&clerk, |w| {
            complaints::open(
                w,
                &eid,
                &complaints::ComplaintInput {
                    intake: Some(i1.no.clone()),
                    category: Some("物业管理".into()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let repair_call = IntakeInput {
        kind: Some("报修".into()),
        ..call("门锁坏了")
    };
    let i2 = d
        .store
        .write(&clerk, |w| intake::record(w, &eid, &repair_call))
        .unwrap();
    let o = d
        .store
        .write(&clerk, |w| {
            repairs::create(
                w,
                &eid,
                &repairs::RepairInput {
                    intake: Some(i2.no.clone()),
                    kind: Some("房屋".into()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let sup2 = sup.clone();
    d.store
        .write(&sup2, |w| repairs::void(w, &o.id, Some("业主已自行修好")))
        .unwrap();
    d.clock.advance(Duration::minutes(10));
    let i3 = d
        .store
        .write(&clerk, |w| {
            intake::record(
                w,
                &eid,
                &IntakeInput {
                    kind: Some("报修".into()),
                    ..call("灯不亮")
                },
            )
        })
        .unwrap();
    let o2 = d
        .store
        .write(&clerk, |w| {
            repairs::create(
                w,
                &eid,
                &repairs::RepairInput {
                    intake: Some(i3.no.clone()),
                    kind: Some("房屋".into()),
                    ..Default::default()
                },
            )
        })
        .unwrap();

    for q in ["13800138000", "3-2-1201", "张伟", "8000"] {
        let l = intake::lookup(d.store.conn(), &eid, q, d.store.now()).unwrap();
        assert_eq!(l.customers.len(), 1, "{q}");
        let card = &l.customers[0];
        assert_eq!(card.tier, frontdesk::vocab::Tier::A, "{q}");
        assert_eq!(card.vip_card_no.as_deref(), Some("JK2001"), "{q}");
        let open: Vec<&str> = l.open_cases.iter().map(|c| c.no.as_str()).collect();
        assert_eq!(
            open,
            [o2.no.as_str(), c.no.as_str()],
            "{q}: newest first, voided order left out"
        );
        assert_eq!(l.complaints_last_year, 1, "{q}");
        // One complaint on file: the next is the policy's second (important_repeats = 2).
        assert!(
            l.repeat_warning
                .as_deref()
                .is_some_and(|w| w.contains("已投诉 1 次")),
            "{q}: {:?}",
            l.repeat_warning
        );
    }
}
