//! 协调单: creation from an intake or a complaint and every bad input, numbering per estate and
//! year, printing and 补打, the status flow (table-driven), the barcode look-up, the
//! 前台协调单登记表 and the owner's 报事档案.

use chrono::{Duration, TimeZone, Utc};
use frontdesk::cases;
use frontdesk::complaints;
use frontdesk::estate::{self, EstateInput};
use frontdesk::intake::IntakeInput;
use frontdesk::slips::{self, HandOverInput, ReturnInput, Slip, SlipInput};
use frontdesk::vocab::{ComplaintStatus, SlipStatus};
use frontdesk::{search, time, Actor, Error, Result};
use rusqlite::params;

use crate::common::*;
use crate::complaints::{as_clerk, as_supervisor, complaint_call, open_complaint, record_intake};

/// A slip for a complaint (id or number), for a department and optionally a responsible person.
pub fn slip_for(
    d: &mut Desk,
    complaint: &str,
    department: &str,
    responsible: Option<&str>,
) -> Slip {
    let eid = d.estate.id.clone();
    as_clerk(d, |w| {
        slips::create(
            w,
            &eid,
            &SlipInput {
                complaint: Some(complaint.into()),
                department: Some(department.into()),
                responsible_staff: responsible.map(str::to_string),
                ..SlipInput::default()
            },
        )
    })
    .unwrap()
}

/// A slip for a fresh complaint, for the repair team.
fn new_slip(d: &mut Desk) -> Slip {
    let c = open_complaint(d);
    slip_for(d, &c.no, "工程维修部", Some("sun"))
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum At {
    Unprinted,
    Printed,
    HandedOver,
    Returned,
    Filed,
    Voided,
}

#[derive(Clone, Copy, Debug)]
enum Op {
    Print,
    HandOver,
    Return,
    File,
    Void,
}

fn run_op(d: &mut Desk, no: &str, op: Op) -> Result<Slip> {
    match op {
        Op::Print => as_clerk(d, |w| slips::print(w, no)).map(|p| p.slip),
        Op::HandOver => as_clerk(d, |w| slips::hand_over(w, no, &HandOverInput::default())),
        Op::Return => as_clerk(d, |w| {
            slips::record_return(
                w,
                no,
                &ReturnInput {
                    owner_signed: true,
                    handling_result: Some("已处理".into()),
                    ..ReturnInput::default()
                },
            )
        }),
        Op::File => as_clerk(d, |w| slips::file(w, no)),
        Op::Void => as_supervisor(d, |w| slips::void(w, no, Some("开错部门"))),
    }
}

fn slip_at(d: &mut Desk, at: At) -> Slip {
    let s = new_slip(d);
    let path: &[Op] = match at {
        At::Unprinted => &[],
        At::Printed => &[Op::Print],
        At::HandedOver => &[Op::Print, Op::HandOver],
        At::Returned => &[Op::Print, Op::HandOver, Op::Return],
        At::Filed => &[Op::Print, Op::HandOver, Op::Return, Op::File],
        At::Voided => &[Op::Void],
    };
    for op in path {
        run_op(d, &s.no, *op).unwrap();
    }
    slips::load(d.store.conn(), &s.id).unwrap()
}

#[test]
fn a_slip_for_a_complaint_dispatches_it_with_defaults_from_intake_and_policy() {
    let mut d = desk();
    let c = open_complaint(&mut d);
    let s = slip_for(&mut d, &c.id, "工程维修部", None);
    assert_eq!(s.no, "LH-XT2026-0001");
    assert_eq!(s.title, "龙湖花园协调单");
    assert_eq!(s.status, SlipStatus::Created);
    assert_eq!(s.complaint_no.as_deref(), Some(c.no.as_str()));
    assert_eq!(s.intake_no, c.intake_no);
    assert_eq!(
        s.content,
        "楼上卫生间漏水，天花板发霉\n客户要求：尽快维修并赔偿"
    );
    assert_eq!(s.deadline_at, Some(time::to_db(t0() + Duration::hours(24))));
    assert_eq!(s.unit.as_deref(), Some("3-2-1201"));
    assert_eq!(s.customer.as_deref(), Some("张伟"));
    assert_eq!(s.created_by, "李前台");
    assert_eq!(s.print_count, 0);
    let c = complaints::load(d.store.conn(), &c.id).unwrap();
    assert_eq!(c.status, ComplaintStatus::Dispatched);
    assert_eq!(c.responsible_department.as_deref(), Some("工程维修部"));
    let audit = frontdesk::store::audit_history(d.store.conn(), "slip", &s.id).unwrap();
    assert_eq!(audit[0].action, "insert");
    // A second slip for the same complaint leaves the complaint as it is.
    let eid = d.estate.id.clone();
    let s2 = as_clerk(&mut d, |w| {
        slips::create(
            w,
            &eid,
            &SlipInput {
                intake: Some(c.intake_no.clone()),
                department: Some("保安部".into()),
                content: Some("请保安部核查监控".into()),
                deadline: Some("2026-11-23 18:00".into()),
                ..SlipInput::default()
            },
        )
    })
    .unwrap();
    assert_eq!(s2.no, "LH-XT2026-0002");
    assert_eq!(
        s2.complaint_id.as_deref(),
        Some(c.id.as_str()),
        "linked through the intake"
    );
    assert_eq!(s2.content, "请保安部核查监控");
    assert_eq!(s2.deadline_at.as_deref(), Some("2026-11-23T10:00:00.000Z"));
    let after = complaints::load(d.store.conn(), &c.id).unwrap();
    assert_eq!(after.responsible_department.as_deref(), Some("工程维修部"));
    assert_eq!(
        cases::complaint_detail(d.store.conn(), &c.id)
            .unwrap()
            .slips
            .len(),
        2
    );
}

#[test]
fn a_slip_for_an_intake_without_a_complaint() {
    let mut d = desk();
    let i = record_intake(
        &mut d,
        &IntakeInput {
            kind: Some("建议".into()),
            content: Some("建议增加儿童游乐设施".into()),
            request: None,
            ..complaint_call()
        },
    );
    let eid = d.estate.id.clone();
    let s = as_clerk(&mut d, |w| {
        slips::create(
            w,
            &eid,
            &SlipInput {
                intake: Some(i.no.clone()),
                department: Some("保洁绿化".into()),
                ..SlipInput::default()
            },
        )
    })
    .unwrap();
    assert_eq!(s.complaint_id, None);
    assert_eq!(s.content, "建议增加儿童游乐设施");
}

#[test]
fn every_bad_slip_input_is_rejected_and_nothing_changes() {
    let mut d = desk();
    let c = open_complaint(&mut d);
    let other = open_complaint(&mut d);
    let voided = record_intake(&mut d, &complaint_call());
    as_clerk(&mut d, |w| {
        frontdesk::intake::void(w, &voided.no, Some("重复"))
    })
    .unwrap();
    let eid = d.estate.id.clone();
    let base = SlipInput {
        complaint: Some(c.no.clone()),
        department: Some("工程维修部".into()),
        ..SlipInput::default()
    };
    let cases: Vec<(SlipInput, &str, &str)> = vec![
        (
            SlipInput {
                complaint: None,
                ..base.clone()
            },
            "intake",
            "必填",
        ),
        (
            SlipInput {
                complaint: Some("LH-TS2026-0999".into()),
                ..base.clone()
            },
            "complaint",
            "未找到投诉",
        ),
        (
            SlipInput {
                complaint: None,
                intake: Some("LH-DJ2026-999999".into()),
                ..base.clone()
            },
            "intake",
            "未找到登记",
        ),
        (
            SlipInput {
                complaint: None,
                intake: Some(voided.no.clone()),
                ..base.clone()
            },
            "intake",
            "已作废",
        ),
        (
            SlipInput {
                intake: Some(other.intake_no.clone()),
                ..base.clone()
            },
            "intake",
            "不是投诉",
        ),
        (
            SlipInput {
                department: None,
                ..base.clone()
            },
            "department",
            "必填",
        ),
        (
            SlipInput {
                department: Some("财务部".into()),
                ..base.clone()
            },
            "department",
            "未知部门",
        ),
        (
            SlipInput {
                responsible_staff: Some("ghost".into()),
                ..base.clone()
            },
            "responsible_staff",
            "未知员工",
        ),
        (
            SlipInput {
                content: Some("内".repeat(5001)),
                ..base.clone()
            },
            "content",
            "过长",
        ),
        (
            SlipInput {
                content: Some("内容\u{001b}[31m".into()),
                ..base.clone()
            },
            "content",
            "控制字符",
        ),
        (
            SlipInput {
                deadline: Some("2026-11-22 18:00".into()),
                ..base.clone()
            },
            "deadline",
            "应晚于当前时间",
        ),
        (
            SlipInput {
                deadline: Some("明天下午".into()),
                ..base.clone()
            },
            "deadline",
            "格式不正确",
        ),
    ];
    let clerk = d.clerk.clone();
    for (input, field, needle) in cases {
        assert_rejected(&mut d.store, &clerk, field, needle, |w| {
            slips::create(w, &eid, &input)
        });
    }
}

#[test]
fn no_slip_for_a_settled_intake_or_a_closed_complaint() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let settled = record_intake(
        &mut d,
        &IntakeInput {
            settled_on_spot: true,
            reply: Some("已解释为管道检修临时停水".into()),
            ..complaint_call()
        },
    );
    let closed = crate::complaints::drive_to(&mut d, ComplaintStatus::Closed);
    for (input, needle) in [
        (
            SlipInput {
                intake: Some(settled.no.clone()),
                department: Some("客服中心".into()),
                ..SlipInput::default()
            },
            "当场解释解决",
        ),
        (
            SlipInput {
                complaint: Some(closed.no.clone()),
                department: Some("客服中心".into()),
                ..SlipInput::default()
            },
            "已结案",
        ),
    ] {
        let before = snapshot(&d.store);
        let r = as_clerk(&mut d, |w| slips::create(w, &eid, &input));
        assert!(
            matches!(r, Err(Error::State(ref m)) if m.contains(needle)),
            "{r:?}"
        );
        assert_eq!(before, snapshot(&d.store));
    }
}

#[test]
fn numbers_run_per_estate_and_restart_each_beijing_year() {
    let mut d = desk();
    assert_eq!(new_slip(&mut d).no, "LH-XT2026-0001");
    assert_eq!(new_slip(&mut d).no, "LH-XT2026-0002");
    // A second estate numbers its own slips.
    let hy = d
        .store
        .write(&Actor::system(), |w| {
            let e = estate::create_estate(
                w,
                &EstateInput {
                    name: Some("华苑小区".into()),
                    code: Some("HY".into()),
                    slip_title: Some("华苑协调单".into()),
                },
            )?;
            estate::add_department(w, &e.id, Some("客服部"))?;
            estate::add_unit(w, &e.id, "8-101", None)?;
            Ok(e)
        })
        .unwrap();
    let hy_slip = as_clerk(&mut d, |w| {
        let i = frontdesk::intake::record(
            w,
            &hy.id,
            &IntakeInput {
                unit: Some("8-101".into()),
                ..complaint_call()
            },
        )?;
        slips::create(
            w,
            &hy.id,
            &SlipInput {
                intake: Some(i.no),
                department: Some("客服部".into()),
                ..SlipInput::default()
            },
        )
    })
    .unwrap();
    assert_eq!(hy_slip.no, "HY-XT2026-0001");
    assert_eq!(hy_slip.title, "华苑协调单");
    // 2026-12-31 23:59 Beijing is still 2026; 00:00 on 1 January is 2027 (16:00 UTC).
    d.clock
        .set(Utc.with_ymd_and_hms(2026, 12, 31, 15, 59, 0).unwrap());
    assert_eq!(new_slip(&mut d).no, "LH-XT2026-0003");
    d.clock
        .set(Utc.with_ymd_and_hms(2026, 12, 31, 16, 0, 0).unwrap());
    assert_eq!(new_slip(&mut d).no, "LH-XT2027-0001");
    d.clock.advance(Duration::days(40));
    assert_eq!(new_slip(&mut d).no, "LH-XT2027-0002");
}

#[test]
fn the_first_print_is_the_original_and_later_ones_are_reprints() {
    let mut d = desk();
    let s = new_slip(&mut d);
    let first = as_clerk(&mut d, |w| slips::print(w, &s.no)).unwrap();
    assert!(!first.reprint);
    assert_eq!(first.slip.print_count, 1);
    assert_eq!(first.slip.first_printed_by.as_deref(), Some("李前台"));
    assert_eq!(first.slip.first_printed_at, Some(time::to_db(t0())));
    d.clock.advance(Duration::hours(1));
    let again = as_supervisor(&mut d, |w| slips::print(w, &s.id)).unwrap();
    assert!(again.reprint);
    assert_eq!(again.printed_at, time::to_db(t0() + Duration::hours(1)));
    assert_eq!(again.slip.print_count, 2);
    assert_eq!(again.slip.first_printed_by.as_deref(), Some("李前台"));
    assert_eq!(again.slip.first_printed_at, Some(time::to_db(t0())));
    let prints: Vec<(bool, String)> = d
        .store
        .conn()
        .prepare("SELECT reprint, at FROM slip_prints WHERE slip_id = ?1 ORDER BY at")
        .unwrap()
        .query_map(params![s.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(prints.len(), 2);
    assert_eq!((prints[0].0, prints[1].0), (false, true));
    let row =
        slips::register(d.store.conn(), &d.estate.id, t0(), t0() + Duration::days(1)).unwrap();
    assert_eq!(row[0].print_count, 2);
    assert_eq!(row[0].printed_by.as_deref(), Some("李前台"));
}

#[test]
fn every_slip_transition_is_allowed_or_refused_as_the_flow_says() {
    let mut d = desk();
    use SlipStatus as S;
    let table: &[(At, Op, Option<SlipStatus>)] = &[
        (At::Unprinted, Op::Print, Some(S::Created)),
        (At::Unprinted, Op::HandOver, None),
        (At::Unprinted, Op::Return, None),
        (At::Unprinted, Op::File, None),
        (At::Unprinted, Op::Void, Some(S::Voided)),
        (At::Printed, Op::Print, Some(S::Created)),
        (At::Printed, Op::HandOver, Some(S::HandedOver)),
        (At::Printed, Op::Return, None),
        (At::Printed, Op::File, None),
        (At::Printed, Op::Void, Some(S::Voided)),
        (At::HandedOver, Op::Print, Some(S::HandedOver)),
        (At::HandedOver, Op::HandOver, None),
        (At::HandedOver, Op::Return, Some(S::Returned)),
        (At::HandedOver, Op::File, None),
        (At::HandedOver, Op::Void, Some(S::Voided)),
        (At::Returned, Op::Print, Some(S::Returned)),
        (At::Returned, Op::HandOver, None),
        (At::Returned, Op::Return, None),
        (At::Returned, Op::File, Some(S::Filed)),
        (At::Returned, Op::Void, Some(S::Voided)),
        (At::Filed, Op::Print, Some(S::Filed)),
        (At::Filed, Op::HandOver, None),
        (At::Filed, Op::Return, None),
        (At::Filed, Op::File, None),
        (At::Filed, Op::Void, None),
        (At::Voided, Op::Print, None),
        (At::Voided, Op::HandOver, None),
        (At::Voided, Op::Return, None),
        (At::Voided, Op::File, None),
        (At::Voided, Op::Void, None),
    ];
    for &(at, op, expect) in table {
        let s = slip_at(&mut d, at);
        let before = snapshot(&d.store);
        let r = run_op(&mut d, &s.no, op);
        match expect {
            Some(to) => {
                let after = r.unwrap_or_else(|e| panic!("{at:?} {op:?}: {e}"));
                assert_eq!(after.status, to, "{at:?} {op:?}");
                if to != s.status {
                    let ev = complaints::events(d.store.conn(), "slip", &s.id).unwrap();
                    let last = &ev.last().unwrap().data;
                    assert_eq!(last["from"], s.status.code(), "{at:?} {op:?}");
                    assert_eq!(last["to"], to.code(), "{at:?} {op:?}");
                }
            }
            None => {
                match &r {
                    Err(Error::State(m)) => {
                        assert!(m.contains(&s.no), "{at:?} {op:?}: {m}");
                        let names_state = m.contains(s.status.label()) || m.contains("尚未打印");
                        assert!(names_state, "{at:?} {op:?}: {m}");
                    }
                    other => panic!("{at:?} {op:?}: expected a state error, got {other:?}"),
                }
                assert_eq!(before, snapshot(&d.store), "{at:?} {op:?} changed data");
            }
        }
    }
}

#[test]
fn hand_over_return_and_file_record_who_and_when() {
    let mut d = desk();
    let s = slip_at(&mut d, At::Printed);
    let clerk = d.clerk.clone();
    assert_rejected(
        &mut d.store,
        &clerk,
        "at",
        "不能晚于当前时间",
        |w| {
            slips::hand_over(
                w,
                &s.no,
                &HandOverInput {
                    at: Some("2026-11-24 09:00".into()),
                    ..HandOverInput::default()
                },
            )
        },
    );
    assert_rejected(&mut d.store, &clerk, "at", "不能早于", |w| {
        slips::hand_over(
            w,
            &s.no,
            &HandOverInput {
                at: Some("2026-11-23 08:00".into()),
                ..HandOverInput::default()
            },
        )
    });
    assert_rejected(&mut d.store, &clerk, "to", "过长", |w| {
        slips::hand_over(
            w,
            &s.no,
            &HandOverInput {
                to: Some("某".repeat(31)),
                ..HandOverInput::default()
            },
        )
    });
    d.clock.advance(Duration::minutes(30));
    let repairer_login = d.repairer.name.clone();
    let h = as_clerk(&mut d, |w| {
        slips::hand_over(
            w,
            &s.no,
            &HandOverInput {
                to: Some(repairer_login.clone()),
                at: Some("2026-11-23 09:20".into()),
            },
        )
    })
    .unwrap();
    assert_eq!(h.handed_to.as_deref(), Some("孙师傅"));
    assert_eq!(
        h.handed_to_staff_id.as_deref(),
        Some(d.repairer.staff_id.as_str())
    );
    assert_eq!(h.handed_at.as_deref(), Some("2026-11-23T01:20:00.000Z"));
    assert_rejected(&mut d.store, &clerk, "handling_result", "必填", |w| {
        slips::record_return(w, &s.no, &ReturnInput::default())
    });
    assert_rejected(&mut d.store, &clerk, "at", "不能早于", |w| {
        slips::record_return(
            w,
            &s.no,
            &ReturnInput {
                at: Some("2026-11-23 09:10".into()),
                handling_result: Some("已处理".into()),
                ..ReturnInput::default()
            },
        )
    });
    let r = as_clerk(&mut d, |w| {
        slips::record_return(
            w,
            &s.no,
            &ReturnInput {
                owner_signed: false,
                handling_result: Some("已上门，业主不在家 😀".into()),
                ..ReturnInput::default()
            },
        )
    })
    .unwrap();
    assert!(!r.owner_signed);
    assert_eq!(r.handling_result.as_deref(), Some("已上门，业主不在家 😀"));
    assert_eq!(
        r.returned_at,
        Some(time::to_db(t0() + Duration::minutes(30)))
    );
    let coord = d.coordinator.clone();
    let f = d.store.write(&coord, |w| slips::file(w, &s.no)).unwrap();
    assert_eq!(f.filed_by.as_deref(), Some("赵协调"));
    assert_eq!(f.filed_at, Some(time::to_db(t0() + Duration::minutes(30))));
}

#[test]
fn hand_over_to_someone_outside_the_staff_or_with_no_responsible_person() {
    let mut d = desk();
    let c = open_complaint(&mut d);
    let s = slip_for(&mut d, &c.no, "保安部", None);
    as_clerk(&mut d, |w| slips::print(w, &s.no)).unwrap();
    let clerk = d.clerk.clone();
    assert_rejected(&mut d.store, &clerk, "to", "必填", |w| {
        slips::hand_over(w, &s.no, &HandOverInput::default())
    });
    let h = as_clerk(&mut d, |w| {
        slips::hand_over(
            w,
            &s.no,
            &HandOverInput {
                to: Some("保安队长老周".into()),
                ..HandOverInput::default()
            },
        )
    })
    .unwrap();
    assert_eq!(h.handed_to.as_deref(), Some("保安队长老周"));
    assert_eq!(h.handed_to_staff_id, None);
}

#[test]
fn voiding_a_slip_takes_a_supervisor_and_a_reason() {
    let mut d = desk();
    let s = new_slip(&mut d);
    let r = as_clerk(&mut d, |w| slips::void(w, &s.no, Some("开错")));
    assert!(matches!(r, Err(Error::Denied(_))), "{r:?}");
    let sup = d.supervisor.clone();
    assert_rejected(&mut d.store, &sup, "reason", "必填", |w| {
        slips::void(w, &s.no, Some(""))
    });
    let eid = d.estate.id.clone();
    assert_eq!(
        search::search(d.store.conn(), &eid, "漏", Some("slip"), 10)
            .unwrap()
            .len(),
        1
    );
    let v = as_supervisor(&mut d, |w| slips::void(w, &s.no, Some("开错部门"))).unwrap();
    assert_eq!(v.status, SlipStatus::Voided);
    assert_eq!(v.void_reason.as_deref(), Some("开错部门"));
    assert!(search::search(d.store.conn(), &eid, "漏", Some("slip"), 10)
        .unwrap()
        .is_empty());
    let audit = frontdesk::store::audit_history(d.store.conn(), "slip", &s.id).unwrap();
    assert_eq!(audit.last().unwrap().action, "void");
}

#[test]
fn search_finds_slips_by_short_queries() {
    let mut d = desk();
    let s = new_slip(&mut d);
    let eid = d.estate.id.clone();
    for q in ["霉", "漏水", "孙师傅", "工程", "XT2026", "1201"] {
        let hits = search::search(d.store.conn(), &eid, q, Some("slip"), 10).unwrap();
        assert_eq!(hits.len(), 1, "query {q}");
        assert_eq!(hits[0].id, s.id);
    }
}

#[test]
fn a_scanned_number_finds_its_slip() {
    let mut d = desk();
    let s = new_slip(&mut d);
    let eid = d.estate.id.clone();
    for typed in [
        "LH-XT2026-0001",
        " lh-xt2026-0001\r\n",
        "\tLh-Xt2026-0001 ",
        "ＬＨ－ＸＴ２０２６－０００１",
    ] {
        let found = slips::find_by_no(d.store.conn(), &eid, typed).unwrap();
        assert_eq!(found.id, s.id, "typed {typed:?}");
    }
    for typed in ["LH-XT2026-0002", "", "LH-XT2026-000"] {
        assert!(
            matches!(
                slips::find_by_no(d.store.conn(), &eid, typed),
                Err(Error::NotFound { .. })
            ),
            "typed {typed:?}"
        );
    }
    // Another estate's desk does not see it.
    let other = d
        .store
        .write(&Actor::system(), |w| {
            estate::create_estate(
                w,
                &EstateInput {
                    name: Some("华苑".into()),
                    code: Some("HY".into()),
                    slip_title: None,
                },
            )
        })
        .unwrap();
    assert!(slips::find_by_no(d.store.conn(), &other.id, "LH-XT2026-0001").is_err());
}

#[test]
fn the_register_lists_every_slip_of_the_period_in_order() {
    let mut d = desk();
    let a = slip_at(&mut d, At::Filed);
    d.clock.advance(Duration::hours(1));
    let b = slip_at(&mut d, At::Voided);
    d.clock.advance(Duration::days(1));
    let c = slip_at(&mut d, At::HandedOver);
    let eid = d.estate.id.clone();
    let day1 = slips::register(d.store.conn(), &eid, t0(), t0() + Duration::hours(15)).unwrap();
    assert_eq!(
        day1.iter().map(|r| r.no.as_str()).collect::<Vec<_>>(),
        [a.no.as_str(), b.no.as_str()]
    );
    let r = &day1[0];
    assert_eq!(r.unit.as_deref(), Some("3-2-1201"));
    assert_eq!(r.customer.as_deref(), Some("张伟"));
    assert_eq!(r.department, "工程维修部");
    assert_eq!(r.person.as_deref(), Some("孙师傅"));
    assert_eq!(r.printed_by.as_deref(), Some("李前台"));
    assert_eq!(r.handed_to.as_deref(), Some("孙师傅"));
    assert!(r.handed_at.is_some() && r.returned_at.is_some() && r.filed_at.is_some());
    assert!(r.owner_signed);
    assert_eq!(r.status, SlipStatus::Filed);
    assert_eq!(day1[1].status, SlipStatus::Voided);
    let all = slips::register(d.store.conn(), &eid, t0(), t0() + Duration::days(3)).unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[2].no, c.no);
    assert_eq!(all[2].filed_at, None);
}

#[test]
fn the_owners_archive_holds_the_filed_slips_by_unit_or_customer() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let unit_id: String = d
        .store
        .conn()
        .query_row("SELECT id FROM units WHERE code = '3-2-1201'", [], |r| {
            r.get(0)
        })
        .unwrap();
    d.store
        .conn()
        .execute(
            "INSERT INTO customers(id, estate_id, unit_id, name, phone, created_at, created_by,
                updated_at, updated_by)
             VALUES ('cust-zhang', ?1, ?2, '张伟', '13800138000', ?3, 'system', ?3, 'system')",
            params![eid, unit_id, time::to_db(t0())],
        )
        .unwrap();
    let filed = slip_at(&mut d, At::Filed);
    assert_eq!(filed.customer_id.as_deref(), Some("cust-zhang"));
    slip_at(&mut d, At::Returned);
    let by_unit = slips::archive(d.store.conn(), &eid, "3栋2单元1201").unwrap();
    assert_eq!(
        by_unit.iter().map(|s| s.no.as_str()).collect::<Vec<_>>(),
        [filed.no.as_str()]
    );
    let by_customer = slips::archive(d.store.conn(), &eid, "cust-zhang").unwrap();
    assert_eq!(by_customer.len(), 1);
    assert!(slips::archive(d.store.conn(), &eid, "1-1-101")
        .unwrap()
        .is_empty());
    assert_invalid(
        slips::archive(d.store.conn(), &eid, "9-9-999"),
        "key",
        "不在本小区",
    );
}
