//! Complaints: opening from an intake, every field's checks, the status flow (table-driven),
//! grading by hand, closing and reopening, voiding, the case library, listing, search, and the
//! whole KF-05 path from intake to the second 回访.

use chrono::Duration;
use frontdesk::cases;
use frontdesk::complaints::{
    self, AttemptInput, CloseInput, Complaint, ComplaintFilter, ComplaintInput, GradeInput,
};
use frontdesk::followups::{self, FollowupInput};
use frontdesk::intake::{self, Intake, IntakeInput};
use frontdesk::policy::{self, Policy};
use frontdesk::slips::{self, HandOverInput, ReturnInput, SlipInput};
use frontdesk::vocab::{ComplaintStatus, FollowupStatus, Grade, SlipStatus, SubjectKind};
use frontdesk::{search, time, Actor, Error, Result, Write};

use crate::common::*;

/// Runs one write as `actor`.
pub fn act<T>(d: &mut Desk, actor: &Actor, f: impl FnOnce(&mut Write) -> Result<T>) -> Result<T> {
    let a = actor.clone();
    d.store.write(&a, f)
}

/// Runs one write as the clerk (李前台).
pub fn as_clerk<T>(d: &mut Desk, f: impl FnOnce(&mut Write) -> Result<T>) -> Result<T> {
    let a = d.clerk.clone();
    act(d, &a, f)
}

/// Runs one write as the supervisor (王主管).
pub fn as_supervisor<T>(d: &mut Desk, f: impl FnOnce(&mut Write) -> Result<T>) -> Result<T> {
    let a = d.supervisor.clone();
    act(d, &a, f)
}

/// A complaint call from 张伟 at 3-2-1201 about a leak.
pub fn complaint_call() -> IntakeInput {
    IntakeInput {
        channel: Some("来电".into()),
        kind: Some("投诉".into()),
        unit: Some("3-2-1201".into()),
        person_name: Some("张伟".into()),
        phone: Some("13800138000".into()),
        content: Some("楼上卫生间漏水，天花板发霉".into()),
        request: Some("尽快维修并赔偿".into()),
        about: Some("工程维修部".into()),
        ..IntakeInput::default()
    }
}

pub fn record_intake(d: &mut Desk, input: &IntakeInput) -> Intake {
    let eid = d.estate.id.clone();
    as_clerk(d, |w| intake::record(w, &eid, input)).unwrap()
}

/// The smallest valid complaint form for an intake.
pub fn form(intake_no: &str) -> ComplaintInput {
    ComplaintInput {
        intake: Some(intake_no.into()),
        category: Some("物业管理".into()),
        ..ComplaintInput::default()
    }
}

/// A fresh intake and its complaint, registered.
pub fn open_complaint(d: &mut Desk) -> Complaint {
    let i = record_intake(d, &complaint_call());
    let eid = d.estate.id.clone();
    as_clerk(d, |w| complaints::open(w, &eid, &form(&i.no))).unwrap()
}

/// An operation on a complaint, for the transition table.
#[derive(Clone, Copy, Debug)]
pub enum Op {
    Dispatch,
    Attempt,
    AttemptNotAgreed,
    Confirm,
    Close,
    Reopen,
    Void,
}

pub fn run_op(d: &mut Desk, id: &str, op: Op) -> Result<()> {
    let attempt = |result: &str| AttemptInput {
        method: Some("电话".into()),
        said: Some("联系业主说明处理进度".into()),
        result: Some(result.into()),
        ..AttemptInput::default()
    };
    match op {
        Op::Dispatch => as_clerk(d, |w| {
            complaints::update(
                w,
                id,
                &ComplaintInput {
                    responsible_department: Some("工程维修部".into()),
                    responsible_staff: Some("sun".into()),
                    ..ComplaintInput::default()
                },
            )
        })
        .map(drop),
        Op::Attempt => {
            as_clerk(d, |w| complaints::add_attempt(w, id, &attempt("处理中"))).map(drop)
        }
        Op::AttemptNotAgreed => as_clerk(d, |w| {
            complaints::add_attempt(w, id, &attempt("未达成一致"))
        })
        .map(drop),
        Op::Confirm => as_clerk(d, |w| complaints::request_confirmation(w, id)).map(drop),
        Op::Close => as_clerk(d, |w| {
            complaints::close(
                w,
                id,
                &CloseInput {
                    result: Some("已维修，业主确认不再漏水".into()),
                    satisfaction: Some("满意".into()),
                },
            )
        })
        .map(drop),
        Op::Reopen => {
            as_clerk(d, |w| complaints::reopen(w, id, Some("业主反映再次漏水"))).map(drop)
        }
        Op::Void => as_supervisor(d, |w| complaints::void(w, id, Some("重复登记"))).map(drop),
    }
}

/// A fresh complaint brought to `status` through the ordinary operations.
pub fn drive_to(d: &mut Desk, status: ComplaintStatus) -> Complaint {
    use ComplaintStatus::*;
    let c = open_complaint(d);
    let path: &[Op] = match status {
        Registered => &[],
        Dispatched => &[Op::Dispatch],
        InHandling => &[Op::Attempt],
        AwaitingConfirmation => &[Op::Attempt, Op::Confirm],
        Closed => &[Op::Attempt, Op::Confirm, Op::Close],
        Voided => &[Op::Void],
    };
    for op in path {
        run_op(d, &c.id, *op).unwrap();
    }
    let c = complaints::load(d.store.conn(), &c.id).unwrap();
    assert_eq!(c.status, status);
    c
}

fn status_events(d: &Desk, id: &str) -> Vec<serde_json::Value> {
    complaints::events(d.store.conn(), "complaint", id)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "status")
        .map(|e| e.data)
        .collect()
}

#[test]
fn open_takes_customer_unit_and_content_from_the_intake() {
    let mut d = desk();
    let i = record_intake(&mut d, &complaint_call());
    let eid = d.estate.id.clone();
    let c = as_clerk(&mut d, |w| complaints::open(w, &eid, &form(&i.no))).unwrap();
    assert_eq!(c.no, "LH-TS2026-0001");
    assert_eq!(c.intake_no, i.no);
    assert_eq!(c.unit.as_deref(), Some("3-2-1201"));
    assert_eq!(c.person_name.as_deref(), Some("张伟"));
    assert_eq!(c.phone.as_deref(), Some("13800138000"));
    assert_eq!(c.content, "楼上卫生间漏水，天花板发霉");
    assert_eq!(c.status, ComplaintStatus::Registered);
    assert_eq!(c.grade, Grade::General);
    assert_eq!(c.identification.code(), "valid");
    assert_eq!(c.policy_version, Some(0));
    assert_eq!(c.facts.collective_size, 1);
    assert_eq!(c.facts.claim_fen, 0);
    assert_eq!(status_events(&d, &c.id).len(), 1);
    let audit = frontdesk::store::audit_history(d.store.conn(), "complaint", &c.id).unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "insert");
    // The intake id works as well as its number, and numbers count up.
    let i2 = record_intake(&mut d, &complaint_call());
    let c2 = as_clerk(&mut d, |w| complaints::open(w, &eid, &form(&i2.id))).unwrap();
    assert_eq!(c2.no, "LH-TS2026-0002");
}

#[test]
fn open_with_every_field_stores_them() {
    let mut d = desk();
    let i = record_intake(&mut d, &complaint_call());
    let eid = d.estate.id.clone();
    let input = ComplaintInput {
        identification: Some("协调工作".into()),
        identification_basis: Some("邻里渗漏，属协调工作".into()),
        about_department: Some("工程维修部".into()),
        about_person: Some("孙师傅".into()),
        responsible_department: Some("客服中心".into()),
        responsible_staff: Some("zhao".into()),
        safety_risk: Some(true),
        collective_size: Some(6),
        claim_amount: Some("¥２０,０００.５".into()),
        media_exposure: Some(true),
        lawsuit: Some(false),
        needs_other_departments: Some(true),
        company_fault: Some(true),
        requested_by: Some("2026-11-30".into()),
        ..form(&i.no)
    };
    let c = as_clerk(&mut d, |w| complaints::open(w, &eid, &input)).unwrap();
    assert_eq!(c.identification.label(), "协调工作");
    assert_eq!(
        c.identification_basis.as_deref(),
        Some("邻里渗漏，属协调工作")
    );
    assert_eq!(c.about_department.as_deref(), Some("工程维修部"));
    assert_eq!(c.about_person.as_deref(), Some("孙师傅"));
    assert_eq!(c.responsible_department.as_deref(), Some("客服中心"));
    assert_eq!(c.responsible_staff.as_deref(), Some("赵协调"));
    assert!(c.facts.safety_risk && c.facts.media_exposure && c.facts.company_fault);
    assert!(c.facts.needs_other_departments && !c.facts.lawsuit);
    assert_eq!(c.facts.collective_size, 6);
    assert_eq!(c.facts.claim_fen, 2_000_050);
    assert_eq!(c.requested_by.as_deref(), Some("2026-11-30"));
    // A responsible department dispatches at once.
    assert_eq!(c.status, ComplaintStatus::Dispatched);
    let ev = status_events(&d, &c.id);
    assert_eq!(ev.len(), 2);
    assert_eq!(ev[1]["from"], "registered");
    assert_eq!(ev[1]["to"], "dispatched");
}

#[test]
fn responsible_staff_brings_their_department() {
    let mut d = desk();
    let i = record_intake(&mut d, &complaint_call());
    let eid = d.estate.id.clone();
    let input = ComplaintInput {
        responsible_staff: Some("孙师傅".into()),
        ..form(&i.no)
    };
    let c = as_clerk(&mut d, |w| complaints::open(w, &eid, &input)).unwrap();
    assert_eq!(c.responsible_department.as_deref(), Some("工程维修部"));
    assert_eq!(c.status, ComplaintStatus::Dispatched);
}

#[test]
fn any_intake_kind_may_be_escalated() {
    let mut d = desk();
    let i = record_intake(
        &mut d,
        &IntakeInput {
            kind: Some("咨询".into()),
            content: Some("询问物业费为何上涨".into()),
            ..complaint_call()
        },
    );
    let eid = d.estate.id.clone();
    let c = as_clerk(&mut d, |w| complaints::open(w, &eid, &form(&i.no))).unwrap();
    assert_eq!(c.intake_kind.label(), "咨询");
}

#[test]
fn every_bad_field_is_rejected_and_nothing_changes() {
    let mut d = desk();
    let i = record_intake(&mut d, &complaint_call());
    let taken = record_intake(&mut d, &complaint_call());
    let voided = record_intake(&mut d, &complaint_call());
    let eid = d.estate.id.clone();
    as_clerk(&mut d, |w| complaints::open(w, &eid, &form(&taken.no))).unwrap();
    as_clerk(&mut d, |w| intake::void(w, &voided.no, Some("录入错误"))).unwrap();
    let base = form(&i.no);
    let cases: Vec<(ComplaintInput, &str, &str)> = vec![
        (
            ComplaintInput {
                intake: None,
                ..base.clone()
            },
            "intake",
            "必填",
        ),
        (
            ComplaintInput {
                intake: Some(" ".into()),
                ..base.clone()
            },
            "intake",
            "必填",
        ),
        (
            ComplaintInput {
                intake: Some("LH-DJ2026-999999".into()),
                ..base.clone()
            },
            "intake",
            "未找到登记",
        ),
        (
            ComplaintInput {
                intake: Some(voided.no.clone()),
                ..base.clone()
            },
            "intake",
            "已作废",
        ),
        (
            ComplaintInput {
                intake: Some(taken.no.clone()),
                ..base.clone()
            },
            "intake",
            "已立案为投诉 LH-TS2026-0001",
        ),
        (
            ComplaintInput {
                category: None,
                ..base.clone()
            },
            "category",
            "必填",
        ),
        (
            ComplaintInput {
                category: Some("".into()),
                ..base.clone()
            },
            "category",
            "必填",
        ),
        (
            ComplaintInput {
                category: Some("服务质量".into()),
                ..base.clone()
            },
            "category",
            "不是有效的投诉类别",
        ),
        (
            ComplaintInput {
                identification: Some("很严重".into()),
                ..base.clone()
            },
            "identification",
            "不是有效的投诉性质",
        ),
        (
            ComplaintInput {
                identification: Some("".into()),
                ..base.clone()
            },
            "identification",
            "必填",
        ),
        (
            ComplaintInput {
                identification_basis: Some("x".repeat(1001)),
                ..base.clone()
            },
            "identification_basis",
            "过长",
        ),
        (
            ComplaintInput {
                identification_basis: Some("依据\u{0007}".into()),
                ..base.clone()
            },
            "identification_basis",
            "控制字符",
        ),
        (
            ComplaintInput {
                about_department: Some("财务部".into()),
                ..base.clone()
            },
            "about_department",
            "未知部门",
        ),
        (
            ComplaintInput {
                about_person: Some("张\n三".into()),
                ..base.clone()
            },
            "about_person",
            "控制字符",
        ),
        (
            ComplaintInput {
                about_person: Some("人".repeat(51)),
                ..base.clone()
            },
            "about_person",
            "过长",
        ),
        (
            ComplaintInput {
                responsible_department: Some("不存在部".into()),
                ..base.clone()
            },
            "responsible_department",
            "未知部门",
        ),
        (
            ComplaintInput {
                responsible_staff: Some("nobody".into()),
                ..base.clone()
            },
            "responsible_staff",
            "未知员工",
        ),
        (
            ComplaintInput {
                collective_size: Some(0),
                ..base.clone()
            },
            "collective_size",
            "1 到",
        ),
        (
            ComplaintInput {
                collective_size: Some(-3),
                ..base.clone()
            },
            "collective_size",
            "1 到",
        ),
        (
            ComplaintInput {
                claim_amount: Some("两万".into()),
                ..base.clone()
            },
            "claim_amount",
            "不是有效金额",
        ),
        (
            ComplaintInput {
                claim_amount: Some("-5".into()),
                ..base.clone()
            },
            "claim_amount",
            "不是有效金额",
        ),
        (
            ComplaintInput {
                claim_amount: Some("1.234".into()),
                ..base.clone()
            },
            "claim_amount",
            "不是有效金额",
        ),
        (
            ComplaintInput {
                requested_by: Some("下周一".into()),
                ..base.clone()
            },
            "requested_by",
            "格式不正确",
        ),
        (
            ComplaintInput {
                requested_by: Some("2026-02-30".into()),
                ..base.clone()
            },
            "requested_by",
            "格式不正确",
        ),
    ];
    let clerk = d.clerk.clone();
    for (input, field, needle) in cases {
        assert_rejected(&mut d.store, &clerk, field, needle, |w| {
            complaints::open(w, &eid, &input)
        });
    }
}

#[test]
fn intake_of_another_estate_is_not_found() {
    let mut d = desk();
    let other = d
        .store
        .write(&Actor::system(), |w| {
            frontdesk::estate::create_estate(
                w,
                &frontdesk::estate::EstateInput {
                    name: Some("华苑".into()),
                    code: Some("HY".into()),
                    slip_title: None,
                },
            )
        })
        .unwrap();
    let i = record_intake(&mut d, &complaint_call());
    let clerk = d.clerk.clone();
    assert_rejected(&mut d.store, &clerk, "intake", "未找到登记", |w| {
        complaints::open(w, &other.id, &form(&i.no))
    });
}

#[test]
fn odd_but_valid_input_is_kept_exactly_and_found_again() {
    let mut d = desk();
    let odd = "😀𠮷'; DROP TABLE complaints;--";
    let i = record_intake(
        &mut d,
        &IntakeInput {
            content: Some(format!("内容{odd}")),
            phone: Some("１３９ ００１３-９０００".into()),
            ..complaint_call()
        },
    );
    let eid = d.estate.id.clone();
    let c = as_clerk(&mut d, |w| {
        complaints::open(
            w,
            &eid,
            &ComplaintInput {
                about_person: Some(odd.into()),
                identification_basis: Some(format!("依据\n第二行\t{odd}")),
                ..form(&i.no)
            },
        )
    })
    .unwrap();
    let again = complaints::load(d.store.conn(), &c.no).unwrap();
    assert_eq!(again.about_person.as_deref(), Some(odd));
    assert_eq!(
        again.identification_basis.as_deref(),
        Some(format!("依据\n第二行\t{odd}").as_str())
    );
    assert_eq!(again.phone.as_deref(), Some("13900139000"));
    for q in ["𠮷", "😀", "DROP", "13900139000", "'; DROP"] {
        let hits = search::search(d.store.conn(), &eid, q, Some("complaint"), 10).unwrap();
        assert_eq!(hits.len(), 1, "query {q}");
        assert_eq!(hits[0].id, c.id);
    }
}

#[test]
fn search_finds_complaints_by_one_and_two_characters() {
    let mut d = desk();
    let c = open_complaint(&mut d);
    let eid = d.estate.id.clone();
    for q in [
        "漏",
        "漏水",
        "霉",
        "张伟",
        "物业管理",
        "1201",
        "TS2026",
        "lh-ts2026-0001",
    ] {
        let hits = search::search(d.store.conn(), &eid, q, Some("complaint"), 10).unwrap();
        assert_eq!(hits.len(), 1, "query {q}");
        assert_eq!(hits[0].id, c.id);
        assert!(hits[0].title.starts_with("LH-TS2026-0001"));
    }
    for q in ["停车", "鸟"] {
        assert!(
            search::search(d.store.conn(), &eid, q, Some("complaint"), 10)
                .unwrap()
                .is_empty()
        );
    }
    // Responsible department becomes searchable once assigned.
    run_op(&mut d, &c.id, Op::Dispatch).unwrap();
    let hits = search::search(d.store.conn(), &eid, "孙师", Some("complaint"), 10).unwrap();
    assert_eq!(hits.len(), 1);
    // A voided complaint leaves the index.
    run_op(&mut d, &c.id, Op::Void).unwrap();
    assert!(
        search::search(d.store.conn(), &eid, "漏水", Some("complaint"), 10)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn every_transition_is_allowed_or_refused_as_the_flow_says() {
    use ComplaintStatus::*;
    let mut d = desk();
    // (from, operation, resulting status or None when refused)
    let table: &[(ComplaintStatus, Op, Option<ComplaintStatus>)] = &[
        (Registered, Op::Dispatch, Some(Dispatched)),
        (Registered, Op::Attempt, Some(InHandling)),
        (Registered, Op::Confirm, None),
        (Registered, Op::Close, None),
        (Registered, Op::Reopen, None),
        (Registered, Op::Void, Some(Voided)),
        (Dispatched, Op::Dispatch, Some(Dispatched)),
        (Dispatched, Op::Attempt, Some(InHandling)),
        (Dispatched, Op::Confirm, None),
        (Dispatched, Op::Close, None),
        (Dispatched, Op::Reopen, None),
        (Dispatched, Op::Void, Some(Voided)),
        (InHandling, Op::Dispatch, Some(InHandling)),
        (InHandling, Op::Attempt, Some(InHandling)),
        (InHandling, Op::Confirm, Some(AwaitingConfirmation)),
        (InHandling, Op::Close, None),
        (InHandling, Op::Reopen, None),
        (InHandling, Op::Void, Some(Voided)),
        (
            AwaitingConfirmation,
            Op::Dispatch,
            Some(AwaitingConfirmation),
        ),
        (
            AwaitingConfirmation,
            Op::Attempt,
            Some(AwaitingConfirmation),
        ),
        (AwaitingConfirmation, Op::AttemptNotAgreed, Some(InHandling)),
        (AwaitingConfirmation, Op::Confirm, None),
        (AwaitingConfirmation, Op::Close, Some(Closed)),
        (AwaitingConfirmation, Op::Reopen, None),
        (AwaitingConfirmation, Op::Void, Some(Voided)),
        (Closed, Op::Dispatch, None),
        (Closed, Op::Attempt, None),
        (Closed, Op::Confirm, None),
        (Closed, Op::Close, None),
        (Closed, Op::Reopen, Some(InHandling)),
        (Closed, Op::Void, None),
        (Voided, Op::Dispatch, None),
        (Voided, Op::Attempt, None),
        (Voided, Op::Confirm, None),
        (Voided, Op::Close, None),
        (Voided, Op::Reopen, None),
        (Voided, Op::Void, None),
    ];
    for &(from, op, expect) in table {
        let c = drive_to(&mut d, from);
        let before = snapshot(&d.store);
        let events_before = status_events(&d, &c.id).len();
        let r = run_op(&mut d, &c.id, op);
        let now = complaints::load(d.store.conn(), &c.id).unwrap();
        match expect {
            Some(to) => {
                assert!(r.is_ok(), "{from:?} {op:?}: {r:?}");
                assert_eq!(now.status, to, "{from:?} {op:?}");
                let ev = status_events(&d, &c.id);
                if to != from {
                    assert_eq!(ev.len(), events_before + 1, "{from:?} {op:?}");
                    let last = ev.last().unwrap();
                    assert_eq!(last["from"], from.code(), "{from:?} {op:?}");
                    assert_eq!(last["to"], to.code(), "{from:?} {op:?}");
                } else {
                    assert_eq!(ev.len(), events_before, "{from:?} {op:?}");
                }
            }
            None => {
                match &r {
                    Err(Error::State(m)) => assert!(
                        m.contains(from.label()) && m.contains(&c.no),
                        "{from:?} {op:?}: message {m:?} does not name the state"
                    ),
                    other => panic!("{from:?} {op:?}: expected a state error, got {other:?}"),
                }
                assert_eq!(now.status, from);
                assert_eq!(before, snapshot(&d.store), "{from:?} {op:?} changed data");
            }
        }
    }
    assert!(complaints::allowed_transition(Closed, InHandling));
    assert!(!complaints::allowed_transition(Voided, InHandling));
}

#[test]
fn a_closed_complaint_cannot_be_edited() {
    let mut d = desk();
    let c = drive_to(&mut d, ComplaintStatus::Closed);
    let before = snapshot(&d.store);
    let expected = format!("投诉 {} 已结案，不能修改；如需继续处理请先重新打开", c.no);
    let results: Vec<Result<()>> = vec![
        as_clerk(&mut d, |w| {
            complaints::update(
                w,
                &c.id,
                &ComplaintInput {
                    category: Some("其他".into()),
                    ..ComplaintInput::default()
                },
            )
        })
        .map(drop),
        run_op(&mut d, &c.id, Op::Attempt),
        as_supervisor(&mut d, |w| {
            complaints::set_grade(
                w,
                &c.id,
                &GradeInput {
                    grade: Some("重要".into()),
                    reason: Some("补登".into()),
                },
            )
        })
        .map(drop),
        as_clerk(&mut d, |w| {
            slips::create(
                w,
                &c.estate_id,
                &SlipInput {
                    complaint: Some(c.no.clone()),
                    department: Some("保安部".into()),
                    ..SlipInput::default()
                },
            )
        })
        .map(drop),
    ];
    for r in results {
        match r {
            Err(Error::State(m)) => assert_eq!(m, expected),
            other => panic!("expected state error, got {other:?}"),
        }
    }
    assert_eq!(before, snapshot(&d.store));
}

#[test]
fn update_changes_fields_with_an_audit_diff() {
    let mut d = desk();
    let i = record_intake(&mut d, &complaint_call());
    let eid = d.estate.id.clone();
    let c = as_clerk(&mut d, |w| {
        complaints::open(
            w,
            &eid,
            &ComplaintInput {
                about_person: Some("保安甲".into()),
                ..form(&i.no)
            },
        )
    })
    .unwrap();
    let after = as_clerk(&mut d, |w| {
        complaints::update(
            w,
            &c.no,
            &ComplaintInput {
                category: Some("工程质量".into()),
                about_person: Some("".into()),
                collective_size: Some(4),
                lawsuit: Some(true),
                ..ComplaintInput::default()
            },
        )
    })
    .unwrap();
    assert_eq!(after.category, "工程质量");
    assert_eq!(after.about_person, None);
    assert_eq!(after.facts.collective_size, 4);
    assert!(after.facts.lawsuit);
    // Untouched fields stay.
    assert_eq!(after.identification, c.identification);
    assert_eq!(after.status, ComplaintStatus::Registered);
    let audit = frontdesk::store::audit_history(d.store.conn(), "complaint", &c.id).unwrap();
    let last = audit.last().unwrap();
    assert_eq!(last.action, "update");
    let diff: serde_json::Value = serde_json::from_str(&last.detail).unwrap();
    assert_eq!(
        diff["category"],
        serde_json::json!(["物业管理", "工程质量"])
    );
    assert_eq!(diff["about_person"], serde_json::json!(["保安甲", null]));
    assert_eq!(diff["collective_size"], serde_json::json!([1, 4]));
    assert!(diff.get("identification").is_none());
    // The source intake cannot be changed, and bad values are refused.
    let clerk = d.clerk.clone();
    assert_rejected(&mut d.store, &clerk, "intake", "不能修改", |w| {
        complaints::update(w, &c.id, &form("LH-DJ2026-000001"))
    });
    assert_rejected(&mut d.store, &clerk, "category", "必填", |w| {
        complaints::update(
            w,
            &c.id,
            &ComplaintInput {
                category: Some(" ".into()),
                ..ComplaintInput::default()
            },
        )
    });
    // Assigning a responsible department dispatches.
    let dispatched = as_clerk(&mut d, |w| {
        complaints::update(
            w,
            &c.id,
            &ComplaintInput {
                responsible_department: Some("保安部".into()),
                ..ComplaintInput::default()
            },
        )
    })
    .unwrap();
    assert_eq!(dispatched.status, ComplaintStatus::Dispatched);
    assert_eq!(dispatched.responsible_department.as_deref(), Some("保安部"));
}

#[test]
fn unknown_complaint_is_not_found() {
    let mut d = desk();
    let r = as_clerk(&mut d, |w| {
        complaints::request_confirmation(w, "LH-TS2026-0099")
    });
    assert!(matches!(r, Err(Error::NotFound { .. })), "{r:?}");
    assert!(matches!(
        cases::complaint_detail(d.store.conn(), "nope"),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn attempts_are_checked_and_kept_in_order() {
    let mut d = desk();
    let c = open_complaint(&mut d);
    let base = AttemptInput {
        method: Some("上门".into()),
        contact: Some("张先生".into()),
        said: Some("查看渗漏点".into()),
        result: Some("处理中".into()),
        ..AttemptInput::default()
    };
    let cases: Vec<(AttemptInput, &str, &str)> = vec![
        (
            AttemptInput {
                method: None,
                ..base.clone()
            },
            "method",
            "必填",
        ),
        (
            AttemptInput {
                method: Some("飞鸽传书".into()),
                ..base.clone()
            },
            "method",
            "不是有效的沟通方式",
        ),
        (
            AttemptInput {
                said: None,
                ..base.clone()
            },
            "said",
            "必填",
        ),
        (
            AttemptInput {
                said: Some("说".repeat(2001)),
                ..base.clone()
            },
            "said",
            "过长",
        ),
        (
            AttemptInput {
                result: Some("".into()),
                ..base.clone()
            },
            "result",
            "必填",
        ),
        (
            AttemptInput {
                result: Some("很好".into()),
                ..base.clone()
            },
            "result",
            "不是有效的沟通结果",
        ),
        (
            AttemptInput {
                contact: Some("张\u{0000}".into()),
                ..base.clone()
            },
            "contact",
            "控制字符",
        ),
        (
            AttemptInput {
                staff: Some("ghost".into()),
                ..base.clone()
            },
            "staff",
            "未知员工",
        ),
        (
            AttemptInput {
                at: Some("2026-11-24 09:00".into()),
                ..base.clone()
            },
            "at",
            "不能晚于当前时间",
        ),
        (
            AttemptInput {
                at: Some("2026-11-22 09:00".into()),
                ..base.clone()
            },
            "at",
            "不能早于",
        ),
        (
            AttemptInput {
                at: Some("昨天".into()),
                ..base.clone()
            },
            "at",
            "格式不正确",
        ),
    ];
    let clerk = d.clerk.clone();
    for (input, field, needle) in cases {
        assert_rejected(&mut d.store, &clerk, field, needle, |w| {
            complaints::add_attempt(w, &c.id, &input)
        });
    }
    d.clock.advance(Duration::hours(2));
    let a1 = as_clerk(&mut d, |w| {
        complaints::add_attempt(
            w,
            &c.id,
            &AttemptInput {
                at: Some("2026-11-23 10:30".into()),
                staff: Some("zhao".into()),
                ..base.clone()
            },
        )
    })
    .unwrap();
    assert_eq!(a1.at, "2026-11-23T02:30:00.000Z");
    assert_eq!(a1.staff, "赵协调");
    let a0 = as_clerk(&mut d, |w| {
        complaints::add_attempt(
            w,
            &c.id,
            &AttemptInput {
                at: Some("2026-11-23 09:15".into()),
                method: Some("phone".into()),
                result: Some("no_answer".into()),
                ..base.clone()
            },
        )
    })
    .unwrap();
    assert_eq!(a0.staff, "李前台");
    let all = complaints::attempts(d.store.conn(), &c.id).unwrap();
    assert_eq!(
        all.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        [a0.id.as_str(), a1.id.as_str()]
    );
    assert_eq!(all[0].result.label(), "未联系上");
    assert_eq!(
        complaints::load(d.store.conn(), &c.id).unwrap().status,
        ComplaintStatus::InHandling
    );
}

#[test]
fn grade_is_raised_with_a_reason_and_lowered_only_by_a_supervisor() {
    let mut d = desk();
    let c = open_complaint(&mut d);
    let grade = |g: &str, r: Option<&str>| GradeInput {
        grade: Some(g.into()),
        reason: r.map(str::to_string),
    };
    let clerk = d.clerk.clone();
    let sup = d.supervisor.clone();
    assert_rejected(&mut d.store, &clerk, "reason", "必填", |w| {
        complaints::set_grade(w, &c.id, &grade("重要", None))
    });
    assert_rejected(
        &mut d.store,
        &clerk,
        "grade",
        "不是有效的投诉等级",
        |w| complaints::set_grade(w, &c.id, &grade("特急", Some("x"))),
    );
    assert_rejected(&mut d.store, &clerk, "grade", "必填", |w| {
        complaints::set_grade(w, &c.id, &GradeInput::default())
    });
    let raised = act(&mut d, &clerk, |w| {
        complaints::set_grade(w, &c.id, &grade("热点", Some("业主称将联系媒体")))
    })
    .unwrap();
    assert_eq!(raised.grade, Grade::Hot);
    assert_eq!(raised.grade_reason.as_deref(), Some("业主称将联系媒体"));
    let before = snapshot(&d.store);
    let same = act(&mut d, &sup, |w| {
        complaints::set_grade(w, &c.id, &grade("hot", Some("再次确认")))
    });
    assert!(
        matches!(same, Err(Error::State(ref m)) if m.contains("已是“热点”级")),
        "{same:?}"
    );
    let lower = act(&mut d, &clerk, |w| {
        complaints::set_grade(w, &c.id, &grade("一般", Some("误判")))
    });
    assert!(matches!(lower, Err(Error::Denied(_))), "{lower:?}");
    assert_eq!(before, snapshot(&d.store));
    let lowered = act(&mut d, &sup, |w| {
        complaints::set_grade(w, &c.id, &grade("一般", Some("业主已撤回媒体投诉")))
    })
    .unwrap();
    assert_eq!(lowered.grade, Grade::General);
    let grades: Vec<serde_json::Value> = complaints::events(d.store.conn(), "complaint", &c.id)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "grade")
        .map(|e| e.data)
        .collect();
    assert_eq!(grades.len(), 2);
    assert_eq!(grades[0]["from"], "general");
    assert_eq!(grades[0]["to"], "hot");
    assert_eq!(grades[1]["to"], "general");
    assert_eq!(grades[1]["reason"], "业主已撤回媒体投诉");
}

#[test]
fn closing_needs_result_and_satisfaction_and_schedules_the_followup() {
    let mut d = desk();
    let c = drive_to(&mut d, ComplaintStatus::AwaitingConfirmation);
    let clerk = d.clerk.clone();
    let close = |r: Option<&str>, s: Option<&str>| CloseInput {
        result: r.map(str::to_string),
        satisfaction: s.map(str::to_string),
    };
    assert_rejected(&mut d.store, &clerk, "result", "必填", |w| {
        complaints::close(w, &c.id, &close(None, Some("满意")))
    });
    assert_rejected(&mut d.store, &clerk, "satisfaction", "必填", |w| {
        complaints::close(w, &c.id, &close(Some("已处理"), None))
    });
    assert_rejected(
        &mut d.store,
        &clerk,
        "satisfaction",
        "不是有效的满意度",
        |w| complaints::close(w, &c.id, &close(Some("已处理"), Some("还行"))),
    );
    // An owner still dissatisfied: only a supervisor may close.
    let before = snapshot(&d.store);
    let r = as_clerk(&mut d, |w| {
        complaints::close(w, &c.id, &close(Some("过高要求，已解释"), Some("不满意")))
    });
    assert!(matches!(r, Err(Error::Denied(_))), "{r:?}");
    assert_eq!(before, snapshot(&d.store));
    let closed = as_supervisor(&mut d, |w| {
        complaints::close(w, &c.id, &close(Some("过高要求，已解释"), Some("不满意")))
    })
    .unwrap();
    assert_eq!(closed.status, ComplaintStatus::Closed);
    assert_eq!(
        closed.closed_at.as_deref(),
        Some(time::to_db(t0()).as_str())
    );
    assert_eq!(closed.close_result.as_deref(), Some("过高要求，已解释"));
    assert_eq!(closed.satisfaction.map(|s| s.label()), Some("不满意"));
    let tasks = followups::list_for(d.store.conn(), SubjectKind::Complaint, &c.id).unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].status, FollowupStatus::Pending);
    assert_eq!(tasks[0].due_at, time::to_db(t0() + Duration::hours(48)));
    let last = status_events(&d, &c.id).pop().unwrap();
    assert_eq!(last["result"], "过高要求，已解释");
    assert_eq!(last["satisfaction"], "dissatisfied");
}

#[test]
fn followup_due_time_comes_from_the_policy() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let mut p = Policy::default();
    p.followup.complaint_hours = 6;
    p.complaint_categories = vec!["服务质量".into(), "其他".into()];
    as_supervisor(&mut d, |w| policy::save(w, &eid, &p, Some("建筑公司口径"))).unwrap();
    let i = record_intake(&mut d, &complaint_call());
    let clerk = d.clerk.clone();
    assert_rejected(
        &mut d.store,
        &clerk,
        "category",
        "可选：服务质量、其他",
        |w| complaints::open(w, &eid, &form(&i.no)),
    );
    let c = as_clerk(&mut d, |w| {
        complaints::open(
            w,
            &eid,
            &ComplaintInput {
                category: Some("服务质量".into()),
                ..form(&i.no)
            },
        )
    })
    .unwrap();
    assert_eq!(c.policy_version, Some(1));
    for op in [Op::Attempt, Op::Confirm, Op::Close] {
        run_op(&mut d, &c.id, op).unwrap();
    }
    let tasks = followups::list_for(d.store.conn(), SubjectKind::Complaint, &c.id).unwrap();
    assert_eq!(tasks[0].due_at, time::to_db(t0() + Duration::hours(6)));
}

#[test]
fn reopening_needs_a_reason_counts_and_cancels_the_pending_followup() {
    let mut d = desk();
    let c = drive_to(&mut d, ComplaintStatus::Closed);
    let clerk = d.clerk.clone();
    assert_rejected(&mut d.store, &clerk, "reason", "必填", |w| {
        complaints::reopen(w, &c.id, Some("  "))
    });
    d.clock.advance(Duration::hours(1));
    let r = as_clerk(&mut d, |w| {
        complaints::reopen(w, &c.no, Some("业主再次来电"))
    })
    .unwrap();
    assert_eq!(r.status, ComplaintStatus::InHandling);
    assert_eq!(r.reopen_count, 1);
    assert_eq!(r.closed_at, None);
    assert_eq!(r.satisfaction, None);
    let events = complaints::events(d.store.conn(), "complaint", &c.id).unwrap();
    let reopened: Vec<_> = events.iter().filter(|e| e.kind == "reopened").collect();
    assert_eq!(reopened.len(), 1);
    assert_eq!(reopened[0].data["reason"], "业主再次来电");
    assert_eq!(reopened[0].actor, "李前台");
    let tasks = followups::list_for(d.store.conn(), SubjectKind::Complaint, &c.id).unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].status, FollowupStatus::Cancelled);
    assert!(tasks[0]
        .cancel_reason
        .as_deref()
        .unwrap()
        .contains("业主再次来电"));
    // Closing again schedules a new 回访.
    for op in [Op::Confirm, Op::Close] {
        run_op(&mut d, &c.id, op).unwrap();
    }
    let tasks = followups::list_for(d.store.conn(), SubjectKind::Complaint, &c.id).unwrap();
    assert_eq!(
        tasks.iter().map(|t| t.status).collect::<Vec<_>>(),
        [FollowupStatus::Cancelled, FollowupStatus::Pending]
    );
}

#[test]
fn voiding_takes_a_supervisor_a_reason_and_no_open_slips() {
    let mut d = desk();
    let c = open_complaint(&mut d);
    let r = as_clerk(&mut d, |w| complaints::void(w, &c.id, Some("重复")));
    assert!(matches!(r, Err(Error::Denied(_))), "{r:?}");
    let sup = d.supervisor.clone();
    assert_rejected(&mut d.store, &sup, "reason", "必填", |w| {
        complaints::void(w, &c.id, None)
    });
    let slip = as_clerk(&mut d, |w| {
        slips::create(
            w,
            &c.estate_id,
            &SlipInput {
                complaint: Some(c.no.clone()),
                department: Some("工程维修部".into()),
                ..SlipInput::default()
            },
        )
    })
    .unwrap();
    let before = snapshot(&d.store);
    let r = as_supervisor(&mut d, |w| complaints::void(w, &c.id, Some("重复登记")));
    assert!(
        matches!(r, Err(Error::State(ref m)) if m.contains(&slip.no)),
        "{r:?}"
    );
    assert_eq!(before, snapshot(&d.store));
    as_supervisor(&mut d, |w| slips::void(w, &slip.no, Some("随投诉作废"))).unwrap();
    let v = as_supervisor(&mut d, |w| complaints::void(w, &c.id, Some("重复登记"))).unwrap();
    assert_eq!(v.status, ComplaintStatus::Voided);
    assert_eq!(v.void_reason.as_deref(), Some("重复登记"));
    let audit = frontdesk::store::audit_history(d.store.conn(), "complaint", &c.id).unwrap();
    assert_eq!(audit.last().unwrap().action, "void");
    // The intake is free for a new complaint.
    let eid = d.estate.id.clone();
    let again = as_clerk(&mut d, |w| complaints::open(w, &eid, &form(&c.intake_no))).unwrap();
    assert_ne!(again.id, c.id);
}

#[test]
fn case_library_is_kept_by_supervisors() {
    let mut d = desk();
    let c = drive_to(&mut d, ComplaintStatus::Closed);
    let r = as_clerk(&mut d, |w| complaints::mark_case_library(w, &c.id, None));
    assert!(matches!(r, Err(Error::Denied(_))), "{r:?}");
    let sup = d.supervisor.clone();
    assert_rejected(&mut d.store, &sup, "note", "过长", |w| {
        complaints::mark_case_library(w, &c.id, Some(&"案".repeat(2001)))
    });
    let m = as_supervisor(&mut d, |w| {
        complaints::mark_case_library(w, &c.id, Some("渗漏协调的典型案例"))
    })
    .unwrap();
    assert!(m.case_library);
    assert_eq!(m.case_note.as_deref(), Some("渗漏协调的典型案例"));
    assert_eq!(m.status, ComplaintStatus::Closed);
    let in_library = |d: &Desk| -> Vec<String> {
        let filter = ComplaintFilter {
            case_library: true,
            ..Default::default()
        };
        complaints::list(d.store.conn(), &d.estate.id, &filter)
            .unwrap()
            .into_iter()
            .map(|c| c.no)
            .collect()
    };
    assert_eq!(in_library(&d), std::slice::from_ref(&c.no));
    let u = as_supervisor(&mut d, |w| complaints::unmark_case_library(w, &c.id)).unwrap();
    assert!(in_library(&d).is_empty());
    assert!(!u.case_library);
    assert_eq!(u.case_note, None);
    let r = as_supervisor(&mut d, |w| complaints::unmark_case_library(w, &c.id));
    assert!(matches!(r, Err(Error::State(_))), "{r:?}");
    let kinds: Vec<String> = complaints::events(d.store.conn(), "complaint", &c.id)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "case_library")
        .map(|e| e.data["on"].to_string())
        .collect();
    assert_eq!(kinds, ["true", "false"]);
}

#[test]
fn list_filters_by_status_grade_category_department_and_time() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let registered = open_complaint(&mut d);
    d.clock.advance(Duration::days(1));
    let dispatched = drive_to(&mut d, ComplaintStatus::Dispatched);
    d.clock.advance(Duration::days(1));
    let closed = drive_to(&mut d, ComplaintStatus::Closed);
    let voided = drive_to(&mut d, ComplaintStatus::Voided);
    as_clerk(&mut d, |w| {
        complaints::set_grade(
            w,
            &dispatched.id,
            &GradeInput {
                grade: Some("重要".into()),
                reason: Some("公司明显过错".into()),
            },
        )
    })
    .unwrap();
    let nos = |f: ComplaintFilter| -> Vec<String> {
        complaints::list(d.store.conn(), &eid, &f)
            .unwrap()
            .into_iter()
            .map(|c| c.no)
            .collect()
    };
    assert_eq!(
        nos(ComplaintFilter::default()),
        [
            closed.no.clone(),
            dispatched.no.clone(),
            registered.no.clone()
        ]
    );
    assert_eq!(
        nos(ComplaintFilter {
            status: Some(ComplaintStatus::Voided),
            ..Default::default()
        }),
        std::slice::from_ref(&voided.no)
    );
    assert_eq!(
        nos(ComplaintFilter {
            open_only: true,
            ..Default::default()
        }),
        [dispatched.no.clone(), registered.no.clone()]
    );
    assert_eq!(
        nos(ComplaintFilter {
            grade: Some(Grade::Important),
            ..Default::default()
        }),
        std::slice::from_ref(&dispatched.no)
    );
    assert_eq!(
        nos(ComplaintFilter {
            department: Some("工程维修部".into()),
            ..Default::default()
        }),
        std::slice::from_ref(&dispatched.no)
    );
    assert_eq!(
        nos(ComplaintFilter {
            category: Some("工程质量".into()),
            ..Default::default()
        }),
        Vec::<String>::new()
    );
    assert_eq!(
        nos(ComplaintFilter {
            from: Some(t0() + Duration::hours(12)),
            to: Some(t0() + Duration::hours(36)),
            ..Default::default()
        }),
        std::slice::from_ref(&dispatched.no)
    );
    assert_eq!(
        nos(ComplaintFilter {
            limit: Some(1),
            ..Default::default()
        }),
        std::slice::from_ref(&closed.no)
    );
    assert_invalid(
        complaints::list(
            d.store.conn(),
            &eid,
            &ComplaintFilter {
                department: Some("财务部".into()),
                ..Default::default()
            },
        ),
        "department",
        "未知部门",
    );
}

/// KF-05 from end to end: intake → complaint → 协调单 printed, handed over, returned and filed →
/// attempts → close → 回访 不满意 → reopened (二次投诉) → close → 回访 满意.
#[test]
fn kf05_whole_path() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let i = record_intake(&mut d, &complaint_call());
    let c = as_clerk(&mut d, |w| {
        complaints::open(
            w,
            &eid,
            &ComplaintInput {
                about_department: Some("工程维修部".into()),
                identification_basis: Some("承诺的维修未完成".into()),
                ..form(&i.no)
            },
        )
    })
    .unwrap();
    assert_eq!(c.status, ComplaintStatus::Registered);

    // The clerk prints a 协调单 for the repair team.
    let slip = as_clerk(&mut d, |w| {
        slips::create(
            w,
            &eid,
            &SlipInput {
                complaint: Some(c.no.clone()),
                department: Some("工程维修部".into()),
                responsible_staff: Some("sun".into()),
                ..SlipInput::default()
            },
        )
    })
    .unwrap();
    let c1 = complaints::load(d.store.conn(), &c.id).unwrap();
    assert_eq!(c1.status, ComplaintStatus::Dispatched);
    assert_eq!(c1.responsible_department.as_deref(), Some("工程维修部"));
    assert_eq!(c1.responsible_staff.as_deref(), Some("孙师傅"));
    let printed = as_clerk(&mut d, |w| slips::print(w, &slip.no)).unwrap();
    assert!(!printed.reprint);
    assert_eq!(printed.slip.title, "龙湖花园协调单");
    d.clock.advance(Duration::minutes(20));
    let coord = d.coordinator.clone();
    let handed = act(&mut d, &coord, |w| {
        slips::hand_over(w, &slip.no, &HandOverInput::default())
    })
    .unwrap();
    assert_eq!(handed.handed_to.as_deref(), Some("孙师傅"));

    // Three attempts in the week: no answer, not agreed, agreed.
    for (hours, method, result) in [
        (2, "电话", "未联系上"),
        (24, "上门", "未达成一致"),
        (48, "面谈", "达成一致"),
    ] {
        d.clock.advance(Duration::hours(hours));
        act(&mut d, &coord, |w| {
            complaints::add_attempt(
                w,
                &c.no,
                &AttemptInput {
                    method: Some(method.into()),
                    said: Some(format!("{method}沟通维修方案")),
                    result: Some(result.into()),
                    ..AttemptInput::default()
                },
            )
        })
        .unwrap();
    }
    act(&mut d, &coord, |w| {
        slips::record_return(
            w,
            &slip.no,
            &ReturnInput {
                owner_signed: true,
                handling_result: Some("已更换楼上防水层".into()),
                ..ReturnInput::default()
            },
        )
    })
    .unwrap();
    let filed = act(&mut d, &coord, |w| slips::file(w, &slip.no)).unwrap();
    assert_eq!(filed.status, SlipStatus::Filed);
    as_clerk(&mut d, |w| complaints::request_confirmation(w, &c.no)).unwrap();
    as_clerk(&mut d, |w| {
        complaints::close(
            w,
            &c.no,
            &CloseInput {
                result: Some("防水层已更换，天花板已修复".into()),
                satisfaction: Some("满意".into()),
            },
        )
    })
    .unwrap();

    // 回访 two days later: the owner is not satisfied → reopened.
    assert!(followups::due(d.store.conn(), &eid, d.store.now())
        .unwrap()
        .is_empty());
    d.clock.advance(Duration::hours(48));
    let due = followups::due(d.store.conn(), &eid, d.store.now()).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].subject_no.as_deref(), Some(c.no.as_str()));
    assert_eq!(due[0].unit.as_deref(), Some("3-2-1201"));
    let sup = d.supervisor.clone();
    act(&mut d, &sup, |w| {
        cases::record_followup(
            w,
            &due[0].id,
            &FollowupInput {
                result: Some("不满意".into()),
                note: Some("下雨后又渗水".into()),
                checks: Vec::new(),
            },
        )
    })
    .unwrap();
    let reopened = complaints::load(d.store.conn(), &c.id).unwrap();
    assert_eq!(reopened.status, ComplaintStatus::InHandling);
    assert_eq!(reopened.reopen_count, 1);

    // Handled again and closed; the second 回访 is satisfied.
    d.clock.advance(Duration::hours(5));
    act(&mut d, &coord, |w| {
        complaints::add_attempt(
            w,
            &c.no,
            &AttemptInput {
                method: Some("上门".into()),
                said: Some("重新做闭水试验".into()),
                result: Some("达成一致".into()),
                ..AttemptInput::default()
            },
        )
    })
    .unwrap();
    as_clerk(&mut d, |w| complaints::request_confirmation(w, &c.no)).unwrap();
    as_clerk(&mut d, |w| {
        complaints::close(
            w,
            &c.no,
            &CloseInput {
                result: Some("闭水试验合格".into()),
                satisfaction: Some("基本满意".into()),
            },
        )
    })
    .unwrap();
    d.clock.advance(Duration::hours(48));
    act(&mut d, &sup, |w| {
        cases::record_followup(
            w,
            &c.no,
            &FollowupInput {
                result: Some("满意".into()),
                note: None,
                checks: Vec::new(),
            },
        )
    })
    .unwrap();

    let detail = cases::complaint_detail(d.store.conn(), &c.no).unwrap();
    assert_eq!(detail.complaint.status, ComplaintStatus::Closed);
    assert_eq!(detail.complaint.reopen_count, 1);
    assert_eq!(detail.intake.no, i.no);
    assert_eq!(detail.attempts.len(), 4);
    assert_eq!(detail.slips.len(), 1);
    assert_eq!(detail.slips[0].status, SlipStatus::Filed);
    assert_eq!(
        detail
            .followups
            .iter()
            .map(|f| (f.status, f.result.map(|r| r.label())))
            .collect::<Vec<_>>(),
        [
            (FollowupStatus::Done, Some("不满意")),
            (FollowupStatus::Done, Some("满意"))
        ]
    );
    let path: Vec<String> = detail
        .events
        .iter()
        .filter(|e| e.kind == "status")
        .map(|e| e.data["to"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        path,
        [
            "registered",
            "dispatched",
            "in_handling",
            "awaiting_confirmation",
            "closed",
            "in_handling",
            "awaiting_confirmation",
            "closed"
        ]
    );
    assert!(detail
        .events
        .iter()
        .any(|e| e.kind == "reopened" && e.data["reason"] == "回访不满意：下雨后又渗水"));
    assert!(
        followups::due(d.store.conn(), &eid, d.store.now() + Duration::days(30))
            .unwrap()
            .is_empty()
    );
    let archive = slips::archive(d.store.conn(), &eid, "3-2-1201").unwrap();
    assert_eq!(archive.len(), 1);
    assert!(d.store.verify().unwrap().ok());
}
