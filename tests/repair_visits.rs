//! The repair 回访's checklist (the seed's five points), the 整改通知单 a failed point issues
//! (number, repairer, deadlines, rework, delivery, closing, lateness, PDF) and the month's quota
//! by role.

use chrono::Duration;
use frontdesk::cases;
use frontdesk::followups::{self, CheckInput, FollowupInput};
use frontdesk::policy;
use frontdesk::repair_visits;
use frontdesk::repairs::{self, RepairOrder};
use frontdesk::time::{self, Period};
use frontdesk::vocab::{NoticeStatus, RepairStatus, SubjectKind, VisitPoint};
use frontdesk::{Actor, Error};

use crate::common::*;
use crate::repairs::{finished, free_finish, manager, now_step, signed, step};

/// A free repair signed off by the owner (its 回访 task scheduled).
fn signed_off(d: &mut Desk) -> RepairOrder {
    let o = finished(d, &free_finish());
    let clerk = d.clerk.clone();
    let o = step(d, &clerk, 5, |w| repairs::sign_off(w, &o.id, &signed()));
    assert_eq!(o.status, RepairStatus::Closed);
    o
}

/// The five points, all 合格 except `failed` (with its note).
fn checks(failed: &[(&str, &str)]) -> Vec<CheckInput> {
    VisitPoint::ALL
        .iter()
        .map(|p| {
            let f = failed.iter().find(|(code, _)| *code == p.code());
            CheckInput {
                point: Some(p.label().into()),
                passed: Some(f.is_none()),
                note: f.map(|(_, n)| n.to_string()),
            }
        })
        .collect()
}

fn call(result: &str, note: Option<&str>, checks: Vec<CheckInput>) -> FollowupInput {
    FollowupInput {
        result: Some(result.into()),
        note: note.map(str::to_string),
        checks,
    }
}

fn visit(d: &mut Desk, by: &Actor, no: &str, input: &FollowupInput) {
    d.store
        .write(by, |w| cases::record_followup(w, no, input))
        .unwrap();
}

#[test]
fn a_failed_point_issues_a_notice_to_the_repairer_and_sends_the_order_back() {
    let mut d = desk();
    let o = signed_off(&mut d);
    let coord = d.coordinator.clone();
    let at = d.clock.now();
    visit(
        &mut d,
        &coord,
        &o.no,
        &call(
            "满意",
            None,
            checks(&[("fees", "多收材料费 20 元，价目表为 35 元")]),
        ),
    );
    let conn = d.store.conn();
    let v = repair_visits::visits_for(conn, &o.id).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].checks.len(), 5);
    assert_eq!(v[0].visitor, "赵协调");
    let fees = v[0]
        .checks
        .iter()
        .find(|c| c.point == VisitPoint::Fees)
        .unwrap();
    assert!(!fees.passed);
    assert_eq!(v[0].notice_no.as_deref(), Some("LH-ZG2026-0001"));

    let n = repair_visits::find(conn, "lh-zg2026-0001", at).unwrap();
    assert_eq!(n.status, NoticeStatus::Issued);
    assert_eq!(n.repairer.as_deref(), Some("孙师傅"));
    assert_eq!(n.repair_no, o.no);
    assert!(n.problems.contains("核对收费情况：多收材料费"));
    assert_eq!(n.notify_by, time::to_db(at + Duration::hours(24)));
    assert_eq!(n.rework_by, time::to_db(at + Duration::hours(48)));
    assert_eq!(n.overdue, None);

    let order = repairs::order(conn, &o.id).unwrap();
    assert_eq!(order.status, RepairStatus::Dispatched);
    assert_eq!(order.rework_count, 1);
    assert_eq!(order.repairer.as_deref(), Some("孙师傅"));

    for entity in ["repair_visit", "rectification_notice"] {
        let id = if entity == "repair_visit" {
            &v[0].id
        } else {
            &n.id
        };
        let audit = frontdesk::store::audit_history(conn, entity, id).unwrap();
        assert_eq!(audit.len(), 1, "{entity} audited");
    }
    let events = frontdesk::store::events(conn, "rectification_notice", &n.id).unwrap();
    assert_eq!(events.len(), 1);

    // The order's card: its visit and its notice, by number as by id.
    let card = repair_visits::of_order(conn, &o.no, at).unwrap();
    assert_eq!(card.repair_no, o.no);
    assert_eq!(card.visits.len(), 1);
    assert_eq!(card.visits[0].id, v[0].id);
    assert_eq!(card.notices.len(), 1);
    assert_eq!(card.notices[0].no, "LH-ZG2026-0001");
    assert_eq!(
        repair_visits::of_order(conn, &o.id, at)
            .unwrap()
            .visits
            .len(),
        1
    );
    assert!(matches!(
        repair_visits::of_order(conn, "LH-WX2026-9999", at),
        Err(frontdesk::Error::NotFound { .. })
    ));
}

#[test]
fn all_points_passed_issue_nothing_and_dissatisfied_with_a_failure_reworks_once() {
    let mut d = desk();
    let a = signed_off(&mut d);
    let sup = d.supervisor.clone();
    visit(&mut d, &sup, &a.no, &call("满意", None, checks(&[])));
    let conn = d.store.conn();
    assert_eq!(
        repairs::order(conn, &a.id).unwrap().status,
        RepairStatus::Closed
    );
    assert!(
        repair_visits::list(conn, &d.estate.id, false, d.clock.now())
            .unwrap()
            .is_empty()
    );

    let b = signed_off(&mut d);
    visit(
        &mut d,
        &sup,
        &b.no,
        &call(
            "不满意",
            Some("还在渗水"),
            checks(&[("site", "地漏周边仍渗水"), ("signature", "业主拒绝签名")]),
        ),
    );
    let conn = d.store.conn();
    let order = repairs::order(conn, &b.id).unwrap();
    assert_eq!(order.rework_count, 1, "the call and the notice rework once");
    let n = repair_visits::for_repair(conn, &b.id, d.clock.now()).unwrap();
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].problems.lines().count(), 2);
}

#[test]
fn a_bad_checklist_is_refused_and_saves_nothing() {
    let mut d = desk();
    let o = signed_off(&mut d);
    let clerk = d.clerk.clone();
    let mut short = checks(&[]);
    short.pop();
    let mut twice = checks(&[]);
    twice.push(twice[0].clone());
    let mut no_note = checks(&[]);
    no_note[3].passed = Some(false);
    let mut undecided = checks(&[]);
    undecided[1].passed = None;
    let mut unknown = checks(&[]);
    unknown[0].point = Some("卫生".into());
    for (input, needle) in [
        (call("满意", None, short), "缺少“被回访人签名”"),
        (call("满意", None, twice), "重复"),
        (call("满意", None, no_note), "不合格时须写明问题"),
        (call("满意", None, undecided), "须选择合格或不合格"),
        (call("满意", None, unknown), "不是有效的回访检查项"),
        (
            call("联系不上", None, checks(&[])),
            "联系不上时不能登记检查项",
        ),
    ] {
        assert_rejected(&mut d.store, &clerk, "checks", needle, |w| {
            cases::record_followup(w, &o.no, &input)
        });
    }
    // A complaint's 回访 has no checklist.
    let (c, _) = {
        use crate::complaints::drive_to;
        let c = drive_to(&mut d, frontdesk::vocab::ComplaintStatus::Closed);
        let t = followups::list_for(d.store.conn(), SubjectKind::Complaint, &c.id).unwrap();
        (c, t)
    };
    assert_rejected(&mut d.store, &clerk, "checks", "只有维修单", |w| {
        cases::record_followup(w, &c.no, &call("满意", None, checks(&[])))
    });
}

#[test]
fn a_notice_is_delivered_closed_after_the_rework_and_late_ones_are_overdue() {
    let mut d = desk();
    let o = signed_off(&mut d);
    let coord = d.coordinator.clone();
    visit(
        &mut d,
        &coord,
        &o.no,
        &call("基本满意", None, checks(&[("service", "未穿鞋套")])),
    );
    let eid = d.estate.id.clone();
    let no = "LH-ZG2026-0001";
    assert!(repair_visits::overdue(d.store.conn(), &eid, d.clock.now())
        .unwrap()
        .is_empty());
    d.clock.advance(Duration::hours(25));
    let late = repair_visits::overdue(d.store.conn(), &eid, d.clock.now()).unwrap();
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].overdue.as_deref(), Some("逾期未送达"));

    let clerk = d.clerk.clone();
    let n = d
        .store
        .write(&clerk, |w| {
            repair_visits::deliver(w, no, Some("孙师傅签收"))
        })
        .unwrap();
    assert_eq!(n.status, NoticeStatus::Delivered);
    assert_eq!(n.delivered_by.as_deref(), Some("李前台"));
    assert!(repair_visits::overdue(d.store.conn(), &eid, d.clock.now())
        .unwrap()
        .is_empty());
    // Delivered twice: refused by state.
    let again = d
        .store
        .write(&clerk, |w| repair_visits::deliver(w, no, None));
    assert!(matches!(again, Err(Error::State(_))), "{again:?}");
    // Not closable before the rework is finished.
    let early = d.store.write(&clerk, |w| repair_visits::close(w, no, None));
    assert!(matches!(early, Err(Error::State(m)) if m.contains("返修完工后")));
    // Late for the rework after 48 h.
    d.clock.advance(Duration::hours(24));
    let late = repair_visits::overdue(d.store.conn(), &eid, d.clock.now()).unwrap();
    assert_eq!(late[0].overdue.as_deref(), Some("逾期未整改"));
    // A clerk may not void it.
    let denied = d
        .store
        .write(&clerk, |w| repair_visits::void(w, no, "误开"));
    assert!(matches!(denied, Err(Error::Denied(_))), "{denied:?}");

    let sun = d.repairer.clone();
    step(&mut d, &sun, 5, |w| repairs::accept(w, &o.id, &now_step()));
    step(&mut d, &sun, 5, |w| repairs::arrive(w, &o.id, &now_step()));
    step(&mut d, &sun, 30, |w| {
        repairs::finish(w, &o.id, &free_finish())
    });
    let n = d
        .store
        .write(&clerk, |w| {
            repair_visits::close(w, no, Some("已穿鞋套返修，业主认可"))
        })
        .unwrap();
    assert_eq!(n.status, NoticeStatus::Closed);
    assert_eq!(n.overdue, None);
    let events = frontdesk::store::events(d.store.conn(), "rectification_notice", &n.id).unwrap();
    assert_eq!(events.len(), 3);
    assert!(
        repair_visits::list(d.store.conn(), &eid, true, d.clock.now())
            .unwrap()
            .is_empty()
    );

    let out = scratch("rectification-notice").join("notice.pdf");
    let w =
        frontdesk::documents::pdf::rectification_notice(d.store.conn(), no, d.clock.now(), &out)
            .unwrap();
    assert_eq!(w.pages, 1);
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF"));
}

#[test]
fn a_late_notice_is_escalated_by_the_tick_once_for_each_lateness() {
    use frontdesk::{grading, queues};
    let mut d = desk();
    let o = signed_off(&mut d);
    let coord = d.coordinator.clone();
    visit(
        &mut d,
        &coord,
        &o.no,
        &call("基本满意", None, checks(&[("fees", "多收材料费 20 元")])),
    );
    let eid = d.estate.id.clone();
    let tick = |d: &mut Desk| {
        let eid = d.estate.id.clone();
        d.store
            .write(&Actor::system(), |w| queues::tick(w, &eid))
            .unwrap()
    };
    let notices = |e: &[grading::Escalation]| {
        e.iter()
            .filter(|e| e.subject_kind == "notice")
            .map(|e| e.kind.clone())
            .collect::<Vec<_>>()
    };
    // In time: nothing.
    d.clock.advance(Duration::hours(23));
    assert!(notices(&tick(&mut d).escalated).is_empty());
    // Not delivered after 24 h: one escalation to the 主管, and only one however often it ticks.
    d.clock.advance(Duration::hours(2));
    let t = tick(&mut d);
    assert_eq!(notices(&t.escalated), ["notice_undelivered"]);
    let e = t
        .escalated
        .iter()
        .find(|e| e.subject_kind == "notice")
        .unwrap();
    assert_eq!(e.subject_no, "LH-ZG2026-0001");
    assert_eq!(e.grade, None);
    assert_eq!(e.to_role, frontdesk::vocab::Role::Supervisor);
    assert!(
        e.summary.starts_with(&format!("维修单{}：", o.no)),
        "{}",
        e.summary
    );
    assert!(
        e.reason.contains("应于")
            && e.reason.contains("书面送达维修人员")
            && e.reason.contains("已超时1小时"),
        "{}",
        e.reason
    );
    assert!(notices(&tick(&mut d).escalated).is_empty());
    let open = grading::needs_attention(d.store.conn(), &eid).unwrap();
    assert_eq!(notices(&open), ["notice_undelivered"]);
    let events =
        frontdesk::store::events(d.store.conn(), "rectification_notice", &e.subject_id).unwrap();
    assert!(events.iter().any(|ev| ev.kind == "escalated"), "{events:?}");

    // Delivered late, then the rework is late too: the second lateness raises its own.
    let clerk = d.clerk.clone();
    d.store
        .write(&clerk, |w| {
            repair_visits::deliver(w, "LH-ZG2026-0001", None)
        })
        .unwrap();
    d.clock.advance(Duration::hours(24));
    assert_eq!(notices(&tick(&mut d).escalated), ["notice_rework_late"]);
    assert!(notices(&tick(&mut d).escalated).is_empty());

    // A supervisor acknowledges it: it leaves 待关注; a clerk may not.
    let id = e.id.clone();
    let denied = d
        .store
        .write(&clerk, |w| grading::acknowledge(w, &id, None));
    assert!(matches!(denied, Err(Error::Denied(_))), "{denied:?}");
    let sup = d.supervisor.clone();
    let acked = d
        .store
        .write(&sup, |w| {
            grading::acknowledge(w, &id, Some("已督促孙师傅签收"))
        })
        .unwrap();
    assert!(acked.acknowledged_at.is_some());
    let open = grading::needs_attention(d.store.conn(), &eid).unwrap();
    assert_eq!(notices(&open), ["notice_rework_late"]);

    // The month's statistics name both kinds.
    let today = time::local_date(d.clock.now());
    let k = frontdesk::kpi::compute(
        d.store.conn(),
        &eid,
        today - Duration::days(7),
        today + Duration::days(1),
        d.clock.now(),
    )
    .unwrap();
    let names: Vec<_> = k.escalations.iter().map(|c| c.label.as_str()).collect();
    assert!(names.contains(&"整改通知逾期未送达上报"), "{names:?}");
    assert!(names.contains(&"整改逾期未完成上报"), "{names:?}");
}

#[test]
fn the_months_quota_counts_distinct_repairs_visited_by_each_role() {
    let mut d = desk();
    let orders: Vec<RepairOrder> = (0..4).map(|_| signed_off(&mut d)).collect();
    let (sup, coord) = (d.supervisor.clone(), d.coordinator.clone());
    let mgr = manager(&mut d);
    visit(
        &mut d,
        &sup,
        &orders[0].no,
        &call("满意", None, checks(&[])),
    );
    visit(
        &mut d,
        &coord,
        &orders[1].no,
        &call("满意", None, checks(&[])),
    );
    visit(
        &mut d,
        &mgr,
        &orders[2].no,
        &call("满意", None, checks(&[])),
    );
    // A call without the checklist is not a visit.
    visit(
        &mut d,
        &coord,
        &orders[3].no,
        &call("满意", None, Vec::new()),
    );
    let eid = d.estate.id.clone();
    let month = Period::month("2026-11").unwrap();
    let q = repair_visits::quota(d.store.conn(), &eid, &month).unwrap();
    assert_eq!(q.period, "2026年11月");
    assert_eq!(q.repairs, 4);
    let row = |name: &str| q.rows.iter().find(|r| r.name == name).unwrap().clone();
    let (m, head, lead) = (row("管理处经理"), row("主管"), row("维修负责人"));
    assert_eq!((m.visited, m.needed, m.met), (1, 1, true));
    assert_eq!((head.visited, head.needed, head.met), (1, 2, false));
    assert_eq!(head.percent, 25.0);
    assert_eq!((lead.visited, lead.needed, lead.met), (1, 3, false));

    // Another month has its own repairs: none in December.
    let dec = Period::month("2026-12").unwrap();
    let q = repair_visits::quota(d.store.conn(), &eid, &dec).unwrap();
    assert_eq!(q.repairs, 0);
    assert!(q
        .rows
        .iter()
        .all(|r| r.percent == 0.0 && r.needed == 0 && r.met));

    // Rules are data: 主管 at 25 % needs only one visit.
    let mut p = policy::current(d.store.conn(), &eid).unwrap().policy;
    p.repair_visits.quotas[1].percent = 25;
    d.store
        .write(&sup, |w| policy::save(w, &eid, &p, None))
        .unwrap();
    let q = repair_visits::quota(d.store.conn(), &eid, &month).unwrap();
    assert!(q.rows[1].met);
}

#[test]
fn the_policy_refuses_a_role_in_two_quotas_a_zero_percentage_and_a_clerk_for_late_notices() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let sup = d.supervisor.clone();
    let base = policy::current(d.store.conn(), &eid).unwrap().policy;
    let mut twice = base.clone();
    twice.repair_visits.quotas[0]
        .roles
        .push(frontdesk::vocab::Role::Supervisor);
    let mut zero = base.clone();
    zero.repair_visits.quotas[1].percent = 0;
    let mut clerk = base.clone();
    clerk.repair_visits.overdue_to = frontdesk::vocab::Role::Receptionist;
    let mut early = base;
    early.repair_visits.rework_hours = 12;
    for (p, field, needle) in [
        (twice, "repair_visits.quotas", "只能计入一项"),
        (zero, "repair_visits.quotas", "1–100%"),
        (clerk, "repair_visits.overdue_to", "主管及以上"),
        (early, "repair_visits.rework_hours", "不能早于"),
    ] {
        assert_rejected(&mut d.store, &sup, field, needle, |w| {
            policy::save(w, &eid, &p, None)
        });
    }
}
