//! 回访 tasks: scheduling (idempotent), the due list, recording each result (satisfied, not
//! reachable with retries, dissatisfied reopening the complaint or sending a repair back), history.

use chrono::Duration;
use frontdesk::cases;
use frontdesk::complaints::{self, Complaint};
use frontdesk::followups::{self, FollowupInput};
use frontdesk::policy::{self, Policy};
use frontdesk::vocab::{ComplaintStatus, FollowupResult, FollowupStatus, SubjectKind};
use frontdesk::{time, Error};
use rusqlite::params;

use crate::common::*;
use crate::complaints::{act, as_clerk, as_supervisor, drive_to};

fn input(result: &str, note: Option<&str>) -> FollowupInput {
    FollowupInput {
        result: Some(result.into()),
        note: note.map(str::to_string),
        checks: Vec::new(),
    }
}

/// A closed complaint and its pending 回访's id.
fn closed_with_task(d: &mut Desk) -> (Complaint, String) {
    let c = drive_to(d, ComplaintStatus::Closed);
    let tasks = followups::list_for(d.store.conn(), SubjectKind::Complaint, &c.id).unwrap();
    assert_eq!(tasks.len(), 1);
    (c, tasks[0].id.clone())
}

/// A finished repair order, inserted directly (the repairs module is another area).
fn repair_order(d: &mut Desk, no: &str) -> String {
    let id = format!("repair-{no}");
    d.store
        .conn()
        .execute(
            "INSERT INTO repair_orders(id, estate_id, no, unit_id, reporter_name, phone, kind,
                content, status, reported_at, created_at, created_by, updated_at, updated_by)
             VALUES (?1, ?2, ?3, (SELECT id FROM units WHERE code = '1-1-101'), '李娜',
                '13900000001', 'house', '厨房水龙头滴水', 'signed_off', ?4, ?4, 'system', ?4,
                'system')",
            params![id, d.estate.id, no, time::to_db(t0())],
        )
        .unwrap();
    id
}

#[test]
fn scheduling_is_idempotent_while_a_task_is_pending() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let rid = repair_order(&mut d, "LH-WX2026-0001");
    let due = t0() + Duration::hours(72);
    let a = as_clerk(&mut d, |w| {
        followups::schedule(w, &eid, SubjectKind::Repair, &rid, due)
    })
    .unwrap();
    let b = as_clerk(&mut d, |w| {
        followups::schedule(w, &eid, SubjectKind::Repair, &rid, due + Duration::hours(5))
    })
    .unwrap();
    assert_eq!(a, b);
    let t = followups::get(d.store.conn(), &a).unwrap();
    assert_eq!(t.due_at, time::to_db(due));
    assert_eq!(t.subject_no.as_deref(), Some("LH-WX2026-0001"));
    assert_eq!(t.status, FollowupStatus::Pending);
    let audit = frontdesk::store::audit_history(d.store.conn(), "followup", &a).unwrap();
    assert_eq!(audit.len(), 1);
    // Once done, a new task may be scheduled.
    as_clerk(&mut d, |w| {
        cases::record_followup(w, &a, &input("满意", None))
    })
    .unwrap();
    let c = as_clerk(&mut d, |w| {
        followups::schedule(w, &eid, SubjectKind::Repair, &rid, due)
    })
    .unwrap();
    assert_ne!(a, c);
    assert_eq!(
        followups::list_for(d.store.conn(), SubjectKind::Repair, &rid)
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn the_due_list_shows_pending_tasks_oldest_first_with_whom_to_call() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let (c, _) = closed_with_task(&mut d); // due t0 + 48h
    let rid = repair_order(&mut d, "LH-WX2026-0007");
    as_clerk(&mut d, |w| {
        followups::schedule(
            w,
            &eid,
            SubjectKind::Repair,
            &rid,
            t0() + Duration::hours(24),
        )
    })
    .unwrap();
    assert!(
        followups::due(d.store.conn(), &eid, t0() + Duration::hours(23))
            .unwrap()
            .is_empty()
    );
    let one = followups::due(d.store.conn(), &eid, t0() + Duration::hours(24)).unwrap();
    assert_eq!(one.len(), 1);
    let r = &one[0];
    assert_eq!(r.subject_kind, SubjectKind::Repair);
    assert_eq!(r.subject_no.as_deref(), Some("LH-WX2026-0007"));
    assert_eq!(r.customer.as_deref(), Some("李娜"));
    assert_eq!(r.unit.as_deref(), Some("1-1-101"));
    assert_eq!(r.phone.as_deref(), Some("13900000001"));
    assert_eq!(r.summary, "厨房水龙头滴水");
    let both = followups::due(d.store.conn(), &eid, t0() + Duration::days(7)).unwrap();
    assert_eq!(
        both.iter()
            .map(|t| t.subject_no.clone().unwrap())
            .collect::<Vec<_>>(),
        ["LH-WX2026-0007".to_string(), c.no.clone()]
    );
    let t = &both[1];
    assert_eq!(t.customer.as_deref(), Some("张伟"));
    assert_eq!(t.unit.as_deref(), Some("3-2-1201"));
    assert_eq!(t.phone.as_deref(), Some("13800138000"));
    assert_eq!(t.summary, "楼上卫生间漏水，天花板发霉");
}

#[test]
fn satisfied_and_basically_satisfied_finish_the_task() {
    let mut d = desk();
    for (word, code) in [
        ("满意", "satisfied"),
        ("basically_satisfied", "basically_satisfied"),
    ] {
        let (c, id) = closed_with_task(&mut d);
        d.clock.advance(Duration::hours(3));
        let t = as_clerk(&mut d, |w| {
            cases::record_followup(w, &id, &input(word, Some("维修师傅态度很好")))
        })
        .unwrap();
        assert_eq!(t.status, FollowupStatus::Done);
        assert_eq!(t.result.map(|r| r.code()), Some(code));
        assert_eq!(t.attempts, 1);
        assert_eq!(t.done_by.as_deref(), Some("李前台"));
        assert_eq!(t.done_at, Some(time::to_db(d.store.now())));
        assert_eq!(t.calls.len(), 1);
        assert_eq!(t.calls[0].note.as_deref(), Some("维修师傅态度很好"));
        assert_eq!(
            complaints::load(d.store.conn(), &c.id).unwrap().status,
            ComplaintStatus::Closed
        );
        // A finished task takes no more results.
        let before = snapshot(&d.store);
        let r = as_clerk(&mut d, |w| {
            cases::record_followup(w, &id, &input("满意", None))
        });
        assert!(
            matches!(r, Err(Error::State(ref m)) if m.contains("已回访") && m.contains(&c.no)),
            "{r:?}"
        );
        assert_eq!(before, snapshot(&d.store));
    }
}

#[test]
fn unreachable_keeps_the_task_and_retries_after_the_policy_interval() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let (_, id) = closed_with_task(&mut d);
    d.clock.advance(Duration::hours(48));
    let t = as_clerk(&mut d, |w| {
        cases::record_followup(w, &id, &input("联系不上", None))
    })
    .unwrap();
    assert_eq!(t.status, FollowupStatus::Pending);
    assert_eq!(t.attempts, 1);
    assert_eq!(t.result, Some(FollowupResult::Unreachable));
    assert_eq!(t.due_at, time::to_db(d.store.now() + Duration::hours(24)));
    assert!(followups::due(d.store.conn(), &eid, d.store.now())
        .unwrap()
        .is_empty());
    // The estate shortens the retry interval: the next try comes sooner.
    let mut p = Policy::default();
    p.followup.retry_hours = 4;
    as_supervisor(&mut d, |w| policy::save(w, &eid, &p, None)).unwrap();
    d.clock.advance(Duration::hours(24));
    let t = as_clerk(&mut d, |w| {
        cases::record_followup(w, &id, &input("unreachable", None))
    })
    .unwrap();
    assert_eq!(t.attempts, 2);
    assert_eq!(t.due_at, time::to_db(d.store.now() + Duration::hours(4)));
    assert_eq!(t.calls.len(), 2);
    d.clock.advance(Duration::hours(4));
    let due = followups::due(d.store.conn(), &eid, d.store.now()).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].attempts, 2);
    let t = as_clerk(&mut d, |w| {
        cases::record_followup(w, &id, &input("满意", None))
    })
    .unwrap();
    assert_eq!((t.status, t.attempts), (FollowupStatus::Done, 3));
}

#[test]
fn dissatisfied_needs_a_note_and_reopens_the_complaint() {
    let mut d = desk();
    let (c, id) = closed_with_task(&mut d);
    let clerk = d.clerk.clone();
    assert_rejected(&mut d.store, &clerk, "note", "须记录", |w| {
        cases::record_followup(w, &id, &input("不满意", Some("  ")))
    });
    d.clock.advance(Duration::hours(50));
    let t = act(&mut d, &clerk, |w| {
        cases::record_followup(w, &c.no, &input("不满意", Some("问题没解决'; --")))
    })
    .unwrap();
    assert_eq!(t.status, FollowupStatus::Done);
    assert_eq!(t.result, Some(FollowupResult::Dissatisfied));
    let c2 = complaints::load(d.store.conn(), &c.id).unwrap();
    assert_eq!(c2.status, ComplaintStatus::InHandling);
    assert_eq!(c2.reopen_count, 1);
    let ev = complaints::events(d.store.conn(), "complaint", &c.id).unwrap();
    let reopened = ev.iter().find(|e| e.kind == "reopened").unwrap();
    assert_eq!(reopened.data["reason"], "回访不满意：问题没解决'; --");
    // The finished task stays done (not cancelled by the reopening).
    let tasks = followups::list_for(d.store.conn(), SubjectKind::Complaint, &c.id).unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].status, FollowupStatus::Done);
}

#[test]
fn dissatisfied_with_a_repair_sends_it_back_and_finishes_the_task() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let rid = repair_order(&mut d, "LH-WX2026-0003");
    as_clerk(&mut d, |w| {
        followups::schedule(w, &eid, SubjectKind::Repair, &rid, t0())
    })
    .unwrap();
    let t = as_clerk(&mut d, |w| {
        cases::record_followup(w, "lh-wx2026-0003", &input("不满意", Some("还在滴水")))
    })
    .unwrap();
    assert_eq!(t.status, FollowupStatus::Done);
    assert_eq!(t.subject_kind, SubjectKind::Repair);
}

#[test]
fn bad_results_and_notes_are_rejected() {
    let mut d = desk();
    let (_, id) = closed_with_task(&mut d);
    let clerk = d.clerk.clone();
    for (inp, field, needle) in [
        (FollowupInput::default(), "result", "必填"),
        (input(" ", None), "result", "必填"),
        (input("还可以", None), "result", "不是有效的回访结果"),
        (input("满意", Some(&"记".repeat(1001))), "note", "过长"),
        (input("满意", Some("正常\u{0008}")), "note", "控制字符"),
    ] {
        assert_rejected(&mut d.store, &clerk, field, needle, |w| {
            cases::record_followup(w, &id, &inp)
        });
    }
    let r = as_clerk(&mut d, |w| {
        cases::record_followup(w, "no-such-task", &input("满意", None))
    });
    assert!(matches!(r, Err(Error::NotFound { .. })), "{r:?}");
}

#[test]
fn a_task_is_found_by_its_id_or_its_subjects_number() {
    let mut d = desk();
    let (c, id) = closed_with_task(&mut d);
    assert_eq!(followups::find(d.store.conn(), &id).unwrap().id, id);
    assert_eq!(followups::find(d.store.conn(), &c.no).unwrap().id, id);
    assert_eq!(
        followups::find(d.store.conn(), &format!(" {} ", c.no.to_lowercase()))
            .unwrap()
            .id,
        id
    );
    assert!(matches!(
        followups::get(d.store.conn(), "LH-TS2026-0404"),
        Err(Error::NotFound { .. })
    ));
}
