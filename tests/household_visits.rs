//! Household visits (住户回访): a visit's unanswered items become intakes in the same write; the
//! quarter's plan per area and 物管员 from the register and the policy; the office head's visits
//! counted by the year; bad input named by field and nothing saved; a void keeps the intakes.

use frontdesk::customers::{self, CustomerInput};
use frontdesk::estate::{self, StaffInput};
use frontdesk::household_visits::{self, VisitInput, VisitItemInput};
use frontdesk::policy::{self, household_visits::VisitArea};
use frontdesk::time::Period;
use frontdesk::vocab::VisitRound;
use frontdesk::{intake, Actor, Error};

use crate::common::*;

/// A customer in each of `units`.
fn households(d: &mut Desk, units: &[&str]) {
    let (clerk, eid) = (d.clerk.clone(), d.estate.id.clone());
    for (i, u) in units.iter().enumerate() {
        let input = CustomerInput {
            unit: Some((*u).into()),
            name: Some(format!("住户{i}")),
            phone: Some(format!("1380013{:04}", i)),
            ..Default::default()
        };
        d.store
            .write(&clerk, |w| customers::add_customer(w, &eid, &input))
            .unwrap();
    }
}

/// Areas: buildings 1 → 一区 (李前台), 3 → 二区 (赵协调); 12 in no area.
fn areas(d: &mut Desk) {
    let (sup, eid) = (d.supervisor.clone(), d.estate.id.clone());
    let mut p = policy::current(d.store.conn(), &eid).unwrap().policy;
    let area = |name: &str, b: &str, login: &str| VisitArea {
        name: name.into(),
        buildings: vec![b.into()],
        staff: vec![login.into()],
    };
    p.household_visits.areas = vec![area("一区", "1", "li"), area("二区", "3", "zhao")];
    d.store
        .write(&sup, |w| policy::save(w, &eid, &p, None))
        .unwrap();
}

fn item(topic: &str, content: &str, answer: Option<&str>) -> VisitItemInput {
    VisitItemInput {
        topic: Some(topic.into()),
        content: Some(content.into()),
        answer: answer.map(str::to_string),
        kind: None,
    }
}

fn visit(
    d: &mut Desk,
    who: &Actor,
    unit: &str,
    items: Vec<VisitItemInput>,
) -> household_visits::HouseholdVisit {
    let eid = d.estate.id.clone();
    let input = VisitInput {
        unit: Some(unit.into()),
        met: Some("张先生".into()),
        items,
        ..Default::default()
    };
    d.store
        .write(who, |w| household_visits::record(w, &eid, &input))
        .unwrap()
}

fn quarter() -> Period {
    Period::quarter("2026-Q4").unwrap()
}

#[test]
fn unanswered_items_become_intakes_at_the_visits_time() {
    let mut d = desk();
    households(&mut d, &["1-1-101"]);
    let clerk = d.clerk.clone();
    let v = visit(
        &mut d,
        &clerk,
        "1-1-101",
        vec![
            item("意见", "楼道灯常坏", None),
            item("建议", "增加儿童游乐设施", Some("已记录，年底评估")),
            item("投诉", "夜间装修噪音", None),
        ],
    );
    assert_eq!(v.no, "LH-ZF2026-0001");
    assert_eq!(v.round, VisitRound::Area);
    assert_eq!(v.visitor, "李前台");
    assert_eq!(v.items.len(), 3);
    assert!(v.items[1].intake_no.is_none() && v.items[1].answer.is_some());
    let made: Vec<_> = [0, 2]
        .iter()
        .map(|&i| v.items[i].intake_no.clone().expect("an intake"))
        .collect();
    let first = intake::get(d.store.conn(), &made[0]).unwrap();
    assert_eq!(first.kind.code(), "suggestion");
    assert!(
        first.content.contains("住户回访 LH-ZF2026-0001") && first.content.contains("楼道灯常坏")
    );
    assert_eq!(first.received_at, v.visited_at);
    assert_eq!(
        intake::get(d.store.conn(), &made[1]).unwrap().kind.code(),
        "complaint"
    );
    // Audited.
    let audit = frontdesk::store::audit_history(d.store.conn(), "household_visit", &v.id).unwrap();
    assert_eq!(audit.len(), 1);
}

#[test]
fn bad_input_is_named_and_saves_nothing() {
    let mut d = desk();
    let (clerk, eid) = (d.clerk.clone(), d.estate.id.clone());
    let cases: Vec<(VisitInput, &str, &str)> = vec![
        (VisitInput::default(), "unit", "房号"),
        (
            VisitInput {
                unit: Some("9-9-999".into()),
                ..Default::default()
            },
            "unit",
            "不在本小区",
        ),
        (
            VisitInput {
                unit: Some("1-1-101".into()),
                items: vec![item("意见", "好", None), item("夸奖", "x", None)],
                ..Default::default()
            },
            "items.topic",
            "第2条",
        ),
        (
            VisitInput {
                unit: Some("1-1-101".into()),
                items: vec![item("投诉", "  ", None)],
                ..Default::default()
            },
            "items.content",
            "第1条",
        ),
        (
            VisitInput {
                unit: Some("1-1-101".into()),
                visited_at: Some("2027-01-01 09:00".into()),
                ..Default::default()
            },
            "visited_at",
            "不能晚于",
        ),
        (
            VisitInput {
                unit: Some("1-1-101".into()),
                customer_id: Some("nobody".into()),
                ..Default::default()
            },
            "customer_id",
            "不在该房号",
        ),
    ];
    for (input, field, needle) in cases {
        assert_rejected(&mut d.store, &clerk, field, needle, |w| {
            household_visits::record(w, &eid, &input)
        });
    }
}

#[test]
fn the_quarters_plan_counts_households_by_area_and_staff() {
    let mut d = desk();
    households(&mut d, &["1-1-101", "1-1-102", "3-2-1201", "12-101"]);
    areas(&mut d);
    let (clerk, coord, sup) = (d.clerk.clone(), d.coordinator.clone(), d.supervisor.clone());
    visit(&mut d, &clerk, "1-1-101", vec![]);
    visit(&mut d, &clerk, "1-1-101", vec![]);
    visit(&mut d, &coord, "1-1-102", vec![]);
    let voided = visit(&mut d, &coord, "3-2-1201", vec![]);
    let eid = d.estate.id.clone();
    d.store
        .write(&sup, |w| {
            household_visits::void(w, &eid, &voided.no, Some("记错房号"))
        })
        .unwrap();
    let p = household_visits::plan(d.store.conn(), &eid, &quarter()).unwrap();
    assert_eq!(p.quarter, "2026年第4季度");
    assert_eq!((p.households, p.visited), (4, 2));
    let by_name = |n: &str| p.areas.iter().find(|a| a.name == n).unwrap();
    let one = by_name("一区");
    assert_eq!((one.households, one.visited), (2, 2));
    assert_eq!(one.staff, vec!["李前台".to_string()]);
    let two = by_name("二区");
    assert_eq!(
        (two.visited, two.pending.clone()),
        (0, vec!["3-2-1201".to_string()])
    );
    let twelve = by_name("12栋");
    assert!(twelve.staff.is_empty());
    let li = p.staff.iter().find(|s| s.name == "李前台").unwrap();
    assert_eq!((li.assigned, li.assigned_visited, li.visits), (2, 2, 2));
    let zhao = p.staff.iter().find(|s| s.name == "赵协调").unwrap();
    assert_eq!(
        (zhao.assigned, zhao.assigned_visited, zhao.visits),
        (1, 0, 1)
    );
    // The void: reason required, supervisors only, intakes stay, not twice.
    assert_rejected(&mut d.store, &sup, "reason", "作废原因", |w| {
        household_visits::void(w, &eid, "LH-ZF2026-0001", Some(" "))
    });
    let r = d.store.write(&clerk, |w| {
        household_visits::void(w, &eid, "LH-ZF2026-0001", Some("x"))
    });
    assert!(matches!(r, Err(Error::Denied(_))), "{r:?}");
    let again = d.store.write(&sup, |w| {
        household_visits::void(w, &eid, &voided.no, Some("x"))
    });
    assert!(matches!(again, Err(Error::State(_))), "{again:?}");
    // Another quarter starts empty.
    let q1 =
        household_visits::plan(d.store.conn(), &eid, &Period::quarter("2027Q1").unwrap()).unwrap();
    assert_eq!(q1.visited, 0);
}

#[test]
fn the_heads_visits_count_by_the_year() {
    let mut d = desk();
    households(&mut d, &["1-1-101"]);
    let (sup, eid) = (d.supervisor.clone(), d.estate.id.clone());
    let pm = d
        .store
        .write(&sup, |w| {
            estate::add_staff(
                w,
                &eid,
                &StaffInput {
                    login: Some("zhu".into()),
                    name: Some("朱主任".into()),
                    role: Some("项目经理".into()),
                    department: Some("客服中心".into()),
                    phone: None,
                    password: Some(PASSWORD.into()),
                },
            )
        })
        .unwrap();
    let head = frontdesk::auth::login(&mut d.store, &pm.login, PASSWORD).unwrap();
    let v = visit(&mut d, &head, "1-1-101", vec![]);
    assert_eq!(v.round, VisitRound::Head);
    let p = household_visits::plan(d.store.conn(), &eid, &quarter()).unwrap();
    assert_eq!((p.head.year, p.head.visits, p.head.required), (2026, 1, 1));
    // The head's visit is not the area's quarterly one.
    assert_eq!(p.visited, 0);
}

#[test]
fn quarters_parse_and_bad_ones_are_named() {
    for (s, from, to) in [
        ("2026-Q4", "2026-10-01", "2026-12-31"),
        ("2026q1", "2026-01-01", "2026-03-31"),
        ("２０２６-2", "2026-04-01", "2026-06-30"),
    ] {
        let q = Period::quarter(s).unwrap();
        assert_eq!(
            (q.from.to_string(), q.to.to_string()),
            (from.into(), to.into()),
            "{s}"
        );
    }
    for bad in ["2026", "2026-Q5", "Q4", "二〇二六年四季度"] {
        assert_invalid(Period::quarter(bad), "quarter", "季度");
    }
}

#[test]
fn a_policy_with_a_building_in_two_areas_is_refused() {
    let mut d = desk();
    let (sup, eid) = (d.supervisor.clone(), d.estate.id.clone());
    let mut p = policy::current(d.store.conn(), &eid).unwrap().policy;
    let area = |name: &str| VisitArea {
        name: name.into(),
        buildings: vec!["1".into()],
        staff: vec![],
    };
    p.household_visits.areas = vec![area("一区"), area("二区")];
    assert_rejected(
        &mut d.store,
        &sup,
        "household_visits.areas",
        "两个区域",
        |w| policy::save(w, &eid, &p, None),
    );
}
