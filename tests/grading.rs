//! Grading, re-grading and escalation: each row of the grading table, the 5th household, the
//! time tick, never-downgrade, the 3-in-7-days escalation, policy changes not rewriting history,
//! issue suggestions and linking, all on the fixed clock; and the rules alone (`evaluate` over
//! inputs written by hand), a table of cases covering every rule and the policy as data.

use chrono::Duration;
use frontdesk::complaints::{self, AttemptInput, CloseInput, Complaint, ComplaintInput, Facts};
use frontdesk::grading::{self, GradingPolicy, Inputs, LinkInput, Member};
use frontdesk::intake::IntakeInput;
use frontdesk::policy::{self, Policy};
use frontdesk::vocab::{Grade, Identification, Role};
use frontdesk::{Error, Result, Write};

use crate::common::*;
use crate::complaints::{as_clerk, as_supervisor, complaint_call, form, record_intake};

/// Opens a complaint from a fresh intake at `unit` saying `content`, with `extra` facts.
fn open_at(d: &mut Desk, unit: &str, content: &str, extra: ComplaintInput) -> Complaint {
    let i = record_intake(
        d,
        &IntakeInput {
            unit: Some(unit.into()),
            content: Some(content.into()),
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
                category: extra.category.clone().or(Some("物业管理".into())),
                ..extra
            },
        )
    })
    .unwrap()
}

/// One complaint saying `content` from each unit of the practice desk, `days` apart.
fn one_at_every_unit(d: &mut Desk, content: &str, days: i64) -> Vec<Complaint> {
    UNITS
        .iter()
        .map(|unit| {
            let c = open_at(d, unit, content, ComplaintInput::default());
            d.clock.advance(Duration::days(days));
            c
        })
        .collect()
}

fn open_plain(d: &mut Desk, extra: ComplaintInput) -> Complaint {
    open_at(d, "3-2-1201", "楼上卫生间漏水，天花板发霉", extra)
}

fn reload(d: &Desk, c: &Complaint) -> Complaint {
    complaints::load(d.store.conn(), &c.id).unwrap()
}

fn grade_events(d: &Desk, c: &Complaint) -> Vec<serde_json::Value> {
    complaints::events(d.store.conn(), "complaint", &c.id)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "grade")
        .map(|e| e.data)
        .collect()
}

fn attempt(result: &str) -> AttemptInput {
    AttemptInput {
        method: Some("电话".into()),
        said: Some("沟通赔偿方案".into()),
        result: Some(result.into()),
        ..AttemptInput::default()
    }
}

fn tick(d: &mut Desk) -> Vec<grading::GradeChange> {
    let eid = d.estate.id.clone();
    as_clerk(d, |w| grading::regrade_all(w, &eid)).unwrap()
}

fn link(d: &mut Desk, c: &Complaint, to: &str) -> Result<grading::Issue> {
    let input = LinkInput {
        to: Some(to.into()),
        title: None,
    };
    as_clerk(d, |w| grading::link(w, &c.no, &input))
}

/// Asserts the stored grade, that its reason contains `needle`, and that the last grade event
/// says the same.
#[track_caller]
fn assert_graded(d: &Desk, c: &Complaint, grade: Grade, needle: &str) {
    let now = reload(d, c);
    assert_eq!(now.grade, grade, "{}: {:?}", c.no, now.grade_reason);
    let reason = now.grade_reason.clone().unwrap_or_default();
    assert!(
        reason.contains(needle),
        "reason {reason:?} lacks {needle:?}"
    );
    let ev = grade_events(d, c);
    let last = ev.last().expect("a grade event");
    assert_eq!(last["to"], grade.code());
    assert_eq!(last["manual"], false);
    assert!(last["reason"].as_str().unwrap().contains(needle));
    let a = grading::assess(d.store.conn(), &c.id, d.clock.now()).unwrap();
    assert_eq!(a.grade, grade);
    assert!(a.reasons.iter().any(|r| r.contains(needle)), "{a:?}");
}

#[test]
fn each_fact_row_of_the_grading_table() {
    let f = |g: &dyn Fn(&mut ComplaintInput)| {
        let mut i = ComplaintInput::default();
        g(&mut i);
        i
    };
    let cases: Vec<(&str, ComplaintInput, Grade, &str, &str, &str)> = vec![
        (
            "safety",
            f(&|i| i.safety_risk = Some(true)),
            Grade::Major,
            "涉及客户人身或财产安全",
            "总经理",
            "当天",
        ),
        (
            "claim",
            f(&|i| i.claim_amount = Some("25000".into())),
            Grade::Major,
            "索赔金额 ¥25,000.00 ≥ ¥20,000",
            "总经理",
            "当天",
        ),
        (
            "claim at the threshold",
            f(&|i| i.claim_amount = Some("20000".into())),
            Grade::Major,
            "索赔金额 ¥20,000.00 ≥ ¥20,000",
            "总经理",
            "当天",
        ),
        (
            "media",
            f(&|i| i.media_exposure = Some(true)),
            Grade::Major,
            "媒体曝光",
            "总经理",
            "当天",
        ),
        (
            "lawsuit",
            f(&|i| i.lawsuit = Some(true)),
            Grade::Major,
            "涉及诉讼",
            "总经理",
            "当天",
        ),
        (
            "promise unkept after repeated requests",
            f(&|i| i.promise_unkept = Some(true)),
            Grade::Major,
            "承诺或合同约定的服务未实施，业户多次提出仍未解决",
            "总经理",
            "当天",
        ),
        (
            "may lead to a lawsuit",
            f(&|i| i.lawsuit_risk = Some(true)),
            Grade::Hot,
            "可能引发法律诉讼",
            "总经理助理",
            "1小时",
        ),
        (
            "may reach the media",
            f(&|i| i.media_risk = Some(true)),
            Grade::Hot,
            "可能被媒体曝光",
            "总经理助理",
            "1小时",
        ),
        (
            "collective 10",
            f(&|i| i.collective_size = Some(10)),
            Grade::Major,
            "集体投诉 10 人 ≥ 10 人",
            "总经理",
            "当天",
        ),
        (
            "collective 3",
            f(&|i| i.collective_size = Some(3)),
            Grade::Hot,
            "集体投诉 3 人 ≥ 3 人",
            "总经理助理",
            "1小时",
        ),
        (
            "company fault",
            f(&|i| i.company_fault = Some(true)),
            Grade::Important,
            "公司存在明显过错",
            "项目经理",
            "1小时",
        ),
        (
            "other departments",
            f(&|i| i.needs_other_departments = Some(true)),
            Grade::Important,
            "需要其他部门配合处理",
            "项目经理",
            "1小时",
        ),
    ];
    for (name, extra, grade, needle, who, limit) in cases {
        let mut d = desk();
        let c = open_plain(&mut d, extra);
        assert_eq!(c.grade, grade, "{name}");
        assert_graded(&d, &c, grade, needle);
        let a = grading::assess(d.store.conn(), &c.id, d.clock.now()).unwrap();
        assert_eq!(a.responsible, who, "{name}");
        assert_eq!(a.first_response, limit, "{name}");
        assert_eq!(grade_events(&d, &c).len(), 1, "{name}");
        assert_eq!(grade_events(&d, &c)[0]["context"], "立案", "{name}");
    }
    // Below every threshold: 一般, no reason, no event.
    for (name, extra) in [
        ("nothing", ComplaintInput::default()),
        (
            "claim below",
            f(&|i| i.claim_amount = Some("19999.99".into())),
        ),
        ("collective 2", f(&|i| i.collective_size = Some(2))),
    ] {
        let mut d = desk();
        let c = open_plain(&mut d, extra);
        assert_eq!(c.grade, Grade::General, "{name}");
        assert!(grade_events(&d, &c).is_empty(), "{name}");
        let a = grading::assess(d.store.conn(), &c.id, d.clock.now()).unwrap();
        assert!(a.reasons.is_empty(), "{name}: {a:?}");
        assert_eq!(a.responsible, "客户主管");
        assert_eq!(a.first_response, "2天或业主要求日期");
    }
}

#[test]
fn raising_a_fact_by_update_regrades_in_one_audited_change() {
    let mut d = desk();
    let c = open_plain(&mut d, ComplaintInput::default());
    let up = as_clerk(&mut d, |w| {
        complaints::update(
            w,
            &c.no,
            &ComplaintInput {
                media_exposure: Some(true),
                ..ComplaintInput::default()
            },
        )
    })
    .unwrap();
    assert_eq!(up.grade, Grade::Major);
    assert_graded(&d, &c, Grade::Major, "媒体曝光");
    assert_eq!(grade_events(&d, &c)[0]["context"], "投诉信息变更");
    let audit = frontdesk::store::audit_history(d.store.conn(), "complaint", &c.id).unwrap();
    let diff: serde_json::Value = serde_json::from_str(&audit.last().unwrap().detail).unwrap();
    assert_eq!(diff["grade"], serde_json::json!(["general", "major"]));
    assert_eq!(diff["media_exposure"], serde_json::json!([false, true]));
}

#[test]
fn time_and_history_rows_of_the_grading_table() {
    // Company fault unresolved over a week → 热点.
    let mut d = desk();
    let c = open_plain(
        &mut d,
        ComplaintInput {
            company_fault: Some(true),
            ..ComplaintInput::default()
        },
    );
    assert_eq!(c.grade, Grade::Important);
    d.clock.advance(Duration::days(7));
    assert!(tick(&mut d).is_empty(), "exactly a week is not over a week");
    d.clock.advance(Duration::hours(1));
    let changes = tick(&mut d);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].from, Grade::Important);
    assert_eq!(changes[0].to, Grade::Hot);
    assert_graded(&d, &c, Grade::Hot, "公司责任导致超过1周仍未解决");

    // An important (non-valid) complaint open over 3 months → 重大; a month is not enough.
    let mut d = desk();
    let c = open_plain(
        &mut d,
        ComplaintInput {
            identification: Some("协调工作".into()),
            needs_other_departments: Some(true),
            ..ComplaintInput::default()
        },
    );
    assert_eq!(c.grade, Grade::Important);
    d.clock.advance(Duration::days(31));
    assert!(tick(&mut d).is_empty());
    d.clock.advance(Duration::days(60));
    tick(&mut d);
    assert_graded(&d, &c, Grade::Major, "重要投诉超过3个月未解决");

    // The same customer about the same category a second time → 重要.
    let mut d = desk();
    let eid = d.estate.id.clone();
    let customer = as_clerk(&mut d, |w| {
        frontdesk::customers::add_customer(
            w,
            &eid,
            &frontdesk::customers::CustomerInput {
                unit: Some("3-2-1201".into()),
                name: Some("张伟".into()),
                phone: Some("13800138000".into()),
                ..Default::default()
            },
        )
    })
    .unwrap();
    let again = |d: &mut Desk, category: &str| {
        let i = record_intake(
            d,
            &IntakeInput {
                customer_id: Some(customer.id.clone()),
                ..complaint_call()
            },
        );
        let eid = d.estate.id.clone();
        as_clerk(d, |w| {
            complaints::open(
                w,
                &eid,
                &ComplaintInput {
                    category: Some(category.into()),
                    ..form(&i.no)
                },
            )
        })
        .unwrap()
    };
    let first = again(&mut d, "物业管理");
    assert_eq!(first.grade, Grade::General);
    d.clock.advance(Duration::days(20));
    let other = again(&mut d, "工程质量");
    assert_eq!(other.grade, Grade::General, "another category is no repeat");
    let second = again(&mut d, "物业管理");
    assert_graded(
        &d,
        &second,
        Grade::Important,
        "同一客户1年内第2次投诉“物业管理”",
    );

    // Three attempts without agreement → 重要.
    let mut d = desk();
    let c = open_plain(&mut d, ComplaintInput::default());
    for r in ["未达成一致", "未联系上"] {
        as_clerk(&mut d, |w| complaints::add_attempt(w, &c.no, &attempt(r))).unwrap();
    }
    assert_eq!(reload(&d, &c).grade, Grade::General);
    as_clerk(&mut d, |w| {
        complaints::add_attempt(w, &c.no, &attempt("未达成一致"))
    })
    .unwrap();
    assert_graded(&d, &c, Grade::Important, "沟通3次未达成一致");

    // A complaint again after closing (二次投诉) → 重要.
    let mut d = desk();
    let c = open_plain(&mut d, ComplaintInput::default());
    as_clerk(&mut d, |w| {
        complaints::add_attempt(w, &c.no, &attempt("达成一致"))
    })
    .unwrap();
    as_clerk(&mut d, |w| complaints::request_confirmation(w, &c.no)).unwrap();
    as_clerk(&mut d, |w| {
        complaints::close(
            w,
            &c.no,
            &CloseInput {
                result: Some("已维修".into()),
                satisfaction: Some("满意".into()),
            },
        )
    })
    .unwrap();
    let r = as_clerk(&mut d, |w| complaints::reopen(w, &c.no, Some("又漏水了"))).unwrap();
    assert_eq!(r.grade, Grade::Important);
    assert_graded(&d, &c, Grade::Important, "二次投诉");
}

#[test]
fn the_fifth_household_makes_the_issue_major() {
    let mut d = desk();
    let all = one_at_every_unit(&mut d, "小区东门道闸故障，车辆无法进出", 3);
    let issue = link(&mut d, &all[1], &all[0].no).unwrap();
    assert_eq!(issue.complaints, [all[0].no.clone(), all[1].no.clone()]);
    assert_eq!(issue.title, "小区东门道闸故障，车辆无法进出");
    assert_eq!(reload(&d, &all[0]).grade, Grade::General);
    // The third complainant within a month: every complaint of the issue becomes 热点.
    link(&mut d, &all[2], &issue.id).unwrap();
    for c in &all[..3] {
        assert_graded(&d, c, Grade::Hot, "同一问题1个月内已有3位不同投诉人");
    }
    link(&mut d, &all[3], &all[1].no).unwrap();
    assert_eq!(reload(&d, &all[3]).grade, Grade::Hot);
    assert_eq!(
        grade_events(&d, &all[0]).len(),
        1,
        "no event without a change"
    );
    // The fifth household: 重大, and leadership hears of it the same day.
    let issue = link(&mut d, &all[4], &issue.id).unwrap();
    assert_eq!(issue.complaints.len(), 5);
    for c in &all {
        assert_graded(&d, c, Grade::Major, "同一问题第5户投诉");
        let esc = grading::escalations_for(d.store.conn(), &c.id).unwrap();
        assert_eq!(esc.len(), 1);
        assert_eq!(esc[0].kind, "major");
        assert_eq!(esc[0].to_role, Role::GeneralManager);
        assert!(
            esc[0].reason.contains("当天上报总经理"),
            "{}",
            esc[0].reason
        );
    }
    assert_eq!(grade_events(&d, &all[4])[0]["from"], "general");
    let ev = grade_events(&d, &all[0]);
    assert_eq!(ev.last().unwrap()["from"], "hot");
    assert_eq!(ev.last().unwrap()["policy_version"], 0);
    assert!(ev.last().unwrap()["context"]
        .as_str()
        .unwrap()
        .contains("关联同一问题"));
    // Explain shows the assessment, the issue and the history.
    let x = grading::explain(d.store.conn(), &all[0].no, d.clock.now()).unwrap();
    assert_eq!(x.assessment.households, 5);
    assert_eq!(x.issue.unwrap().complaints.len(), 5);
    assert_eq!(x.escalations.len(), 1);
    assert!(x.grade_events.iter().any(|e| e.kind == "issue_linked"));
}

#[test]
fn complainants_must_fall_within_a_month_for_hot() {
    let mut d = desk();
    let mut all = Vec::new();
    for unit in &UNITS[..3] {
        all.push(open_at(
            &mut d,
            unit,
            "电梯经常停运",
            // 协调工作: the valid-complaint month rule does not apply.
            ComplaintInput {
                identification: Some("协调工作".into()),
                ..ComplaintInput::default()
            },
        ));
        d.clock.advance(Duration::days(20));
    }
    link(&mut d, &all[1], &all[0].no).unwrap();
    link(&mut d, &all[2], &all[0].no).unwrap();
    // Days 0, 20, 40: no 30-day span holds three complainants.
    for c in &all {
        assert_eq!(
            reload(&d, c).grade,
            Grade::General,
            "{:?}",
            reload(&d, c).grade_reason
        );
    }
    let a = grading::assess(d.store.conn(), &all[2].id, d.clock.now()).unwrap();
    assert_eq!(a.complainants_in_window, 2);
    assert_eq!(a.households, 3);
}

#[test]
fn grades_are_never_lowered_automatically() {
    let mut d = desk();
    let c = open_plain(
        &mut d,
        ComplaintInput {
            lawsuit: Some(true),
            ..ComplaintInput::default()
        },
    );
    assert_eq!(c.grade, Grade::Major);
    let events = grade_events(&d, &c).len();
    let up = as_clerk(&mut d, |w| {
        complaints::update(
            w,
            &c.no,
            &ComplaintInput {
                lawsuit: Some(false),
                ..ComplaintInput::default()
            },
        )
    })
    .unwrap();
    assert_eq!(up.grade, Grade::Major);
    assert_eq!(up.grade_reason.as_deref(), Some("涉及诉讼"));
    assert!(tick(&mut d).is_empty());
    assert_eq!(grade_events(&d, &c).len(), events);
    let a = grading::assess(d.store.conn(), &c.id, d.clock.now()).unwrap();
    assert_eq!(a.grade, Grade::General);
    assert_eq!(a.stored_grade, Grade::Major);
    assert_eq!(a.responsible, "总经理", "the stored grade's duty holds");
}

#[test]
fn the_time_tick_raises_a_valid_complaint_unresolved_over_a_month() {
    let mut d = desk();
    let open = open_plain(&mut d, ComplaintInput::default());
    let closed = open_at(&mut d, "1-1-101", "保安态度差", ComplaintInput::default());
    as_clerk(&mut d, |w| {
        complaints::add_attempt(w, &closed.no, &attempt("达成一致"))
    })
    .unwrap();
    as_clerk(&mut d, |w| complaints::request_confirmation(w, &closed.no)).unwrap();
    as_clerk(&mut d, |w| {
        complaints::close(
            w,
            &closed.no,
            &CloseInput {
                result: Some("已道歉".into()),
                satisfaction: Some("满意".into()),
            },
        )
    })
    .unwrap();
    d.clock.advance(Duration::days(30));
    assert!(tick(&mut d).is_empty());
    d.clock.advance(Duration::days(1));
    let changes = tick(&mut d);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].complaint_no, open.no);
    assert_graded(&d, &open, Grade::Major, "有效投诉超过1个月未解决");
    assert_eq!(grade_events(&d, &open)[0]["context"], "定时重新评估");
    assert_eq!(reload(&d, &closed).grade, Grade::General, "closed stays");
    // Ticking again changes nothing and raises no second escalation.
    assert!(tick(&mut d).is_empty());
    assert_eq!(
        grading::escalations_for(d.store.conn(), &open.id)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn the_third_failed_attempt_within_seven_days_escalates_once() {
    let mut d = desk();
    let c = open_plain(&mut d, ComplaintInput::default());
    let coordinator = d.coordinator.clone();
    let by_coordinator = |d: &mut Desk, r: &str| {
        d.store
            .write(&coordinator, |w| {
                complaints::add_attempt(w, &c.no, &attempt(r))
            })
            .unwrap()
    };
    by_coordinator(&mut d, "未达成一致");
    d.clock.advance(Duration::days(2));
    by_coordinator(&mut d, "处理中");
    by_coordinator(&mut d, "未联系上");
    assert!(grading::needs_attention(d.store.conn(), &d.estate.id)
        .unwrap()
        .is_empty());
    d.clock.advance(Duration::days(4));
    by_coordinator(&mut d, "未达成一致");
    let queue = grading::needs_attention(d.store.conn(), &d.estate.id).unwrap();
    assert_eq!(queue.len(), 1);
    let e = &queue[0];
    assert_eq!(e.kind, "failed_attempts");
    assert_eq!(e.subject_no, c.no);
    assert_eq!(e.to_role, Role::Supervisor);
    assert_eq!(e.summary, "楼上卫生间漏水，天花板发霉");
    assert!(
        e.reason.contains("1周内第3次沟通未果（赵协调）"),
        "{}",
        e.reason
    );
    // A fourth in the same window raises nothing more.
    by_coordinator(&mut d, "未达成一致");
    assert_eq!(
        grading::escalations_for(d.store.conn(), &c.id)
            .unwrap()
            .len(),
        1
    );
    // Only a supervisor acknowledges, once.
    let clerk = d.clerk.clone();
    let r = d
        .store
        .write(&clerk, |w| grading::acknowledge(w, &e.id, None));
    assert!(matches!(r, Err(Error::Denied(_))), "{r:?}");
    let before = snapshot(&d.store);
    let r = as_supervisor(&mut d, |w| {
        grading::acknowledge(w, &e.id, Some(&"长".repeat(1001)))
    });
    assert_invalid(r, "note", "1000");
    assert_eq!(before, snapshot(&d.store));
    let ack = as_supervisor(&mut d, |w| {
        grading::acknowledge(w, &e.id, Some("已安排主管上门 😀"))
    })
    .unwrap();
    assert_eq!(ack.ack_note.as_deref(), Some("已安排主管上门 😀"));
    assert!(grading::needs_attention(d.store.conn(), &d.estate.id)
        .unwrap()
        .is_empty());
    let r = as_supervisor(&mut d, |w| grading::acknowledge(w, &e.id, None));
    assert!(matches!(r, Err(Error::State(_))), "{r:?}");
    let r = as_supervisor(&mut d, |w| grading::acknowledge(w, "nope", None));
    assert!(matches!(r, Err(Error::NotFound { .. })), "{r:?}");
    // A supervisor's own third failure goes one level up, in a new window.
    d.clock.advance(Duration::days(8));
    for _ in 0..3 {
        as_supervisor(&mut d, |w| {
            complaints::add_attempt(w, &c.no, &attempt("未达成一致"))
        })
        .unwrap();
    }
    let queue = grading::needs_attention(d.store.conn(), &d.estate.id).unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].to_role, Role::ProjectManager);
}

#[test]
fn failed_attempts_spread_over_ten_days_do_not_escalate() {
    let mut d = desk();
    let c = open_plain(&mut d, ComplaintInput::default());
    for day in 0..3 {
        if day > 0 {
            d.clock.advance(Duration::days(5));
        }
        as_clerk(&mut d, |w| {
            complaints::add_attempt(w, &c.no, &attempt("未达成一致"))
        })
        .unwrap();
    }
    assert!(grading::escalations_for(d.store.conn(), &c.id)
        .unwrap()
        .is_empty());
    // …though three failures still make it 重要.
    assert_eq!(reload(&d, &c).grade, Grade::Important);
}

#[test]
fn a_policy_change_does_not_rewrite_history() {
    let mut d = desk();
    let mut first = Vec::new();
    for unit in UNITS {
        first.push(open_at(
            &mut d,
            unit,
            "地下车库积水",
            ComplaintInput::default(),
        ));
    }
    for c in &first[1..] {
        link(&mut d, c, &first[0].no).unwrap();
    }
    assert_eq!(reload(&d, &first[0]).grade, Grade::Major);
    let events_before: Vec<_> = first.iter().map(|c| grade_events(&d, c)).collect();
    let mut p = Policy::default();
    p.grading.major_households = 6;
    let eid = d.estate.id.clone();
    let v = as_supervisor(&mut d, |w| policy::save(w, &eid, &p, Some("六户才算重大"))).unwrap();
    assert_eq!(v, 1);
    assert!(tick(&mut d).is_empty());
    for (c, before) in first.iter().zip(&events_before) {
        let now = reload(&d, c);
        assert_eq!(now.grade, Grade::Major);
        assert!(now.grade_reason.unwrap().contains("同一问题第5户投诉"));
        assert_eq!(&grade_events(&d, c), before);
    }
    // New decisions follow the new version: five households are only 热点 now.
    let mut second = Vec::new();
    for unit in UNITS {
        second.push(open_at(
            &mut d,
            unit,
            "游泳池水质浑浊",
            ComplaintInput::default(),
        ));
    }
    for c in &second[1..] {
        link(&mut d, c, &second[0].no).unwrap();
    }
    let last = reload(&d, &second[4]);
    assert_eq!(last.grade, Grade::Hot);
    assert_eq!(grade_events(&d, &second[4])[0]["policy_version"], 1);
    let a = grading::assess(d.store.conn(), &first[0].id, d.clock.now()).unwrap();
    assert_eq!(a.policy_version, 1);
    assert_eq!(a.grade, Grade::Hot);
}

#[test]
fn suggestions_rank_the_similar_complaint_first() {
    let mut d = desk();
    let a = open_at(
        &mut d,
        "3-2-1201",
        "楼上卫生间漏水，天花板发霉",
        ComplaintInput::default(),
    );
    let far = open_at(
        &mut d,
        "1-1-101",
        "保安态度恶劣，'; DROP TABLE x;--",
        ComplaintInput::default(),
    );
    let similar = open_at(
        &mut d,
        "3-2-1202",
        "卫生间漏水导致天花板发霉",
        ComplaintInput::default(),
    );
    let list = grading::suggest_issues(d.store.conn(), &a.id).unwrap();
    assert_eq!(list[0].kind, "complaint");
    assert_eq!(list[0].label, similar.no);
    assert!(list[0].why.iter().any(|w| w.contains("同一楼栋")));
    assert!(list[0].why.iter().any(|w| w.contains("内容相似度")));
    assert!(list.iter().all(|c| c.label != far.no), "{list:?}");
    // Once the similar one is in an issue, the issue is suggested; linked ones are not offered.
    let third = open_at(
        &mut d,
        "12-101",
        "卫生间天花板漏水发霉 𠮷",
        ComplaintInput::default(),
    );
    let issue = link(&mut d, &third, &similar.no).unwrap();
    let list = grading::suggest_issues(d.store.conn(), &a.id).unwrap();
    assert_eq!(list[0].kind, "issue");
    assert_eq!(list[0].id, issue.id);
    assert_eq!(list[0].complaints.len(), 2);
    link(&mut d, &a, &list[0].id).unwrap();
    let list = grading::suggest_issues(d.store.conn(), &a.id).unwrap();
    assert!(list.iter().all(|c| c.id != issue.id), "{list:?}");
    // Beyond the 90-day window nothing is offered.
    d.clock.advance(Duration::days(91));
    let late = open_at(
        &mut d,
        "3-2-1201",
        "楼上卫生间漏水，天花板发霉",
        ComplaintInput::default(),
    );
    assert!(grading::suggest_issues(d.store.conn(), &late.no)
        .unwrap()
        .is_empty());
}

#[test]
fn link_and_unlink_check_their_input() {
    let mut d = desk();
    let a = open_plain(&mut d, ComplaintInput::default());
    let b = open_at(&mut d, "1-1-101", "路灯不亮", ComplaintInput::default());
    let clerk = d.clerk.clone();
    let to = |s: Option<&str>| LinkInput {
        to: s.map(str::to_string),
        title: None,
    };
    let cases: Vec<(LinkInput, &str, &str)> = vec![
        (to(None), "to", "必填"),
        (to(Some("  ")), "to", "必填"),
        (to(Some("LH-TS2026-9999")), "to", "未找到"),
        (to(Some(&a.no)), "to", "本身"),
        (
            LinkInput {
                to: Some(b.no.clone()),
                title: Some("x".repeat(101)),
            },
            "title",
            "100",
        ),
        (
            LinkInput {
                to: Some(b.no.clone()),
                title: Some("坏\u{7}字".into()),
            },
            "title",
            "控制字符",
        ),
    ];
    for (input, field, needle) in cases {
        assert_rejected(&mut d.store, &clerk, field, needle, |w: &mut Write| {
            grading::link(w, &a.no, &input)
        });
    }
    let issue = as_clerk(&mut d, |w| {
        grading::link(
            w,
            &a.no,
            &LinkInput {
                to: Some(b.no.clone()),
                title: Some("漏水与路灯 😀 '; DROP TABLE x;--".into()),
            },
        )
    })
    .unwrap();
    assert_eq!(
        grading::issue(d.store.conn(), &issue.id).unwrap().title,
        "漏水与路灯 😀 '; DROP TABLE x;--"
    );
    let r = link(&mut d, &a, &b.no);
    assert!(matches!(r, Err(Error::State(_))), "{r:?}");
    assert_rejected(&mut d.store, &clerk, "reason", "必填", |w| {
        grading::unlink(w, &a.no, None)
    });
    as_clerk(&mut d, |w| grading::unlink(w, &a.no, Some("不是同一问题"))).unwrap();
    let r = as_clerk(&mut d, |w| grading::unlink(w, &a.no, Some("再次")));
    assert!(matches!(r, Err(Error::State(_))), "{r:?}");
    let kinds: Vec<String> = complaints::events(d.store.conn(), "complaint", &a.id)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind.starts_with("issue_"))
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["issue_linked", "issue_unlinked"]);
    assert_eq!(
        grading::issue(d.store.conn(), &issue.id)
            .unwrap()
            .complaints,
        vec![b.no.clone()]
    );
    // A voided complaint cannot be linked.
    as_supervisor(&mut d, |w| complaints::void(w, &a.no, Some("重复立案"))).unwrap();
    let r = link(&mut d, &a, &issue.id);
    assert!(matches!(r, Err(Error::State(_))), "{r:?}");
    assert!(d.store.verify().unwrap().ok());
}

/// Five households of one problem make every complaint 重大, the reason naming the 5th household.
/// Voiding the 5th leaves the others 重大 (never lowered automatically) and says so on each: an
/// event naming the voided complaint and the households now counted; explain says why the grade
/// on record is above the facts'. Taking one out of the issue does the same.
#[test]
fn voiding_or_unlinking_a_linked_complaint_is_recorded_on_the_others() {
    let mut d = desk();
    let all = one_at_every_unit(&mut d, "地下车库积水，车辆被泡", 1);
    for c in &all[1..] {
        link(&mut d, c, &all[0].no).unwrap();
    }
    for c in &all {
        assert_graded(
            &d,
            c,
            Grade::Major,
            &format!("同一问题第5户投诉（{}）", UNITS[4]),
        );
    }
    let fifth = all[4].clone();
    as_supervisor(&mut d, |w| complaints::void(w, &fifth.no, Some("重复登记"))).unwrap();
    let left = |d: &Desk, c: &Complaint| -> Vec<String> {
        complaints::events(d.store.conn(), "complaint", &c.id)
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == "issue_member_left")
            .map(|e| e.data["note"].as_str().unwrap().to_string())
            .collect()
    };
    for c in &all[..4] {
        assert_eq!(reload(&d, c).grade, Grade::Major, "kept");
        let notes = left(&d, c);
        assert_eq!(notes.len(), 1, "{notes:?}");
        for want in [
            &fifth.no,
            "已作废（重复登记）",
            "现计4户",
            "等级不自动降低",
            "“重大”",
        ] {
            assert!(notes[0].contains(want), "{} lacks {want}", notes[0]);
        }
        let x = grading::explain(d.store.conn(), &c.no, d.clock.now()).unwrap();
        assert_eq!(x.assessment.households, 4);
        assert!(x.assessment.grade < Grade::Major);
        assert!(x
            .assessment
            .kept_grade_note
            .as_deref()
            .is_some_and(|n| n.contains("等级不自动降低")));
        assert!(x.grade_events.iter().any(|e| e.kind == "issue_member_left"));
    }
    assert!(left(&d, &fifth).is_empty(), "nothing on the voided one");
    // Unlinking the 4th: the three left are told, with the reason.
    let fourth = all[3].clone();
    as_clerk(&mut d, |w| {
        grading::unlink(w, &fourth.no, Some("并非同一问题"))
    })
    .unwrap();
    for c in &all[..3] {
        let notes = left(&d, c);
        assert_eq!(notes.len(), 2);
        assert!(
            notes[1].contains(&fourth.no) && notes[1].contains("已取消关联（并非同一问题）"),
            "{}",
            notes[1]
        );
        assert!(notes[1].contains("现计3户"));
    }
    assert_eq!(left(&d, &fourth).len(), 1, "only the earlier note");
}

/// The live preview on the intake and case screens: the grade the typed facts call for, with its
/// reasons, and nothing saved (no complaint, no number used, no audit entry); a bad value is the
/// field error saving gives; on an open complaint the preview applies the edit without keeping it.
#[test]
fn preview_grades_the_form_without_saving_it() {
    let mut d = desk();
    let i = record_intake(&mut d, &complaint_call());
    let before = snapshot(&d.store);
    let clerk = d.clerk.clone();
    let a = complaints::preview(&mut d.store, &clerk, None, &form(&i.no)).unwrap();
    assert_eq!(a.grade, Grade::General);
    let claim = ComplaintInput {
        claim_amount: Some("20000".into()),
        ..form(&i.no)
    };
    let a = complaints::preview(&mut d.store, &clerk, None, &claim).unwrap();
    assert_eq!(a.grade, Grade::Major);
    assert!(
        a.reasons.iter().any(|r| r.contains("索赔金额 ¥20,000.00")),
        "{:?}",
        a.reasons
    );
    assert_eq!(snapshot(&d.store), before, "a preview saves nothing");
    let bad = ComplaintInput {
        claim_amount: Some("两万".into()),
        ..form(&i.no)
    };
    assert_invalid(
        complaints::preview(&mut d.store, &clerk, None, &bad),
        "claim_amount",
        "",
    );

    // The first complaint saved still takes the first number: previews used none.
    let c = open_plain(&mut d, ComplaintInput::default());
    assert!(c.no.ends_with("0001"), "{}", c.no);
    let before = snapshot(&d.store);
    let media = ComplaintInput {
        media_exposure: Some(true),
        ..ComplaintInput::default()
    };
    let a = complaints::preview(&mut d.store, &clerk, Some(&c.no), &media).unwrap();
    assert_eq!(
        (a.grade, a.stored_grade),
        (Grade::Major, Grade::Major),
        "as it would be saved"
    );
    assert_eq!(snapshot(&d.store), before);
    assert_eq!(reload(&d, &c).grade, Grade::General);
}

// ---------------------------------------------------------------------------------------------
// The rules alone: `grading::evaluate` over inputs written by hand, no store.

/// A complaint as the rules see it: valid, about 物业管理, from household 3-101 alone, no known
/// customer, received at t0, open, assessed a day later; nothing else raises it.
fn inputs() -> Inputs {
    Inputs {
        complaint_id: "c1".into(),
        complaint_no: "LH-TS2026-0001".into(),
        policy_version: 1,
        as_of: t0() + Duration::days(1),
        received_at: t0(),
        open: true,
        identification: Identification::Valid,
        category: "物业管理".into(),
        facts: Facts::default(),
        reopen_count: 0,
        stored_grade: Grade::General,
        stored_reason: None,
        members: households(&[0]),
        same_customer_category: None,
        failed_attempts: 0,
    }
}

/// A complaint of `unit` (its household and complainant) received `day` days after t0.
fn member(unit: &str, complainant: &str, day: i64) -> Member {
    Member {
        household: format!("unit:{unit}"),
        household_name: unit.into(),
        complainant: complainant.into(),
        received_at: t0() + Duration::days(day),
    }
}

/// One complaint per day offset, from households 3-101, 3-102, … in turn.
fn households(days: &[i64]) -> Vec<Member> {
    days.iter()
        .enumerate()
        .map(|(n, &day)| {
            let unit = format!("3-{}", 101 + n);
            member(&unit, &format!("unit:{unit}"), day)
        })
        .collect()
}

/// One row of the table: what to change in the inputs and in the default policy, and what the
/// rules must say (the reasons in order, each by a part of its text).
struct Case {
    what: &'static str,
    inputs: fn(&mut Inputs),
    policy: fn(&mut GradingPolicy),
    grade: Grade,
    reasons: &'static [&'static str],
    other: &'static [&'static str],
    responsible: &'static str,
}

const DEFAULT_POLICY: fn(&mut GradingPolicy) = |_| {};

#[test]
fn every_grading_rule_from_inputs_alone() {
    use Grade::*;
    let cases = [
        Case {
            what: "nothing raises it",
            inputs: |_| {},
            policy: DEFAULT_POLICY,
            grade: General,
            reasons: &[],
            other: &[],
            responsible: "客户主管",
        },
        // 重大
        Case {
            what: "safety",
            inputs: |i| i.facts.safety_risk = true,
            policy: DEFAULT_POLICY,
            grade: Major,
            reasons: &["涉及客户人身或财产安全"],
            other: &[],
            responsible: "总经理",
        },
        Case {
            what: "the 5th household of the issue, named",
            inputs: |i| i.members = households(&[0, 1, 2, 3, 4]),
            policy: DEFAULT_POLICY,
            grade: Major,
            reasons: &["同一问题第5户投诉（3-105）"],
            other: &["同一问题1个月内已有5位不同投诉人"],
            responsible: "总经理",
        },
        Case {
            what: "a household complaining twice counts once",
            inputs: |i| {
                i.members = households(&[0, 1, 2, 3]);
                i.members.push(member("3-101", "phone:13800000000", 4));
            },
            policy: DEFAULT_POLICY,
            grade: Hot,
            reasons: &["同一问题1个月内已有5位不同投诉人"],
            other: &[],
            responsible: "总经理助理",
        },
        Case {
            what: "policy: 3 households are 重大",
            inputs: |i| i.members = households(&[0, 1, 2]),
            policy: |p| p.major_households = 3,
            grade: Major,
            reasons: &["同一问题第3户投诉（3-103）"],
            other: &["同一问题1个月内已有3位不同投诉人"],
            responsible: "总经理",
        },
        Case {
            what: "a claim of ¥20,000",
            inputs: |i| i.facts.claim_fen = 2_000_000,
            policy: DEFAULT_POLICY,
            grade: Major,
            reasons: &["索赔金额 ¥20,000.00 ≥ ¥20,000"],
            other: &[],
            responsible: "总经理",
        },
        Case {
            what: "a claim a fen short of ¥20,000",
            inputs: |i| i.facts.claim_fen = 1_999_999,
            policy: DEFAULT_POLICY,
            grade: General,
            reasons: &[],
            other: &[],
            responsible: "客户主管",
        },
        Case {
            what: "policy: claims from ¥5,000 are 重大",
            inputs: |i| i.facts.claim_fen = 600_050,
            policy: |p| p.major_claim_fen = 500_000,
            grade: Major,
            reasons: &["索赔金额 ¥6,000.50 ≥ ¥5,000"],
            other: &[],
            responsible: "总经理",
        },
        Case {
            what: "media exposure",
            inputs: |i| i.facts.media_exposure = true,
            policy: DEFAULT_POLICY,
            grade: Major,
            reasons: &["媒体曝光，损害品牌声誉"],
            other: &[],
            responsible: "总经理",
        },
        Case {
            what: "a lawsuit",
            inputs: |i| i.facts.lawsuit = true,
            policy: DEFAULT_POLICY,
            grade: Major,
            reasons: &["涉及诉讼"],
            other: &[],
            responsible: "总经理",
        },
        Case {
            what: "a promise unkept",
            inputs: |i| i.facts.promise_unkept = true,
            policy: DEFAULT_POLICY,
            grade: Major,
            reasons: &["承诺或合同约定的服务未实施，业户多次提出仍未解决"],
            other: &[],
            responsible: "总经理",
        },
        Case {
            what: "a collective of 10 is 重大 only, not 热点 too",
            inputs: |i| i.facts.collective_size = 10,
            policy: DEFAULT_POLICY,
            grade: Major,
            reasons: &["集体投诉 10 人 ≥ 10 人"],
            other: &[],
            responsible: "总经理",
        },
        Case {
            what: "a valid complaint open over a month",
            inputs: |i| i.as_of = t0() + Duration::days(31),
            policy: DEFAULT_POLICY,
            grade: Major,
            reasons: &["有效投诉超过1个月未解决"],
            other: &[],
            responsible: "总经理",
        },
        Case {
            what: "a valid complaint open exactly a month",
            inputs: |i| i.as_of = t0() + Duration::days(30),
            policy: DEFAULT_POLICY,
            grade: General,
            reasons: &[],
            other: &[],
            responsible: "客户主管",
        },
        Case {
            what: "a closed complaint's time does not count",
            inputs: |i| {
                i.as_of = t0() + Duration::days(40);
                i.open = false;
            },
            policy: DEFAULT_POLICY,
            grade: General,
            reasons: &[],
            other: &[],
            responsible: "客户主管",
        },
        Case {
            what: "only a valid complaint's month counts",
            inputs: |i| {
                i.as_of = t0() + Duration::days(40);
                i.identification = Identification::Coordination;
            },
            policy: DEFAULT_POLICY,
            grade: General,
            reasons: &[],
            other: &[],
            responsible: "客户主管",
        },
        Case {
            what: "重要 open over three months",
            inputs: |i| {
                i.identification = Identification::Coordination;
                i.facts.needs_other_departments = true;
                i.as_of = t0() + Duration::days(91);
            },
            policy: DEFAULT_POLICY,
            grade: Major,
            reasons: &["重要投诉超过3个月未解决"],
            other: &["需要其他部门配合处理"],
            responsible: "总经理",
        },
        Case {
            what: "a grade of 重要 on record open over three months",
            inputs: |i| {
                i.identification = Identification::Coordination;
                i.stored_grade = Important;
                i.as_of = t0() + Duration::days(91);
            },
            policy: DEFAULT_POLICY,
            grade: Major,
            reasons: &["重要投诉超过3个月未解决"],
            other: &[],
            responsible: "总经理",
        },
        Case {
            what: "several 重大 reasons in the rules' order, a lower one apart",
            inputs: |i| {
                i.facts.lawsuit = true;
                i.facts.safety_risk = true;
                i.facts.company_fault = true;
            },
            policy: DEFAULT_POLICY,
            grade: Major,
            reasons: &["涉及客户人身或财产安全", "涉及诉讼"],
            other: &["公司存在明显过错"],
            responsible: "总经理",
        },
        Case {
            what: "policy: 重大 is handled by someone else",
            inputs: |i| i.facts.safety_risk = true,
            policy: |p| p.major.responsible = "区域总经理".into(),
            grade: Major,
            reasons: &["涉及客户人身或财产安全"],
            other: &[],
            responsible: "区域总经理",
        },
        // 热点
        Case {
            what: "3 complainants of the issue within a month",
            inputs: |i| i.members = households(&[0, 10, 29]),
            policy: DEFAULT_POLICY,
            grade: Hot,
            reasons: &["同一问题1个月内已有3位不同投诉人"],
            other: &[],
            responsible: "总经理助理",
        },
        Case {
            what: "3 complainants spread over more than a month",
            inputs: |i| i.members = households(&[0, 20, 40]),
            policy: DEFAULT_POLICY,
            grade: General,
            reasons: &[],
            other: &[],
            responsible: "客户主管",
        },
        Case {
            what: "policy: a 2-month window for complainants",
            inputs: |i| i.members = households(&[0, 20, 40]),
            policy: |p| p.hot_window_days = 60,
            grade: Hot,
            reasons: &["同一问题2个月内已有3位不同投诉人"],
            other: &[],
            responsible: "总经理助理",
        },
        Case {
            what: "a collective of 3",
            inputs: |i| i.facts.collective_size = 3,
            policy: DEFAULT_POLICY,
            grade: Hot,
            reasons: &["集体投诉 3 人 ≥ 3 人"],
            other: &[],
            responsible: "总经理助理",
        },
        Case {
            what: "a collective of 2",
            inputs: |i| i.facts.collective_size = 2,
            policy: DEFAULT_POLICY,
            grade: General,
            reasons: &[],
            other: &[],
            responsible: "客户主管",
        },
        Case {
            what: "policy: collectives of 2 are 热点",
            inputs: |i| i.facts.collective_size = 2,
            policy: |p| p.hot_collective = 2,
            grade: Hot,
            reasons: &["集体投诉 2 人 ≥ 2 人"],
            other: &[],
            responsible: "总经理助理",
        },
        Case {
            what: "a lawsuit may follow",
            inputs: |i| i.facts.lawsuit_risk = true,
            policy: DEFAULT_POLICY,
            grade: Hot,
            reasons: &["可能引发法律诉讼"],
            other: &[],
            responsible: "总经理助理",
        },
        Case {
            what: "the media may expose it",
            inputs: |i| i.facts.media_risk = true,
            policy: DEFAULT_POLICY,
            grade: Hot,
            reasons: &["可能被媒体曝光"],
            other: &[],
            responsible: "总经理助理",
        },
        Case {
            what: "the company's fault, open over a week",
            inputs: |i| {
                i.facts.company_fault = true;
                i.as_of = t0() + Duration::days(8);
            },
            policy: DEFAULT_POLICY,
            grade: Hot,
            reasons: &["公司责任导致超过1周仍未解决"],
            other: &["公司存在明显过错"],
            responsible: "总经理助理",
        },
        Case {
            what: "policy: the company's fault may stay open 2 weeks",
            inputs: |i| {
                i.facts.company_fault = true;
                i.as_of = t0() + Duration::days(8);
            },
            policy: |p| p.hot_fault_open_days = 14,
            grade: Important,
            reasons: &["公司存在明显过错"],
            other: &[],
            responsible: "项目经理",
        },
        // 重要
        Case {
            what: "the company's fault",
            inputs: |i| i.facts.company_fault = true,
            policy: DEFAULT_POLICY,
            grade: Important,
            reasons: &["公司存在明显过错"],
            other: &[],
            responsible: "项目经理",
        },
        Case {
            what: "the customer's 2nd complaint of the category within a year",
            inputs: |i| i.same_customer_category = Some(vec![t0() - Duration::days(300), t0()]),
            policy: DEFAULT_POLICY,
            grade: Important,
            reasons: &["同一客户1年内第2次投诉“物业管理”"],
            other: &[],
            responsible: "项目经理",
        },
        Case {
            what: "the customer's earlier complaint over a year before",
            inputs: |i| i.same_customer_category = Some(vec![t0() - Duration::days(400), t0()]),
            policy: DEFAULT_POLICY,
            grade: General,
            reasons: &[],
            other: &[],
            responsible: "客户主管",
        },
        Case {
            what: "policy: the 3rd complaint is a repeat",
            inputs: |i| i.same_customer_category = Some(vec![t0() - Duration::days(300), t0()]),
            policy: |p| p.important_repeats = 3,
            grade: General,
            reasons: &[],
            other: &[],
            responsible: "客户主管",
        },
        Case {
            what: "policy: repeats counted over 2 years",
            inputs: |i| i.same_customer_category = Some(vec![t0() - Duration::days(400), t0()]),
            policy: |p| p.important_repeat_window_days = 730,
            grade: Important,
            reasons: &["同一客户2年内第2次投诉“物业管理”"],
            other: &[],
            responsible: "项目经理",
        },
        Case {
            what: "without a known customer a complaint is its 1st",
            inputs: |_| {},
            policy: |p| p.important_repeats = 1,
            grade: Important,
            reasons: &["同一客户1年内第1次投诉“物业管理”"],
            other: &[],
            responsible: "项目经理",
        },
        Case {
            what: "3 failed attempts",
            inputs: |i| i.failed_attempts = 3,
            policy: DEFAULT_POLICY,
            grade: Important,
            reasons: &["沟通3次未达成一致"],
            other: &[],
            responsible: "项目经理",
        },
        Case {
            what: "2 failed attempts",
            inputs: |i| i.failed_attempts = 2,
            policy: DEFAULT_POLICY,
            grade: General,
            reasons: &[],
            other: &[],
            responsible: "客户主管",
        },
        Case {
            what: "reopened after closing (二次投诉)",
            inputs: |i| i.reopen_count = 1,
            policy: DEFAULT_POLICY,
            grade: Important,
            reasons: &["二次投诉（结案后第1次重新打开）"],
            other: &[],
            responsible: "项目经理",
        },
        Case {
            what: "needs other departments",
            inputs: |i| i.facts.needs_other_departments = true,
            policy: DEFAULT_POLICY,
            grade: Important,
            reasons: &["需要其他部门配合处理"],
            other: &[],
            responsible: "项目经理",
        },
        // A grade on record above the facts
        Case {
            what: "a grade of 热点 on record is kept and decides who handles it",
            inputs: |i| i.stored_grade = Hot,
            policy: DEFAULT_POLICY,
            grade: General,
            reasons: &[],
            other: &[],
            responsible: "总经理助理",
        },
    ];
    for case in &cases {
        let mut i = inputs();
        (case.inputs)(&mut i);
        let mut p = GradingPolicy::default();
        (case.policy)(&mut p);
        let a = grading::evaluate(&i, &p);
        let what = case.what;
        assert_eq!(a.grade, case.grade, "{what}: {a:?}");
        for (said, expected) in [(&a.reasons, case.reasons), (&a.other_reasons, case.other)] {
            assert_eq!(said.len(), expected.len(), "{what}: {said:?}");
            for (reason, needle) in said.iter().zip(expected) {
                assert!(
                    reason.contains(needle),
                    "{what}: {reason:?} lacks {needle:?}"
                );
            }
        }
        assert_eq!(a.responsible, case.responsible, "{what}");
        assert_eq!(a.stored_grade, i.stored_grade, "{what}");
        assert_eq!(
            a.kept_grade_note.is_some(),
            i.stored_grade > a.grade,
            "{what}: {:?}",
            a.kept_grade_note
        );
    }
}

#[test]
fn evaluate_reports_the_counts_it_read_and_the_grade_it_keeps() {
    let mut i = inputs();
    i.members = households(&[0, 3, 40]);
    i.members.push(member("3-101", "phone:13800000000", 41));
    i.same_customer_category = Some(vec![t0() - Duration::days(500), t0()]);
    i.failed_attempts = 2;
    i.identification = Identification::Coordination;
    i.as_of = t0() + Duration::days(45) + Duration::hours(23);
    i.stored_grade = Grade::Important;
    i.stored_reason = Some("公司存在明显过错".into());
    i.policy_version = 7;
    let a = grading::evaluate(&i, &GradingPolicy::default());
    assert_eq!(
        (
            a.households,
            a.complainants_in_window,
            a.repeats,
            a.failed_attempts,
            a.open_days
        ),
        (3, 2, 1, 2, Some(45))
    );
    assert_eq!(
        (a.complaint_id.as_str(), a.complaint_no.as_str()),
        ("c1", "LH-TS2026-0001")
    );
    assert_eq!(a.policy_version, 7);
    assert_eq!(a.grade, Grade::General);
    assert_eq!(a.stored_reason.as_deref(), Some("公司存在明显过错"));
    assert_eq!(
        a.kept_grade_note.as_deref(),
        Some("记录等级“重要”高于按现有事实评定的“一般”：等级不自动降低，如需调低由主管人工调整")
    );
    assert_eq!(
        (a.responsible.as_str(), a.first_response.as_str()),
        ("项目经理", "1小时")
    );

    i.open = false;
    assert_eq!(
        grading::evaluate(&i, &GradingPolicy::default()).open_days,
        None
    );
}
