//! Work lists and overdue escalation: order by overdue, VIP and tier (D never below C), grade,
//! deadline and age; repairs urgent first; follow-ups due today; overdue first response and
//! handling escalated once to the grade's role, not when met or paused. All on the fixed clock.

use chrono::{Duration, TimeZone, Utc};
use frontdesk::complaints::{self, AttemptInput, Complaint, ComplaintInput};
use frontdesk::customers::{self, CustomerInput, TierInput};
use frontdesk::deadlines::{self, DeadlineState, PauseInput, SubjectKind};
use frontdesk::followups;
use frontdesk::grading;
use frontdesk::intake::IntakeInput;
use frontdesk::policy::{self, Policy};
use frontdesk::queues::{self, QueueItem, QueuePolicy};
use frontdesk::repairs::{self, DispatchInput, RepairInput};
use frontdesk::vocab::{self, ComplaintStatus, Grade, Role, Tier};
use serde_json::json;

use crate::common::*;
use crate::complaints::{as_clerk, as_supervisor, complaint_call, drive_to, record_intake};

/// A customer at `unit` named `name` with `tier` (set by the supervisor unless C); its id.
fn customer(d: &mut Desk, unit: &str, name: &str, tier: Tier) -> String {
    let eid = d.estate.id.clone();
    let input: CustomerInput =
        serde_json::from_value(json!({ "unit": unit, "name": name, "relation": "业主" })).unwrap();
    let c = as_clerk(d, |w| customers::add_customer(w, &eid, &input)).unwrap();
    if tier != Tier::C {
        as_supervisor(d, |w| {
            customers::set_tier(
                w,
                &c.id,
                &TierInput {
                    tier: Some(tier.code().into()),
                    reason: Some("测试分级".into()),
                },
            )
        })
        .unwrap();
    }
    c.id
}

/// A complaint by the customer (or nobody), with `extra` facts.
fn complaint(d: &mut Desk, customer_id: Option<&str>, extra: ComplaintInput) -> Complaint {
    let unit = match customer_id {
        Some(id) => customers::get(d.store.conn(), id).unwrap().unit,
        None => "1-1-101".into(),
    };
    let i = record_intake(
        d,
        &IntakeInput {
            unit: Some(unit),
            customer_id: customer_id.map(str::to_string),
            person_name: None,
            phone: None,
            ..complaint_call()
        },
    );
    let eid = d.estate.id.clone();
    as_clerk(d, |w| {
        complaints::open(
            w,
            &eid,
            &ComplaintInput {
                intake: Some(i.no.clone()),
                category: Some("物业管理".into()),
                ..extra
            },
        )
    })
    .unwrap()
}

fn plain(d: &mut Desk, customer_id: Option<&str>) -> Complaint {
    complaint(d, customer_id, ComplaintInput::default())
}

fn nos(items: &[QueueItem]) -> Vec<String> {
    items.iter().map(|i| i.no.clone()).collect()
}

fn complaint_queue(d: &Desk) -> Vec<QueueItem> {
    queues::complaints(d.store.conn(), &d.estate.id, d.clock.now()).unwrap()
}

fn minutes(d: &Desk, m: i64) {
    d.clock.advance(Duration::minutes(m));
}

#[test]
fn overdue_first_then_vip_then_tier_and_d_is_ordered_as_c() {
    let mut d = desk();
    let a = customer(&mut d, "1-1-101", "甲VIP", Tier::A);
    let b = customer(&mut d, "1-1-102", "乙", Tier::B);
    let c = customer(&mut d, "3-2-1201", "丙", Tier::C);
    let dd = customer(&mut d, "3-2-1202", "丁", Tier::D);
    // Distinct customers, so no complaint is a repeat (重要).
    let c2 = customer(&mut d, "12-101", "丙二", Tier::C);
    let dd2 = customer(&mut d, "12-101", "丁二", Tier::D);
    // Opened in this order, a minute apart; contact is due 24 h after each.
    let late_c = plain(&mut d, Some(&c2)); // t0: will be overdue
    minutes(&d, 120);
    let d1 = plain(&mut d, Some(&dd));
    minutes(&d, 1);
    let c1 = plain(&mut d, Some(&c));
    minutes(&d, 1);
    let b1 = plain(&mut d, Some(&b));
    minutes(&d, 1);
    let a1 = plain(&mut d, Some(&a));
    minutes(&d, 1);
    let none = plain(&mut d, None);
    minutes(&d, 1);
    let d2 = plain(&mut d, Some(&dd2));
    // t0 + 24h30m: only the first is overdue.
    d.clock.set(t0() + Duration::minutes(24 * 60 + 30));
    let q = complaint_queue(&d);
    let expected = [
        (&late_c, true, Some(Tier::C)),
        (&a1, false, Some(Tier::A)),
        (&b1, false, Some(Tier::B)),
        (&d1, false, Some(Tier::D)), // D as C: its earlier deadline puts it before C
        (&c1, false, Some(Tier::C)),
        (&none, false, None),
        (&d2, false, Some(Tier::D)),
    ];
    assert_eq!(
        nos(&q),
        expected.iter().map(|e| e.0.no.clone()).collect::<Vec<_>>()
    );
    for (item, (c, overdue, tier)) in q.iter().zip(expected) {
        assert_eq!(item.id, c.id);
        assert_eq!(item.kind, "complaint");
        assert_eq!(item.tier, tier, "{}", item.no);
        assert_eq!(item.vip, tier == Some(Tier::A));
        assert_eq!(item.grade, Some(Grade::General));
        let due = item.deadline.as_ref().unwrap();
        assert_eq!(due.rule, "complaint_contact");
        assert_eq!(due.state == DeadlineState::Overdue, overdue, "{}", item.no);
        assert_eq!(due.overdue_seconds.is_some(), overdue);
        assert_eq!(due.remaining_seconds.is_some(), !overdue);
        assert!(!item.order_reasons.is_empty());
    }
    assert_eq!(q[0].deadline.as_ref().unwrap().overdue_seconds, Some(1800));
    assert_eq!(q[0].unit.as_deref(), Some("12-101"));
    assert_eq!(q[0].customer.as_deref(), Some("丙二"));
    assert_eq!(q[0].status, "已登记");
    assert!(q[0].order_reasons[0].contains("已超时"));
    assert!(q[1].order_reasons.iter().any(|r| r.contains("VIP")));
    assert!(q[3]
        .order_reasons
        .iter()
        .any(|r| r.contains("D类客户按C类排序")));
}

/// Seed 002 第二十六条: a VIP card is valid three years and void after. On its last valid day the
/// card holder's complaint and repair still come first; the day after they rank as C (behind an
/// older C complaint), the look-up and the file say the card has expired, and renewing it (复核换卡)
/// restores the priority.
#[test]
fn an_expired_vip_card_gives_no_priority_from_the_day_after_its_last_valid_day() {
    let mut d = desk();
    let vip = customer(&mut d, "3-2-1201", "甲VIP", Tier::C);
    let c = customer(&mut d, "1-1-101", "丙", Tier::C);
    let card = as_supervisor(&mut d, |w| {
        customers::issue_vip_card(
            w,
            &vip,
            &customers::VipCardInput {
                level: Some("2".into()),
                ..Default::default()
            },
        )
    })
    .unwrap();
    assert_eq!(card.issued_on, "2026-11-23");
    assert_eq!(card.expires_on, "2029-11-23");
    // The last valid day, 08:00 Beijing: a C complaint, then the card holder's a minute later.
    d.clock
        .set(t0() + Duration::days(365 * 3 + 1) - Duration::hours(1));
    let older_c = plain(&mut d, Some(&c));
    minutes(&d, 1);
    let vip_complaint = plain(&mut d, Some(&vip));
    let c_repair = repair(&mut d, None, false);
    let vip_repair = repair(&mut d, Some(&vip), false);
    let eid = d.estate.id.clone();
    let dispatch_order = |d: &Desk| -> Vec<String> {
        repairs::to_dispatch(d.store.conn(), &eid, d.clock.now())
            .unwrap()
            .into_iter()
            .map(|o| o.no)
            .collect()
    };
    let card_state = |d: &Desk| {
        let file = customers::show(d.store.conn(), &vip, d.clock.now()).unwrap();
        let lookup =
            frontdesk::intake::lookup(d.store.conn(), &eid, "3-2-1201", d.clock.now()).unwrap();
        let looked = lookup.customers.iter().find(|x| x.id == vip).unwrap();
        assert_eq!(looked.vip_expired, file.vip_expired);
        file.vip_expired
    };

    // 23:59 Beijing of the last valid day: still VIP.
    d.clock
        .set(Utc.with_ymd_and_hms(2029, 11, 23, 15, 59, 0).unwrap());
    let q = complaint_queue(&d);
    assert_eq!(nos(&q), [vip_complaint.no.clone(), older_c.no.clone()]);
    assert!(q[0].vip);
    assert!(q[0].order_reasons.iter().any(|r| r == "VIP客户（A类）"));
    assert_eq!(
        dispatch_order(&d),
        [vip_repair.no.clone(), c_repair.no.clone()]
    );
    let rq = queues::repairs(d.store.conn(), &eid, d.clock.now()).unwrap();
    assert_eq!(rq[0].no, vip_repair.no);
    assert!(!card_state(&d));

    // 00:00 Beijing the day after: the card has expired.
    d.clock
        .set(Utc.with_ymd_and_hms(2029, 11, 23, 16, 0, 0).unwrap());
    let q = complaint_queue(&d);
    assert_eq!(nos(&q), [older_c.no.clone(), vip_complaint.no.clone()]);
    let item = &q[1];
    assert!(!item.vip);
    assert_eq!(item.tier, Some(Tier::A), "the tier on record is unchanged");
    assert!(
        item.order_reasons.iter().any(|r| r.contains(&card.card_no)
            && r.contains("2029-11-23")
            && r.contains("按C类排序")),
        "{:?}",
        item.order_reasons
    );
    assert!(!item.order_reasons.iter().any(|r| r.contains("VIP客户")));
    assert_eq!(
        dispatch_order(&d),
        [c_repair.no.clone(), vip_repair.no.clone()]
    );
    let rq = queues::repairs(d.store.conn(), &eid, d.clock.now()).unwrap();
    assert_eq!(rq[0].no, c_repair.no);
    assert!(card_state(&d));

    // Re-checked and renewed: VIP again.
    as_supervisor(&mut d, |w| {
        customers::renew_vip_card(
            w,
            &vip,
            &customers::VipCardInput {
                note: Some("复核：仍符合VIP条件".into()),
                ..Default::default()
            },
        )
    })
    .unwrap();
    assert!(!card_state(&d));
    let q = complaint_queue(&d);
    assert_eq!(q[0].no, vip_complaint.no);
    assert!(q[0].vip);
}

#[test]
fn a_policy_that_lists_d_last_or_omits_it_still_never_lowers_d_below_c() {
    let mut d = desk();
    let c = customer(&mut d, "3-2-1201", "丙", Tier::C);
    let dd = customer(&mut d, "3-2-1202", "丁", Tier::D);
    let b = customer(&mut d, "1-1-102", "乙", Tier::B);
    for order in [
        vec![Tier::A, Tier::B, Tier::C, Tier::D],
        vec![Tier::A, Tier::B, Tier::C],
        vec![Tier::D, Tier::A, Tier::B, Tier::C],
        vec![],
    ] {
        let p = QueuePolicy {
            tier_order: order.clone(),
            ..QueuePolicy::default()
        };
        assert!(
            p.tier_rank(Some(Tier::D)) <= p.tier_rank(Some(Tier::C)),
            "{order:?}"
        );
        assert_eq!(p.tier_rank(None), p.tier_rank(Some(Tier::C)));
    }
    // In the store: policy lists D last; D opened first still comes before C.
    let eid = d.estate.id.clone();
    let mut pol = Policy::default();
    pol.queues.tier_order = vec![Tier::B, Tier::C, Tier::A, Tier::D];
    as_supervisor(&mut d, |w| policy::save(w, &eid, &pol, Some("B类优先"))).unwrap();
    let d1 = plain(&mut d, Some(&dd));
    minutes(&d, 1);
    let c1 = plain(&mut d, Some(&c));
    minutes(&d, 1);
    let b1 = plain(&mut d, Some(&b));
    assert_eq!(nos(&complaint_queue(&d)), [b1.no, d1.no, c1.no]);
}

#[test]
fn grade_orders_equal_tiers_and_the_earliest_deadline_then_the_oldest_breaks_ties() {
    let mut d = desk();
    let f = |g: &str| match g {
        "重大" => ComplaintInput {
            collective_size: Some(10),
            ..ComplaintInput::default()
        },
        "热点" => ComplaintInput {
            collective_size: Some(3),
            ..ComplaintInput::default()
        },
        "重要" => ComplaintInput {
            needs_other_departments: Some(true),
            ..ComplaintInput::default()
        },
        _ => ComplaintInput::default(),
    };
    let mut opened = Vec::new();
    for g in ["一般", "重要", "热点", "重大"] {
        let c = complaint(&mut d, None, f(g));
        assert_eq!(c.grade.label(), g);
        opened.push(c);
        minutes(&d, 1);
    }
    // Two more 一般: the later one has the owner's date today, so the earlier deadline.
    let old = plain(&mut d, None);
    minutes(&d, 1);
    let dated = complaint(
        &mut d,
        None,
        ComplaintInput {
            requested_by: Some("2026-11-23".into()),
            ..ComplaintInput::default()
        },
    );
    let q = complaint_queue(&d);
    assert_eq!(
        nos(&q),
        [
            opened[3].no.clone(),
            opened[2].no.clone(),
            opened[1].no.clone(),
            dated.no.clone(),
            opened[0].no.clone(),
            old.no.clone(),
        ]
    );
    let grades: Vec<_> = q.iter().map(|i| i.grade.unwrap()).collect();
    assert_eq!(
        grades,
        [
            Grade::Major,
            Grade::Hot,
            Grade::Important,
            Grade::General,
            Grade::General,
            Grade::General
        ]
    );
    assert_eq!(q[3].deadline.as_ref().unwrap().rule, "settle_general");
    // Closed and voided complaints leave the list.
    as_supervisor(&mut d, |w| complaints::void(w, &old.id, Some("重复登记"))).unwrap();
    assert!(!nos(&complaint_queue(&d)).contains(&old.no));
}

#[test]
fn an_overdue_general_complaint_comes_before_an_on_time_major_one() {
    let mut d = desk();
    let a = customer(&mut d, "1-1-101", "甲VIP", Tier::A);
    let general = plain(&mut d, None);
    d.clock.set(t0() + Duration::hours(25));
    let major = complaint(
        &mut d,
        Some(&a),
        ComplaintInput {
            collective_size: Some(10),
            ..ComplaintInput::default()
        },
    );
    assert_eq!(nos(&complaint_queue(&d)), [general.no, major.no]);
}

fn repair(d: &mut Desk, customer_id: Option<&str>, urgent: bool) -> repairs::RepairOrder {
    let eid = d.estate.id.clone();
    let input = RepairInput {
        unit: Some("3-2-1201".into()),
        customer_id: customer_id.map(str::to_string),
        reporter_name: Some("张伟".into()),
        phone: Some("13800138000".into()),
        kind: Some("房屋".into()),
        urgency: Some(if urgent { "紧急" } else { "一般" }.into()),
        content: Some("卫生间漏水".into()),
        ..RepairInput::default()
    };
    as_clerk(d, |w| repairs::create(w, &eid, &input)).unwrap()
}

#[test]
fn repairs_urgent_first_then_vip_and_dispatched_orders_stay_listed() {
    let mut d = desk();
    let a = customer(&mut d, "3-2-1201", "甲VIP", Tier::A);
    let normal_c = repair(&mut d, None, false); // t0, due 8 h
    let dispatched = repair(&mut d, None, false);
    let sup = d.supervisor.clone();
    d.store
        .write(&sup, |w| {
            repairs::dispatch(
                w,
                &dispatched.id,
                &DispatchInput {
                    repairer: Some("sun".into()),
                    at: None,
                },
            )
        })
        .unwrap(); // on site due t0 + 15 min
    minutes(&d, 10);
    let normal_a = repair(&mut d, Some(&a), false);
    let urgent_c = repair(&mut d, None, true); // on site due t0 + 40 min
    let q = queues::repairs(d.store.conn(), &d.estate.id, d.clock.now()).unwrap();
    assert_eq!(
        nos(&q),
        [
            urgent_c.no.clone(),
            normal_a.no.clone(),
            dispatched.no.clone(),
            normal_c.no.clone()
        ]
    );
    assert!(q[0].urgent && q[0].order_reasons.iter().any(|r| r == "紧急维修"));
    assert_eq!(
        q[0].deadline.as_ref().unwrap().rule,
        "repair_urgent_on_site"
    );
    assert_eq!(q[2].deadline.as_ref().unwrap().rule, "repair_on_site");
    assert_eq!(q[2].status, "已派工");
    assert!(q[1].vip);
    // 20 minutes on, the dispatched order is overdue on site and leads.
    minutes(&d, 10);
    let q = queues::repairs(d.store.conn(), &d.estate.id, d.clock.now()).unwrap();
    assert_eq!(q[0].no, dispatched.no);
}

#[test]
fn slips_are_listed_with_their_complaints_grade_and_deadline() {
    use frontdesk::slips::{self, SlipInput};
    let mut d = desk();
    let general = plain(&mut d, None);
    let major = complaint(
        &mut d,
        None,
        ComplaintInput {
            collective_size: Some(10),
            ..ComplaintInput::default()
        },
    );
    let eid = d.estate.id.clone();
    let slip = |d: &mut Desk, c: &Complaint| {
        as_clerk(d, |w| {
            slips::create(
                w,
                &eid,
                &SlipInput {
                    complaint: Some(c.no.clone()),
                    department: Some("工程维修部".into()),
                    ..SlipInput::default()
                },
            )
        })
        .unwrap()
    };
    let s1 = slip(&mut d, &general);
    minutes(&d, 1);
    let s2 = slip(&mut d, &major);
    let q = queues::slips(d.store.conn(), &d.estate.id, d.clock.now()).unwrap();
    assert_eq!(nos(&q), [s2.no.clone(), s1.no.clone()]);
    assert_eq!(q[0].grade, Some(Grade::Major));
    assert_eq!(q[0].kind, "slip");
    assert_eq!(q[0].deadline.as_ref().unwrap().rule, "slip_answer");
    as_supervisor(&mut d, |w| slips::void(w, &s2.id, Some("开错部门"))).unwrap();
    let q = queues::slips(d.store.conn(), &d.estate.id, d.clock.now()).unwrap();
    assert_eq!(nos(&q), [s1.no]);
}

#[test]
fn followups_due_by_the_end_of_today_overdue_first() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    // t0 is 09:00 Beijing; today ends at t0 + 15 h.
    let mut cases = Vec::new();
    for (hours, listed) in [(3, true), (-1, true), (15, true), (16, false), (40, false)] {
        let c = plain(&mut d, None);
        as_clerk(&mut d, |w| {
            followups::schedule(
                w,
                &eid,
                vocab::SubjectKind::Complaint,
                &c.id,
                t0() + Duration::hours(hours),
            )
        })
        .unwrap();
        cases.push((c, hours, listed));
    }
    let q = queues::followups(d.store.conn(), &eid, t0()).unwrap();
    assert_eq!(
        nos(&q),
        [
            cases[1].0.no.clone(),
            cases[0].0.no.clone(),
            cases[2].0.no.clone()
        ]
    );
    assert_eq!(
        q[0].deadline.as_ref().unwrap().state,
        DeadlineState::Overdue
    );
    assert_eq!(q[0].deadline.as_ref().unwrap().overdue_seconds, Some(3600));
    assert_eq!(
        q[1].deadline.as_ref().unwrap().remaining_seconds,
        Some(3 * 3600)
    );
    assert_eq!(q[0].kind, "followup");
    // The next morning, yesterday's "tomorrow" task is due; the one after is not yet.
    let q = queues::followups(d.store.conn(), &eid, t0() + Duration::days(1)).unwrap();
    assert_eq!(q.len(), 4);
    assert_eq!(q[3].no, cases[3].0.no);
}

fn tick(d: &mut Desk) -> queues::Tick {
    let eid = d.estate.id.clone();
    as_clerk(d, |w| queues::tick(w, &eid)).unwrap()
}

#[test]
fn overdue_first_response_and_handling_escalate_once_to_the_grades_role() {
    let facts = |g: &str| match g {
        "重大" => ComplaintInput {
            collective_size: Some(10),
            ..ComplaintInput::default()
        },
        "热点" => ComplaintInput {
            collective_size: Some(3),
            ..ComplaintInput::default()
        },
        "重要" => ComplaintInput {
            needs_other_departments: Some(true),
            ..ComplaintInput::default()
        },
        _ => ComplaintInput::default(),
    };
    // grade, minutes before nothing is overdue, minutes when it is, kind, role, reason needles
    let table = [
        (
            "一般",
            24 * 60,
            24 * 60 + 1,
            "overdue_first_response",
            Role::Supervisor,
            ["一般投诉首次响应超时", "联系业主"],
        ),
        (
            "重要",
            60,
            61,
            "overdue_first_response",
            Role::ProjectManager,
            ["重要投诉首次响应超时", "重要投诉1小时内报项目经理"],
        ),
        (
            "热点",
            60,
            61,
            "overdue_first_response",
            Role::GmAssistant,
            ["热点投诉首次响应超时", "上报总经理助理"],
        ),
        (
            "重大",
            15 * 60,
            15 * 60 + 1,
            "overdue_first_response",
            Role::GeneralManager,
            ["重大投诉首次响应超时", "重大投诉当天上报领导"],
        ),
    ];
    for (grade, before, after, kind, role, needles) in table {
        let mut d = desk();
        let c = complaint(&mut d, None, facts(grade));
        let overdue_kinds = |d: &Desk| -> Vec<grading::Escalation> {
            grading::escalations_for(d.store.conn(), &c.id)
                .unwrap()
                .into_iter()
                .filter(|e| e.kind.starts_with("overdue"))
                .collect()
        };
        d.clock.set(t0() + Duration::minutes(before));
        assert!(tick(&mut d).escalated.is_empty(), "{grade}");
        d.clock.set(t0() + Duration::minutes(after));
        let t = tick(&mut d);
        assert_eq!(t.escalated.len(), 1, "{grade}");
        let e = &t.escalated[0];
        assert_eq!(e.kind, kind, "{grade}");
        assert_eq!(e.to_role, role, "{grade}");
        assert_eq!(e.subject_no, c.no);
        for n in needles {
            assert!(e.reason.contains(n), "{grade}: {}", e.reason);
        }
        assert!(grading::needs_attention(d.store.conn(), &d.estate.id)
            .unwrap()
            .iter()
            .any(|x| x.id == e.id));
        // Raised once: later ticks, and acknowledging it, do not raise it again.
        minutes(&d, 5);
        assert!(tick(&mut d).escalated.is_empty(), "{grade}");
        as_supervisor(&mut d, |w| grading::acknowledge(w, &e.id, Some("已处理"))).unwrap();
        minutes(&d, 5);
        assert!(tick(&mut d).escalated.is_empty(), "{grade}");
        assert_eq!(overdue_kinds(&d).len(), 1, "{grade}");
        let events = complaints::events(d.store.conn(), "complaint", &c.id).unwrap();
        assert!(events.iter().any(|ev| ev.kind == "escalated"
            && ev.data["kind"] == kind
            && ev.data["to_role"] == role.code()));
    }
}

#[test]
fn a_general_complaint_unsettled_after_two_days_escalates_its_handling() {
    let mut d = desk();
    let c = plain(&mut d, None);
    // Contacted in time: no first-response escalation.
    minutes(&d, 60);
    as_clerk(&mut d, |w| {
        complaints::add_attempt(
            w,
            &c.id,
            &AttemptInput {
                method: Some("电话".into()),
                said: Some("联系业主说明处理进度".into()),
                result: Some("处理中".into()),
                ..AttemptInput::default()
            },
        )
    })
    .unwrap();
    d.clock.set(t0() + Duration::hours(30));
    assert!(tick(&mut d).escalated.is_empty());
    d.clock
        .set(t0() + Duration::hours(48) + Duration::seconds(1));
    let t = tick(&mut d);
    assert_eq!(t.escalated.len(), 1);
    let e = &t.escalated[0];
    assert_eq!(e.kind, "overdue_handling");
    assert_eq!(e.to_role, Role::Supervisor);
    assert!(e.reason.contains("一般投诉办结超时"), "{}", e.reason);
    assert!(e.reason.contains("一般投诉解决"), "{}", e.reason);
    // The queue shows it overdue.
    let q = complaint_queue(&d);
    assert_eq!(
        q[0].deadline.as_ref().unwrap().state,
        DeadlineState::Overdue
    );
    assert!(tick(&mut d).escalated.is_empty());
}

#[test]
fn a_paused_or_closed_complaint_is_not_escalated() {
    let mut d = desk();
    let paused = plain(&mut d, None);
    let closed = drive_to(&mut d, ComplaintStatus::Closed);
    minutes(&d, 60);
    as_clerk(&mut d, |w| {
        deadlines::pause(
            w,
            SubjectKind::Complaint,
            &paused.no,
            &PauseInput {
                reason: Some("业主出差，下周回来".into()),
            },
        )
    })
    .unwrap();
    d.clock.set(t0() + Duration::days(3));
    assert!(tick(&mut d).escalated.is_empty());
    assert!(grading::escalations_for(d.store.conn(), &paused.id)
        .unwrap()
        .is_empty());
    assert!(!nos(&complaint_queue(&d)).contains(&closed.no));
}

#[test]
fn the_default_queue_policy_is_part_of_the_policy_document() {
    let p = Policy::default();
    assert_eq!(p.queues, QueuePolicy::default());
    assert_eq!(p.queues.overdue_to(Grade::Major), Role::GeneralManager);
    assert_eq!(p.queues.overdue_to(Grade::Hot), Role::GmAssistant);
    assert_eq!(p.queues.overdue_to(Grade::Important), Role::ProjectManager);
    assert_eq!(p.queues.overdue_to(Grade::General), Role::Supervisor);
    let text = policy::to_toml(&p).unwrap();
    assert!(text.contains("[queues]"));
    assert_eq!(policy::from_toml(&text).unwrap(), p);
}

#[test]
fn the_escalation_role_comes_from_the_saved_policy() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let mut pol = Policy::default();
    pol.queues.overdue_general = Role::ProjectManager;
    as_supervisor(&mut d, |w| {
        policy::save(w, &eid, &pol, Some("一般投诉超时报项目经理"))
    })
    .unwrap();
    let c = plain(&mut d, None);
    d.clock.set(t0() + Duration::hours(25));
    let t = tick(&mut d);
    assert_eq!(t.escalated.len(), 1);
    assert_eq!(t.escalated[0].to_role, Role::ProjectManager);
    assert!(t.escalated[0].reason.contains("上报项目经理"));
    assert!(
        t.escalated[0].reason.contains("2026-11-24 09:00"),
        "{}",
        t.escalated[0].reason
    );
    assert_eq!(t.escalated[0].subject_no, c.no);
}

fn escalation_rows(d: &Desk) -> Vec<Vec<Option<String>>> {
    let conn = d.store.conn();
    let mut stmt = conn
        .prepare("SELECT * FROM escalations ORDER BY id")
        .unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| {
                r.get::<_, rusqlite::types::Value>(i).map(|v| match v {
                    rusqlite::types::Value::Null => None,
                    v => Some(format!("{v:?}")),
                })
            })
            .collect()
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

#[test]
fn escalations_store_overdue_kinds_and_refuse_unknown_ones() {
    let mut d = desk();
    let c = complaint(
        &mut d,
        None,
        ComplaintInput {
            collective_size: Some(10),
            ..ComplaintInput::default()
        },
    ); // 重大: a `major` escalation
    d.clock.set(t0() + Duration::hours(16));
    let t = tick(&mut d);
    assert_eq!(t.escalated.len(), 1);
    as_supervisor(&mut d, |w| {
        grading::acknowledge(w, &t.escalated[0].id, Some("已处理"))
    })
    .unwrap();
    let rows = escalation_rows(&d);
    assert_eq!(rows.len(), 2, "the major escalation and an overdue one");
    assert_eq!(
        grading::escalations_for(d.store.conn(), &c.id)
            .unwrap()
            .len(),
        2
    );
    let bogus = d.store.conn().execute(
        "INSERT INTO escalations(id, estate_id, subject_kind, subject_id, kind, reason, to_role,
            policy_version, raised_at, raised_by)
         SELECT 'x', estate_id, subject_kind, subject_id, 'bogus', reason, to_role,
            policy_version, raised_at, raised_by FROM escalations LIMIT 1",
        [],
    );
    assert!(bogus.is_err());
}

#[test]
fn the_lists_only_read() {
    let mut d = desk();
    let a = customer(&mut d, "1-1-101", "甲VIP", Tier::A);
    plain(&mut d, Some(&a));
    repair(&mut d, Some(&a), true);
    d.clock.set(t0() + Duration::days(3));
    let before = snapshot(&d.store);
    let (conn, eid, now) = (d.store.conn(), d.estate.id.as_str(), d.clock.now());
    assert_eq!(queues::complaints(conn, eid, now).unwrap().len(), 1);
    assert_eq!(queues::repairs(conn, eid, now).unwrap().len(), 1);
    assert!(queues::slips(conn, eid, now).unwrap().is_empty());
    assert!(queues::followups(conn, eid, now).unwrap().is_empty());
    assert_eq!(snapshot(&d.store), before);
}
