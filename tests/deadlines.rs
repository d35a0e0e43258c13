//! Deadlines: every default rule, states, pauses (exact to the second), cases from the store,
//! policy versions kept.

use chrono::Duration;
use frontdesk::calendar::Calendar;
use frontdesk::complaints::{self, AttemptInput};
use frontdesk::deadlines::{
    self, evaluate, Deadline, DeadlinePolicy, DeadlineState, PauseInput, SubjectKind,
};
use frontdesk::repairs::{self, DispatchInput, RepairInput, StepInput};
use frontdesk::slips::{self, ReturnInput};
use frontdesk::{policy, time, Error};

use crate::calendar::bj;
use crate::common::*;
use crate::complaints::{as_clerk, open_complaint};

fn db(s: &str) -> String {
    time::to_db(bj(s))
}

#[test]
fn every_default_rule_is_due_as_the_policy_says() {
    let p = DeadlinePolicy::default();
    let cal = Calendar::national(&p.weekend).unwrap();
    let start = bj("2026-11-23 09:00"); // Monday
    let table = [
        ("complaint_contact", "2026-11-24 09:00"),
        ("complaint_plan", "2026-11-30 09:00"),
        ("response_major", "2026-11-24 00:00"),
        ("response_hot", "2026-11-23 10:00"),
        ("response_important", "2026-11-23 10:00"),
        ("settle_general", "2026-11-25 09:00"),
        ("slip_answer", "2026-11-24 09:00"),
        ("repair_on_site", "2026-11-23 09:15"),
        ("repair_urgent_on_site", "2026-11-23 09:30"),
        ("repair_appointment", "2026-11-23 09:00"),
        ("repair_general", "2026-11-23 17:00"),
        ("repair_urgent", "2026-11-24 09:00"),
        ("repair_other", "2026-11-25 09:00"),
        ("public_small", "2026-11-24 00:00"),
        ("public_medium", "2026-11-26 09:00"),
        ("public_large", "2026-11-28 09:00"),
        ("repair_followup_safety", "2026-11-25 09:00"),
        ("repair_followup_leak", "2026-11-26 09:00"),
        ("repair_followup_other", "2026-11-30 09:00"),
    ];
    let rules = p.rules();
    assert_eq!(rules.len(), table.len(), "every rule has a row");
    for (name, due) in table {
        let (_, rule) = rules.iter().find(|(n, _)| *n == name).unwrap();
        assert_eq!(rule.due_from(start, &cal), bj(due), "{name}");
        assert!(rule
            .label
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
    }
    p.validate().unwrap();
    let mut bad = p.clone();
    bad.response_hot.amount = -1;
    assert!(matches!(bad.validate(), Err(Error::Invalid { .. })));
}

#[test]
fn the_plan_is_due_across_national_day_and_counts_the_make_up_saturday() {
    let p = DeadlinePolicy::default();
    let cal = Calendar::national(&p.weekend).unwrap();
    for (start, due) in [
        ("2026-09-29 10:00", "2026-10-12 10:00"),
        ("2026-10-02 10:00", "2026-10-13 10:00"),
        ("2026-10-01 10:00", "2026-10-13 10:00"),
        ("2026-09-30 16:00", "2026-10-13 16:00"),
        ("2026-02-12 09:00", "2026-02-26 09:00"),
    ] {
        assert_eq!(
            p.complaint_plan.due_from(bj(start), &cal),
            bj(due),
            "{start}"
        );
    }
    // Sunday-only weekend: Saturdays count.
    let six = Calendar::national(&[7]).unwrap();
    assert_eq!(
        p.complaint_plan.due_from(bj("2026-11-23 09:00"), &six),
        bj("2026-11-28 09:00")
    );
}

fn eval(
    start: &str,
    due: &str,
    met: Option<&str>,
    pauses: &[(&str, Option<&str>)],
    now: &str,
) -> Deadline {
    let rule = DeadlinePolicy::default().complaint_contact; // due soon: 240 minutes
    let pauses: Vec<_> = pauses.iter().map(|(a, b)| (bj(a), b.map(bj))).collect();
    evaluate(
        "complaint_contact",
        &rule,
        bj(start),
        bj(due),
        met.map(bj),
        &pauses,
        bj(now),
        0,
    )
}

#[test]
fn states_follow_the_due_time_and_the_threshold() {
    use DeadlineState::*;
    let (s, due) = ("2026-11-23 09:00", "2026-11-24 09:00");
    for (met, now, state, remaining, overdue) in [
        (None, "2026-11-23 09:00", OnTime, Some(86400), None),
        (
            None,
            "2026-11-24 04:59:59",
            OnTime,
            Some(4 * 3600 + 1),
            None,
        ),
        (None, "2026-11-24 05:00", DueSoon, Some(4 * 3600), None),
        (None, "2026-11-24 09:00", DueSoon, Some(0), None),
        (None, "2026-11-24 09:00:01", Overdue, None, Some(1)),
        (None, "2026-11-25 10:00", Overdue, None, Some(25 * 3600)),
        (
            Some("2026-11-24 09:00"),
            "2026-11-30 09:00",
            Met,
            None,
            None,
        ),
        (
            Some("2026-11-23 10:00"),
            "2026-11-23 11:00",
            Met,
            None,
            None,
        ),
        (
            Some("2026-11-24 09:00:07"),
            "2026-11-30 09:00",
            MetLate,
            None,
            Some(7),
        ),
    ] {
        let x = eval(s, due, met, &[], now);
        assert_eq!(
            (x.state, x.remaining_seconds, x.overdue_seconds),
            (state, remaining, overdue),
            "{met:?} at {now}"
        );
        assert_eq!(x.state_label, state.label());
    }
}

#[test]
fn paused_time_does_not_count_to_the_second() {
    let (s, due) = ("2026-11-23 09:00", "2026-11-24 09:00");
    for (pauses, now, due_at, paused, state) in [
        // One closed pause of 3 h 25 min 7 s.
        (
            vec![("2026-11-23 10:00", Some("2026-11-23 13:25:07"))],
            "2026-11-23 14:00",
            "2026-11-24 12:25:07",
            12307,
            DeadlineState::OnTime,
        ),
        // Two pauses add up.
        (
            vec![
                ("2026-11-23 10:00", Some("2026-11-23 10:00:30")),
                ("2026-11-23 20:00", Some("2026-11-24 08:00:01")),
            ],
            "2026-11-24 12:00",
            "2026-11-24 21:00:31",
            43231,
            DeadlineState::OnTime,
        ),
        // An open pause keeps moving the due time with the clock.
        (
            vec![("2026-11-23 12:00", None)],
            "2026-11-25 12:00",
            "2026-11-26 09:00",
            48 * 3600,
            DeadlineState::OnTime,
        ),
        // Time paused before the start does not count.
        (
            vec![("2026-11-23 08:00", Some("2026-11-23 09:00:10"))],
            "2026-11-23 10:00",
            "2026-11-24 09:00:10",
            10,
            DeadlineState::OnTime,
        ),
        // A pause begun after the deadline passed does not make it on time again.
        (
            vec![("2026-11-24 10:00", Some("2026-11-26 10:00"))],
            "2026-11-26 11:00",
            "2026-11-24 09:00",
            0,
            DeadlineState::Overdue,
        ),
    ] {
        let x = eval(s, due, None, &pauses, now);
        assert_eq!(
            (x.due_at.clone(), x.paused_seconds, x.state),
            (db(due_at), paused, state),
            "{pauses:?}"
        );
    }
    // Paused time after the step was met does not count.
    let x = eval(
        s,
        due,
        Some("2026-11-23 11:00"),
        &[("2026-11-23 10:00", None)],
        "2026-11-30 09:00",
    );
    assert_eq!((x.paused_seconds, x.state), (3600, DeadlineState::Met));
}

#[test]
fn a_pause_over_a_weekend_moves_a_working_day_deadline_by_its_exact_length() {
    let p = DeadlinePolicy::default();
    let cal = Calendar::national(&p.weekend).unwrap();
    let start = bj("2026-11-20 09:00"); // Friday
    let base = p.complaint_plan.due_from(start, &cal);
    assert_eq!(base, bj("2026-11-27 09:00"));
    let pause = (bj("2026-11-20 17:00:05"), Some(bj("2026-11-23 09:00:00")));
    let x = evaluate(
        "complaint_plan",
        &p.complaint_plan,
        start,
        base,
        None,
        &[pause],
        bj("2026-11-24 09:00"),
        0,
    );
    assert_eq!(x.paused_seconds, 2 * 86400 + 15 * 3600 + 59 * 60 + 55);
    assert_eq!(x.due_at, db("2026-11-30 00:59:55"));
}

// ---------------------------------------------------------------------------------------------
// From the store

fn show(d: &Desk, kind: SubjectKind, no: &str) -> Vec<Deadline> {
    deadlines::show(d.store.conn(), kind, no, d.store.now())
        .unwrap()
        .deadlines
}

fn find<'a>(ds: &'a [Deadline], rule: &str) -> &'a Deadline {
    ds.iter()
        .find(|x| x.rule == rule)
        .unwrap_or_else(|| panic!("no {rule} in {ds:?}"))
}

fn attempt(result: &str) -> AttemptInput {
    AttemptInput {
        method: Some("电话".into()),
        said: Some("已联系业主".into()),
        result: Some(result.into()),
        ..AttemptInput::default()
    }
}

#[test]
fn a_complaint_has_contact_plan_and_first_response_deadlines() {
    let mut d = desk();
    let c = open_complaint(&mut d);
    let ds = show(&d, SubjectKind::Complaint, &c.no);
    assert_eq!(ds.len(), 3);
    let contact = find(&ds, "complaint_contact");
    assert_eq!(
        (contact.started_at.as_str(), contact.due_at.clone()),
        (c.received_at.as_str(), db("2026-11-24 09:00"))
    );
    assert_eq!(contact.state, DeadlineState::OnTime);
    assert_eq!(find(&ds, "complaint_plan").due_at, db("2026-11-30 09:00"));
    assert_eq!(find(&ds, "settle_general").due_at, db("2026-11-25 09:00"));

    // No answer is not contact; a later answer is, and late.
    d.clock.advance(Duration::hours(20));
    let no = c.no.clone();
    as_clerk(&mut d, |w| {
        complaints::add_attempt(w, &no, &attempt("未联系上"))
    })
    .unwrap();
    let ds = show(&d, SubjectKind::Complaint, &c.no);
    assert_eq!(find(&ds, "complaint_contact").state, DeadlineState::DueSoon);
    d.clock.advance(Duration::hours(5));
    assert_eq!(
        find(
            &show(&d, SubjectKind::Complaint, &c.no),
            "complaint_contact"
        )
        .overdue_seconds,
        Some(3600)
    );
    as_clerk(&mut d, |w| {
        complaints::add_attempt(w, &no, &attempt("达成一致"))
    })
    .unwrap();
    let ds = show(&d, SubjectKind::Complaint, &c.no);
    let contact = find(&ds, "complaint_contact");
    assert_eq!(
        (contact.state, contact.overdue_seconds),
        (DeadlineState::MetLate, Some(3600))
    );
    assert_eq!(find(&ds, "complaint_plan").state, DeadlineState::Met);
}

#[test]
fn graded_complaints_get_their_first_response_rule() {
    for (grade, rule, due) in [
        ("重大", "response_major", "2026-11-24 00:00"),
        ("热点", "response_hot", "2026-11-23 10:00"),
        ("重要", "response_important", "2026-11-23 10:00"),
    ] {
        let mut d = desk();
        let c = open_complaint(&mut d);
        let (sup, no) = (d.supervisor.clone(), c.no.clone());
        d.store
            .write(&sup, |w| {
                complaints::set_grade(
                    w,
                    &no,
                    &complaints::GradeInput {
                        grade: Some(grade.into()),
                        reason: Some("测试".into()),
                    },
                )
            })
            .unwrap();
        let ds = show(&d, SubjectKind::Complaint, &c.no);
        assert_eq!(find(&ds, rule).due_at, db(due), "{grade}");
    }
}

#[test]
fn pause_and_resume_are_exact_audited_and_checked() {
    let mut d = desk();
    let c = open_complaint(&mut d);
    let clerk = d.clerk.clone();
    let no = c.no.clone();
    let why = PauseInput {
        reason: Some("业主出差 😀𠮷 '; DROP TABLE x;--".into()),
    };
    d.clock.advance(Duration::hours(1));
    let p = d
        .store
        .write(&clerk, |w| {
            deadlines::pause(w, SubjectKind::Complaint, &no, &why)
        })
        .unwrap();
    assert_eq!(p.reason, "业主出差 😀𠮷 '; DROP TABLE x;--");
    // A second pause while one is open is refused and changes nothing.
    let before = snapshot(&d.store);
    let r = d.store.write(&clerk, |w| {
        deadlines::pause(w, SubjectKind::Complaint, &no, &why)
    });
    assert!(matches!(r, Err(Error::State(m)) if m.contains("暂停中")));
    assert_eq!(before, snapshot(&d.store));
    assert!(show(&d, SubjectKind::Complaint, &no)[0].paused);

    d.clock.advance(Duration::seconds(3 * 3600 + 25 * 60 + 7));
    d.store
        .write(&clerk, |w| {
            deadlines::resume(w, SubjectKind::Complaint, &no)
        })
        .unwrap();
    let contact = find(&show(&d, SubjectKind::Complaint, &no), "complaint_contact").clone();
    assert_eq!(contact.paused_seconds, 12307);
    assert_eq!(contact.due_at, db("2026-11-24 12:25:07"));
    assert!(!contact.paused);

    // A second pause adds up.
    d.clock.advance(Duration::hours(1));
    d.store
        .write(&clerk, |w| {
            deadlines::pause(w, SubjectKind::Complaint, &no, &why)
        })
        .unwrap();
    d.clock.advance(Duration::seconds(61));
    d.store
        .write(&clerk, |w| {
            deadlines::resume(w, SubjectKind::Complaint, &no)
        })
        .unwrap();
    let contact = find(&show(&d, SubjectKind::Complaint, &no), "complaint_contact").clone();
    assert_eq!(contact.paused_seconds, 12307 + 61);

    // Resume without a pause: Chinese state error, nothing changed.
    let before = snapshot(&d.store);
    let r = d.store.write(&clerk, |w| {
        deadlines::resume(w, SubjectKind::Complaint, &no)
    });
    assert!(matches!(r, Err(Error::State(m)) if m.contains("没有暂停")));
    assert_eq!(before, snapshot(&d.store));

    let audits: i64 = d
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'deadline_pause'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audits, 4);
    let pauses = deadlines::pauses(d.store.conn(), SubjectKind::Complaint, &c.id).unwrap();
    assert_eq!(pauses.len(), 2);
    assert!(pauses.iter().all(|p| p.resumed_at.is_some()));
}

#[test]
fn bad_pause_input_is_rejected_and_nothing_changes() {
    let mut d = desk();
    let c = open_complaint(&mut d);
    let clerk = d.clerk.clone();
    for (reason, needle) in [
        (None, "必填"),
        (Some("  "), "必填"),
        (Some("出\u{1}差"), "暂停原因"),
    ] {
        let input = PauseInput {
            reason: reason.map(str::to_string),
        };
        let no = c.no.clone();
        assert_rejected(&mut d.store, &clerk, "reason", needle, |w| {
            deadlines::pause(w, SubjectKind::Complaint, &no, &input)
        });
    }
    let input = PauseInput {
        reason: Some("等业主".into()),
    };
    let r = d.store.write(&clerk, |w| {
        deadlines::pause(w, SubjectKind::Repair, "LH-WX2026-9999", &input)
    });
    assert!(matches!(r, Err(Error::NotFound { .. })), "{r:?}");
    assert!(matches!(
        SubjectKind::parse("发票"),
        Err(Error::Invalid { field: "kind", .. })
    ));
    assert_eq!(SubjectKind::parse("协调单").unwrap(), SubjectKind::Slip);
}

#[test]
fn a_complaint_keeps_the_policy_version_it_was_judged_under() {
    let mut d = desk();
    let (sup, eid) = (d.supervisor.clone(), d.estate.id.clone());
    let mut p = policy::current(d.store.conn(), &eid).unwrap().policy;
    p.deadlines.complaint_contact.amount = 12;
    d.store
        .write(&sup, |w| policy::save(w, &eid, &p, None))
        .unwrap();
    let c = open_complaint(&mut d);
    p.deadlines.complaint_contact.amount = 48;
    d.store
        .write(&sup, |w| policy::save(w, &eid, &p, None))
        .unwrap();
    let contact = find(
        &show(&d, SubjectKind::Complaint, &c.no),
        "complaint_contact",
    )
    .clone();
    assert_eq!(
        (contact.policy_version, contact.due_at),
        (1, db("2026-11-23 21:00"))
    );
    let v = deadlines::policy_at_version(d.store.conn(), &eid, 2).unwrap();
    assert_eq!(v.policy.deadlines.complaint_contact.amount, 48);
}

fn repair(d: &mut Desk, kind: &str, urgency: &str, scale: Option<&str>) -> repairs::RepairOrder {
    let (clerk, eid) = (d.clerk.clone(), d.estate.id.clone());
    let input = RepairInput {
        unit: Some("3-2-1201".into()),
        reporter_name: Some("张伟".into()),
        phone: Some("13800138000".into()),
        kind: Some(kind.into()),
        urgency: Some(urgency.into()),
        scale: scale.map(str::to_string),
        content: Some("漏水".into()),
        ..Default::default()
    };
    d.store
        .write(&clerk, |w| repairs::create(w, &eid, &input))
        .unwrap()
}

#[test]
fn a_repair_order_keeps_the_policy_version_it_was_reported_under() {
    let mut d = desk();
    let (sup, eid) = (d.supervisor.clone(), d.estate.id.clone());
    let o = repair(&mut d, "房屋", "一般", None);
    let before = find(&show(&d, SubjectKind::Repair, &o.no), "repair_general").clone();
    let mut p = policy::current(d.store.conn(), &eid).unwrap().policy;
    p.deadlines.repair_general.amount *= 3;
    d.store
        .write(&sup, |w| policy::save(w, &eid, &p, None))
        .unwrap();
    let after = find(&show(&d, SubjectKind::Repair, &o.no), "repair_general").clone();
    assert_eq!((after.policy_version, &after.due_at), (0, &before.due_at));
    // A new order is judged under the new version.
    let newer = repair(&mut d, "房屋", "一般", None);
    let n = find(&show(&d, SubjectKind::Repair, &newer.no), "repair_general").clone();
    assert_eq!(n.policy_version, 1);
    assert_ne!(n.due_at, before.due_at);
}

#[test]
fn repair_orders_get_on_site_and_completion_deadlines() {
    for (kind, urgency, scale, rules) in [
        (
            "房屋",
            "一般",
            None,
            vec![("repair_general", "2026-11-23 17:00")],
        ),
        (
            "系统",
            "一般",
            None,
            vec![("repair_general", "2026-11-23 17:00")],
        ),
        (
            "特约",
            "一般",
            None,
            vec![("repair_other", "2026-11-25 09:00")],
        ),
        (
            "房屋",
            "紧急",
            None,
            vec![
                ("repair_urgent_on_site", "2026-11-23 09:30"),
                ("repair_urgent", "2026-11-24 09:00"),
            ],
        ),
        (
            "公共设施",
            "一般",
            Some("小修"),
            vec![("public_small", "2026-11-24 00:00")],
        ),
        (
            "公共设施",
            "一般",
            Some("中修"),
            vec![("public_medium", "2026-11-26 09:00")],
        ),
        (
            "公共设施",
            "一般",
            Some("大修"),
            vec![("public_large", "2026-11-28 09:00")],
        ),
    ] {
        let mut d = desk();
        let o = repair(&mut d, kind, urgency, scale);
        let ds = show(&d, SubjectKind::Repair, &o.no);
        assert_eq!(ds.len(), rules.len(), "{kind} {urgency}");
        for (rule, due) in rules {
            assert_eq!(find(&ds, rule).due_at, db(due), "{kind} {urgency} {rule}");
        }
    }
}

#[test]
fn on_site_runs_from_dispatch_and_is_met_late_by_the_second() {
    let mut d = desk();
    let o = repair(&mut d, "房屋", "一般", None);
    let (sup, rep) = (d.supervisor.clone(), d.repairer.clone());
    d.clock.advance(Duration::minutes(10));
    let no = o.no.clone();
    d.store
        .write(&sup, |w| {
            repairs::dispatch(
                w,
                &no,
                &DispatchInput {
                    repairer: Some("sun".into()),
                    at: None,
                },
            )
        })
        .unwrap();
    let on_site = find(&show(&d, SubjectKind::Repair, &no), "repair_on_site").clone();
    assert_eq!(
        (on_site.due_at.as_str(), on_site.state),
        (db("2026-11-23 09:25").as_str(), DeadlineState::OnTime)
    );
    d.clock.advance(Duration::seconds(15 * 60 + 42));
    d.store
        .write(&rep, |w| repairs::accept(w, &no, &StepInput::default()))
        .unwrap();
    d.store
        .write(&rep, |w| repairs::arrive(w, &no, &StepInput::default()))
        .unwrap();
    let on_site = find(&show(&d, SubjectKind::Repair, &no), "repair_on_site").clone();
    assert_eq!(
        (on_site.state, on_site.overdue_seconds),
        (DeadlineState::MetLate, Some(42))
    );
}

/// An order booked with the owner for tomorrow 09:00 (seed 002 入户维修 4.2.1): on site by the
/// appointment, not 15 minutes after dispatch; the work counts from the appointment; arriving
/// ten minutes after it is late.
#[test]
fn an_appointment_is_the_on_site_deadline_and_starts_the_work_clock() {
    let mut d = desk();
    let (clerk, sup, rep, eid) = (
        d.clerk.clone(),
        d.supervisor.clone(),
        d.repairer.clone(),
        d.estate.id.clone(),
    );
    let input = RepairInput {
        unit: Some("3-2-1201".into()),
        kind: Some("房屋".into()),
        content: Some("卫生间地漏堵塞".into()),
        appointment_at: Some("2026-11-24 09:00".into()),
        ..Default::default()
    };
    let o = d
        .store
        .write(&clerk, |w| repairs::create(w, &eid, &input))
        .unwrap();
    let no = o.no.clone();
    d.store
        .write(&sup, |w| {
            repairs::dispatch(
                w,
                &no,
                &DispatchInput {
                    repairer: Some("sun".into()),
                    at: None,
                },
            )
        })
        .unwrap();
    d.clock.advance(Duration::hours(2));
    let ds = show(&d, SubjectKind::Repair, &no);
    assert!(ds.iter().all(|x| x.rule != "repair_on_site"), "{ds:?}");
    let on_site = find(&ds, "repair_appointment").clone();
    assert_eq!(
        (on_site.due_at.as_str(), on_site.state),
        (db("2026-11-24 09:00").as_str(), DeadlineState::OnTime),
        "two hours after dispatch, not late"
    );
    assert_eq!(find(&ds, "repair_general").due_at, db("2026-11-24 17:00"));
    // The repairer arrives at 09:10 the next morning: 10 minutes late.
    d.clock
        .set(t0() + Duration::hours(24) + Duration::minutes(10));
    d.store
        .write(&rep, |w| repairs::accept(w, &no, &StepInput::default()))
        .unwrap();
    d.store
        .write(&rep, |w| repairs::arrive(w, &no, &StepInput::default()))
        .unwrap();
    let on_site = find(&show(&d, SubjectKind::Repair, &no), "repair_appointment").clone();
    assert_eq!(
        (on_site.state, on_site.overdue_seconds),
        (DeadlineState::MetLate, Some(600))
    );
}

#[test]
fn a_slip_is_due_at_its_printed_deadline_and_met_when_returned() {
    let mut d = desk();
    let c = open_complaint(&mut d);
    let s = crate::slips::slip_for(&mut d, &c.no, "工程维修部", Some("sun"));
    let ds = show(&d, SubjectKind::Slip, &s.no);
    assert_eq!(
        (ds[0].rule.as_str(), ds[0].due_at.clone()),
        ("slip_answer", db("2026-11-24 09:00"))
    );
    let clerk = d.clerk.clone();
    let no = s.no.clone();
    d.store
        .write(&clerk, |w| {
            deadlines::pause(
                w,
                SubjectKind::Slip,
                &no,
                &PauseInput {
                    reason: Some("业主不在家".into()),
                },
            )
        })
        .unwrap();
    d.clock.advance(Duration::hours(2));
    d.store
        .write(&clerk, |w| deadlines::resume(w, SubjectKind::Slip, &no))
        .unwrap();
    assert_eq!(
        show(&d, SubjectKind::Slip, &no)[0].due_at,
        db("2026-11-24 11:00")
    );
    as_clerk(&mut d, |w| slips::print(w, &no)).unwrap();
    as_clerk(&mut d, |w| slips::hand_over(w, &no, &Default::default())).unwrap();
    as_clerk(&mut d, |w| {
        slips::record_return(
            w,
            &no,
            &ReturnInput {
                owner_signed: true,
                handling_result: Some("已处理".into()),
                ..ReturnInput::default()
            },
        )
    })
    .unwrap();
    assert_eq!(
        show(&d, SubjectKind::Slip, &no)[0].state,
        DeadlineState::Met
    );
}
