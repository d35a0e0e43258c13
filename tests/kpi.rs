//! KPIs: a small hand-built register (rows written straight into the store, with exact times)
//! and the exact numerator and denominator of every KPI for November, October, December and an
//! empty period; month boundaries in Beijing time; the breakdowns and handling times.

use chrono::{DateTime, NaiveDate, Utc};
use frontdesk::kpi::{self, Count, HandlingTime, KpiReport, KpiTargets};
use frontdesk::{policy, time, Error};
use rusqlite::{params, Connection};

use crate::calendar::bj;
use crate::common::*;

fn db(s: &str) -> String {
    time::to_db(bj(s))
}

fn id_of(conn: &Connection, sql: &str, key: &str) -> String {
    conn.query_row(sql, params![key], |r| r.get(0)).unwrap()
}

/// Writes the hand-built register of the module doc into a fresh desk.
struct Register<'a> {
    conn: &'a Connection,
    estate: String,
    clerk: String,
    n: usize,
}

impl Register<'_> {
    fn next(&mut self) -> String {
        self.n += 1;
        format!("K{:03}", self.n)
    }

    fn intake(&mut self, at: &str, channel: &str, kind: &str, voided: bool) -> String {
        let id = self.next();
        let created = db(at);
        self.conn
            .execute(
                "INSERT INTO intakes(id, estate_id, no, received_at, channel, kind, content,
                 receiver_id, created_at, created_by, updated_at, updated_by, voided_at)
                 VALUES (?1, ?2, ?1, ?3, ?4, ?5, '测试', ?6, ?3, ?6, ?3, ?6, ?7)",
                params![
                    id,
                    self.estate,
                    created,
                    channel,
                    kind,
                    self.clerk,
                    voided.then(|| created.clone())
                ],
            )
            .unwrap();
        id
    }

    #[allow(clippy::too_many_arguments)]
    fn complaint(
        &mut self,
        at: &str,
        channel: &str,
        identification: &str,
        status: &str,
        grade: &str,
        category: &str,
        department: Option<&str>,
        closed: Option<&str>,
    ) -> String {
        let intake = self.intake(at, channel, "complaint", false);
        let id = self.next();
        let dept =
            department.map(|d| id_of(self.conn, "SELECT id FROM departments WHERE name = ?1", d));
        self.conn
            .execute(
                "INSERT INTO complaints(id, estate_id, no, intake_id, identification, category,
                 responsible_department_id, status, grade, closed_at, created_at, created_by,
                 updated_at, updated_by, voided_at)
                 VALUES (?1, ?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?10, ?11, ?12)",
                params![
                    id,
                    self.estate,
                    intake,
                    identification,
                    category,
                    dept,
                    status,
                    grade,
                    closed.map(db),
                    db(at),
                    self.clerk,
                    (status == "voided").then(|| db(at))
                ],
            )
            .unwrap();
        id
    }

    /// A repair order: times are (reported, dispatched, arrived, finished, signed off, closed).
    #[allow(clippy::too_many_arguments)]
    fn repair(
        &mut self,
        kind: &str,
        urgency: &str,
        scale: Option<&str>,
        status: &str,
        times: [Option<&str>; 6],
        rework: i64,
    ) -> String {
        let id = self.next();
        let [reported, dispatched, arrived, finished, signed, closed] = times.map(|t| t.map(db));
        self.conn
            .execute(
                "INSERT INTO repair_orders(id, estate_id, no, kind, urgency, scale, content, status,
                 reported_at, dispatched_at, arrived_at, finished_at, signed_off_at, closed_at,
                 rework_count, created_at, created_by, updated_at, updated_by, voided_at)
                 VALUES (?1, ?2, ?1, ?3, ?4, ?5, '维修', ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,
                         ?7, ?14, ?7, ?14, ?15)",
                params![
                    id,
                    self.estate,
                    kind,
                    urgency,
                    scale,
                    status,
                    reported,
                    dispatched,
                    arrived,
                    finished,
                    signed,
                    closed,
                    rework,
                    self.clerk,
                    (status == "voided").then(|| reported.clone())
                ],
            )
            .unwrap();
        id
    }

    /// A 回访 task: `done` = Some(time) makes it done with `result`; else pending.
    fn followup(&mut self, kind: &str, subject: &str, result: &str, done: Option<&str>) {
        let id = self.next();
        self.conn
            .execute(
                "INSERT INTO followups(id, estate_id, subject_kind, subject_id, due_at, status,
                 result, attempts, done_at, done_by, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?9, ?5, ?9, ?5, ?9)",
                params![
                    id,
                    self.estate,
                    kind,
                    subject,
                    db("2026-11-01 00:00"),
                    if done.is_some() { "done" } else { "pending" },
                    result,
                    done.map(db),
                    self.clerk
                ],
            )
            .unwrap();
    }

    fn escalation(&mut self, subject: &str, kind: &str, at: &str) {
        let id = self.next();
        self.conn
            .execute(
                "INSERT INTO escalations(id, estate_id, subject_kind, subject_id, kind, reason,
                 to_role, policy_version, raised_at, raised_by)
                 VALUES (?1, ?2, 'complaint', ?3, ?4, '测试', 'supervisor', 1, ?5, 'system')",
                params![id, self.estate, subject, kind, db(at)],
            )
            .unwrap();
    }

    fn dispatched_event(&mut self, complaint: &str, at: &str) {
        let id = self.next();
        self.conn
            .execute(
                "INSERT INTO events(id, entity, entity_id, kind, at, actor_id, data)
                 VALUES (?1, 'complaint', ?2, 'status', ?3, ?4,
                         '{\"from\":\"registered\",\"to\":\"dispatched\"}')",
                params![id, complaint, db(at), self.clerk],
            )
            .unwrap();
    }

    fn customer(&mut self, unit: &str, voided: bool) {
        let id = self.next();
        let unit_id = id_of(self.conn, "SELECT id FROM units WHERE code = ?1", unit);
        self.conn
            .execute(
                "INSERT INTO customers(id, estate_id, unit_id, name, created_at, created_by,
                 updated_at, updated_by, voided_at)
                 VALUES (?1, ?2, ?3, '业主', ?4, ?5, ?4, ?5, ?6)",
                params![
                    id,
                    self.estate,
                    unit_id,
                    db("2026-01-01 00:00"),
                    self.clerk,
                    voided.then(|| db("2026-02-01 00:00"))
                ],
            )
            .unwrap();
    }
}

fn writer(d: &Desk, n: usize) -> Register<'_> {
    Register {
        conn: d.store.conn(),
        estate: d.estate.id.clone(),
        clerk: d.clerk.staff_id.clone(),
        n,
    }
}

/// The register. Households: 3 (1-1-101, 1-1-102, 3-2-1201; 3-2-1202 has only a voided customer).
fn register() -> Desk {
    let d = desk();
    let mut r = writer(&d, 0);
    for (unit, voided) in [
        ("1-1-101", false),
        ("1-1-101", false),
        ("1-1-102", false),
        ("3-2-1201", false),
        ("3-2-1202", true),
    ] {
        r.customer(unit, voided);
    }
    let (g, h) = ("general", "hot");
    // C1: valid, closed after 24 h, response met.
    let c1 = r.complaint(
        "2026-11-02 10:00",
        "call",
        "valid",
        "closed",
        g,
        "物业管理",
        Some("客服中心"),
        Some("2026-11-03 10:00"),
    );
    // C2: valid, still in handling; its 2-day response is overdue.
    let c2 = r.complaint(
        "2026-11-10 09:00",
        "visit",
        "valid",
        "in_handling",
        g,
        "工程质量",
        Some("工程维修部"),
        None,
    );
    // C3: valid 热点, dispatched within the hour, closed after 48 h.
    let c3 = r.complaint(
        "2026-11-20 09:00",
        "call",
        "valid",
        "closed",
        h,
        "工程质量",
        Some("工程维修部"),
        Some("2026-11-22 09:00"),
    );
    r.dispatched_event(&c3, "2026-11-20 09:30");
    // C4: invalid complaint, closed after 12 h, no department.
    let c4 = r.complaint(
        "2026-11-15 08:00",
        "online",
        "invalid",
        "closed",
        g,
        "物业管理",
        None,
        Some("2026-11-15 20:00"),
    );
    // C5: valid, registered 10-31 23:59 Beijing (October's), closed in November after 12 h.
    let c5 = r.complaint(
        "2026-10-31 23:59",
        "call",
        "valid",
        "closed",
        g,
        "物业管理",
        Some("客服中心"),
        Some("2026-11-01 11:59"),
    );
    // C6: voided; its intake (a call) still counts as an intake.
    r.complaint(
        "2026-11-05 10:00",
        "call",
        "valid",
        "voided",
        g,
        "其他",
        None,
        None,
    );
    // C7: valid, 12-01 00:00 Beijing (December's).
    r.complaint(
        "2026-12-01 00:00",
        "letter",
        "valid",
        "registered",
        g,
        "其他",
        None,
        None,
    );
    r.intake("2026-11-03 10:00", "call", "enquiry", false);
    r.intake("2026-11-04 10:00", "call", "enquiry", true);

    r.followup("complaint", &c1, "satisfied", Some("2026-11-04 10:00"));
    r.followup(
        "complaint",
        &c3,
        "basically_satisfied",
        Some("2026-11-23 10:00"),
    );
    r.followup("complaint", &c4, "unreachable", None);
    r.followup("complaint", &c5, "satisfied", Some("2026-11-02 10:00"));

    // R1: on site and finished on time, signed off, 回访 satisfied.
    let r1 = r.repair(
        "house",
        "normal",
        None,
        "signed_off",
        [
            Some("2026-11-06 09:00"),
            Some("2026-11-06 09:05"),
            Some("2026-11-06 09:15"),
            Some("2026-11-06 12:00"),
            Some("2026-11-06 12:30"),
            None,
        ],
        0,
    );
    r.followup("repair", &r1, "satisfied", Some("2026-11-08 10:00"));
    // R2: on site late, closed, 回访 dissatisfied, reworked once.
    let r2 = r.repair(
        "house",
        "normal",
        None,
        "closed",
        [
            Some("2026-11-07 09:00"),
            Some("2026-11-07 09:00"),
            Some("2026-11-07 09:30"),
            Some("2026-11-07 11:00"),
            Some("2026-11-07 11:10"),
            Some("2026-11-07 11:20"),
        ],
        1,
    );
    r.followup("repair", &r2, "dissatisfied", Some("2026-11-09 10:00"));
    // R3: urgent, on site in time, finished 2 h after its 24 h: finished, not signed off.
    r.repair(
        "system",
        "urgent",
        None,
        "finished",
        [
            Some("2026-11-25 20:00"),
            Some("2026-11-25 20:05"),
            Some("2026-11-25 20:20"),
            Some("2026-11-26 22:00"),
            None,
            None,
        ],
        0,
    );
    // R4: finished and signed off in October; its 回访 on 11-01 counts for November's 满意率.
    let r4 = r.repair(
        "house",
        "normal",
        None,
        "signed_off",
        [
            Some("2026-10-30 09:00"),
            Some("2026-10-30 09:05"),
            Some("2026-10-30 09:10"),
            Some("2026-10-30 10:00"),
            Some("2026-10-30 10:30"),
            None,
        ],
        0,
    );
    r.followup("repair", &r4, "satisfied", Some("2026-11-01 09:00"));
    // R5: voided.
    r.repair(
        "house",
        "normal",
        None,
        "voided",
        [
            Some("2026-11-10 09:00"),
            Some("2026-11-10 09:05"),
            Some("2026-11-10 09:10"),
            Some("2026-11-10 10:00"),
            None,
            None,
        ],
        0,
    );
    // R6: shared facility, small, finished the same day, signed off, 回访 not yet done.
    r.repair(
        "public",
        "normal",
        Some("small"),
        "signed_off",
        [
            Some("2026-11-12 08:00"),
            None,
            None,
            Some("2026-11-12 18:00"),
            Some("2026-11-12 19:00"),
            None,
        ],
        0,
    );

    r.escalation(&c2, "failed_attempts", "2026-11-10 12:00");
    r.escalation(&c2, "failed_attempts", "2026-11-30 23:59");
    r.escalation(&c3, "major", "2026-11-20 10:00");
    r.escalation(&c3, "major", "2026-12-01 00:00");
    d
}

fn date(s: &str) -> NaiveDate {
    time::parse_date("d", "日期", s).unwrap()
}

fn now() -> DateTime<Utc> {
    bj("2026-12-05 12:00")
}

fn report(d: &Desk, from: &str, to: &str) -> KpiReport {
    kpi::compute(d.store.conn(), &d.estate.id, date(from), date(to), now()).unwrap()
}

/// (key, numerator, denominator, met) for every KPI, in the report's order.
fn figures(r: &KpiReport) -> Vec<(&'static str, i64, i64, Option<bool>)> {
    r.kpis
        .iter()
        .map(|k| (k.key, k.numerator, k.denominator, k.met))
        .collect()
}

#[test]
fn november_kpis_have_exact_numerators_and_denominators() {
    let d = register();
    let r = report(&d, "2026-11-01", "2026-12-01");
    assert_eq!(
        (r.from.as_str(), r.to.as_str()),
        ("2026-11-01", "2026-11-30")
    );
    assert_eq!(r.households, 3);
    assert_eq!(
        figures(&r),
        vec![
            ("complaint_handling", 2, 3, Some(false)),
            ("followup", 5, 7, Some(false)),
            ("valid_complaint", 3, 3, Some(false)),
            ("repair_timely", 2, 4, Some(false)),
            ("repair_quality", 1, 2, Some(false)),
            ("satisfaction", 5, 6, Some(false)),
            ("first_response", 2, 3, Some(false)),
        ]
    );
    let handling = &r.kpis[0];
    assert_eq!(handling.label, "有效投诉处理率");
    assert!((handling.value.unwrap() - 200.0 / 3.0).abs() < 1e-9);
    assert_eq!(handling.target, 100.0);
    for k in &r.kpis {
        assert!(k
            .definition
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
        assert!(k
            .label
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
    }
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["kpis"][2]["comparison"], "<");
    assert_eq!(json["kpis"][0]["comparison"], "≥");
}

fn c(key: &str, label: &str, count: i64) -> Count {
    Count {
        key: key.into(),
        label: label.into(),
        count,
    }
}

fn sorted(mut v: Vec<Count>) -> Vec<Count> {
    v.sort_by(|a, b| a.key.cmp(&b.key));
    v
}

#[test]
fn november_breakdowns_count_each_group() {
    let d = register();
    let r = report(&d, "2026-11-01", "2026-12-01");
    let table: Vec<(&str, Vec<Count>, Vec<Count>)> = vec![
        (
            "escalations",
            r.escalations.clone(),
            vec![
                c("failed_attempts", "多次协调未果上报", 2),
                c("major", "重大投诉上报", 1),
            ],
        ),
        (
            "intakes by channel",
            r.intakes.by_channel.clone(),
            vec![
                c("call", "来电", 4),
                c("online", "网络", 1),
                c("visit", "来访", 1),
            ],
        ),
        (
            "intakes by kind",
            r.intakes.by_kind.clone(),
            vec![c("complaint", "投诉", 5), c("enquiry", "咨询", 1)],
        ),
        (
            "complaints by grade",
            r.complaints.by_grade.clone(),
            vec![c("general", "一般", 3), c("hot", "热点", 1)],
        ),
        (
            "complaints by category",
            r.complaints.by_category.clone(),
            vec![c("工程质量", "工程质量", 2), c("物业管理", "物业管理", 2)],
        ),
        (
            "complaints by department",
            r.complaints.by_department.clone(),
            vec![
                c("客服中心", "客服中心", 1),
                c("工程维修部", "工程维修部", 2),
                c("未指定部门", "未指定部门", 1),
            ],
        ),
        (
            "complaints by status",
            r.complaints.by_status.clone(),
            vec![c("closed", "已结案", 3), c("in_handling", "处理中", 1)],
        ),
    ];
    for (what, got, want) in table {
        assert_eq!(sorted(got), sorted(want), "{what}");
    }
}

fn h(key: &str, label: &str, count: i64, average_hours: f64) -> HandlingTime {
    HandlingTime {
        key: key.into(),
        label: label.into(),
        count,
        average_hours,
    }
}

#[test]
fn handling_time_averages_hours_from_intake_to_close_by_group() {
    let d = register();
    let r = report(&d, "2026-11-01", "2026-12-01");
    let sort = |mut v: Vec<HandlingTime>| {
        v.sort_by(|a, b| a.key.cmp(&b.key));
        v
    };
    let t = &r.handling_time;
    assert_eq!(
        sort(t.by_grade.clone()),
        sort(vec![
            h("general", "一般", 3, 16.0),
            h("hot", "热点", 1, 48.0)
        ])
    );
    assert_eq!(
        sort(t.by_category.clone()),
        sort(vec![
            h("工程质量", "工程质量", 1, 48.0),
            h("物业管理", "物业管理", 3, 16.0)
        ])
    );
    assert_eq!(
        sort(t.by_department.clone()),
        sort(vec![
            h("客服中心", "客服中心", 2, 18.0),
            h("工程维修部", "工程维修部", 1, 48.0),
            h("未指定部门", "未指定部门", 1, 12.0),
        ])
    );
}

#[test]
fn month_boundaries_follow_beijing_time() {
    let d = register();
    // October: C5 (10-31 23:59 Beijing) is October's and was closed; R4 finished on time.
    let oct = report(&d, "2026-10-01", "2026-11-01");
    let k = |r: &KpiReport, key: &str| {
        let k = r.kpis.iter().find(|k| k.key == key).unwrap();
        (k.numerator, k.denominator)
    };
    for (key, want) in [
        ("complaint_handling", (1, 1)),
        ("valid_complaint", (1, 3)),
        ("repair_timely", (1, 1)),
        // R4 signed off in October; its 回访 was done in November, and still counts as done.
        ("followup", (1, 1)),
        ("repair_quality", (1, 1)),
        // No 回访 call was completed in October.
        ("satisfaction", (0, 0)),
    ] {
        assert_eq!(k(&oct, key), want, "October {key}");
    }
    assert_eq!(oct.complaints.by_status, vec![c("closed", "已结案", 1)]);
    // December: C7 (12-01 00:00 Beijing) and the escalation of 12-01 00:00 are December's.
    let dec = report(&d, "2026-12-01", "2027-01-01");
    assert_eq!(k(&dec, "complaint_handling"), (0, 1));
    assert_eq!(dec.escalations, vec![c("major", "重大投诉上报", 1)]);
    assert_eq!(dec.intakes.by_channel, vec![c("letter", "来函传真", 1)]);
    // One day: 11-30 holds the escalation of 23:59 Beijing, nothing else.
    let day = report(&d, "2026-11-30", "2026-12-01");
    assert_eq!(
        day.escalations,
        vec![c("failed_attempts", "多次协调未果上报", 1)]
    );
    assert_eq!(day.to, "2026-11-30");
}

#[test]
fn an_empty_period_has_no_values_and_no_division_by_zero() {
    let d = register();
    let r = report(&d, "2025-01-01", "2025-02-01");
    for k in &r.kpis {
        assert_eq!(k.numerator, 0, "{}", k.key);
        if k.key == "valid_complaint" {
            // Households are not empty: 0 of 3 is 0 %, below the target.
            assert_eq!((k.denominator, k.value, k.met), (3, Some(0.0), Some(true)));
        } else {
            assert_eq!(
                (k.denominator, k.value, k.met),
                (0, None, None),
                "{}",
                k.key
            );
        }
    }
    assert!(r.escalations.is_empty() && r.intakes.by_kind.is_empty());
    assert!(r.handling_time.by_grade.is_empty() && r.complaints.by_status.is_empty());
    // A desk with no customers has no households either.
    let empty = desk();
    let r = report(&empty, "2026-11-01", "2026-12-01");
    assert!(r.kpis.iter().all(|k| k.value.is_none() && k.met.is_none()));
}

#[test]
fn targets_come_from_the_policy_and_decide_met() {
    let mut d = register();
    let mut p = policy::current(d.store.conn(), &d.estate.id)
        .unwrap()
        .policy;
    assert_eq!(p.kpi_targets, KpiTargets::default());
    assert_eq!(p.kpi_targets.repair_timely_pct, 95.0);
    p.kpi_targets = KpiTargets {
        complaint_handling_pct: 66.0,
        followup_pct: 71.5,
        valid_complaint_pct: 100.0,
        repair_timely_pct: 50.0,
        repair_quality_pct: 50.1,
        satisfaction_pct: 83.3,
        first_response_pct: 66.7,
    };
    let eid = d.estate.id.clone();
    let sup = d.supervisor.clone();
    d.store
        .write(&sup, |w| policy::save(w, &eid, &p, Some("KPI 目标")))
        .unwrap();
    let r = report(&d, "2026-11-01", "2026-12-01");
    let met: Vec<_> = r.kpis.iter().map(|k| (k.key, k.target, k.met)).collect();
    assert_eq!(
        met,
        vec![
            ("complaint_handling", 66.0, Some(true)),
            ("followup", 71.5, Some(false)),
            // 3 of 3 households is 100 %, not below 100 %.
            ("valid_complaint", 100.0, Some(false)),
            // Exactly at the target counts as met.
            ("repair_timely", 50.0, Some(true)),
            ("repair_quality", 50.1, Some(false)),
            ("satisfaction", 83.3, Some(true)),
            ("first_response", 66.7, Some(false)),
        ]
    );
}

#[test]
fn a_period_that_ends_before_it_starts_is_rejected() {
    let d = register();
    for (from, to) in [("2026-11-02", "2026-11-01"), ("2026-11-01", "2026-11-01")] {
        let r = kpi::compute(d.store.conn(), &d.estate.id, date(from), date(to), now());
        match r {
            Err(Error::Invalid { field, .. }) => assert_eq!(field, "to"),
            other => panic!("expected invalid period, got {other:?}"),
        }
    }
}

#[test]
fn a_followup_before_a_reopening_or_rework_is_not_the_current_one() {
    let d = register();
    let mut r = writer(&d, 1000);
    // Closed 11-17, 回访 dissatisfied 11-18 (reopened), closed again 11-25: the new 回访 is pending.
    let c8 = r.complaint(
        "2026-11-16 09:00",
        "call",
        "valid",
        "closed",
        "general",
        "物业管理",
        Some("客服中心"),
        Some("2026-11-25 09:00"),
    );
    r.followup("complaint", &c8, "dissatisfied", Some("2026-11-18 10:00"));
    r.followup("complaint", &c8, "satisfied", None);
    // Finished, 回访 dissatisfied 11-15, reworked and finished again 11-20: no 回访 since.
    let r7 = r.repair(
        "house",
        "normal",
        None,
        "finished",
        [
            Some("2026-11-14 09:00"),
            Some("2026-11-20 09:00"),
            Some("2026-11-20 09:10"),
            Some("2026-11-20 10:00"),
            None,
            None,
        ],
        1,
    );
    r.followup("repair", &r7, "dissatisfied", Some("2026-11-15 10:00"));
    let rep = report(&d, "2026-11-01", "2026-12-01");
    let k = |key: &str| {
        let k = rep.kpis.iter().find(|k| k.key == key).unwrap();
        (k.numerator, k.denominator)
    };
    for (key, want) in [
        ("followup", (5, 8)),
        ("repair_quality", (1, 2)),
        // The earlier call still happened in November.
        ("satisfaction", (5, 8)),
        // R7 is finished in November, late (reported 11-14, finished 11-20).
        ("repair_timely", (2, 5)),
        ("complaint_handling", (3, 4)),
    ] {
        assert_eq!(k(key), want, "{key}");
    }
}

#[test]
fn households_are_live_units_with_a_live_customer() {
    // (customers as (unit, voided), units voided) → households.
    type Case<'a> = (&'a [(&'a str, bool)], &'a [&'a str], i64);
    let table: &[Case] = &[
        (&[], &[], 0),
        (&[("1-1-101", false)], &[], 1),
        (&[("1-1-101", false), ("1-1-101", false)], &[], 1),
        (&[("1-1-101", true)], &[], 0),
        (&[("1-1-101", false), ("12-101", false)], &["12-101"], 1),
        (
            &[("1-1-101", false), ("1-1-102", true), ("3-2-1201", false)],
            &[],
            2,
        ),
    ];
    for (customers, voided_units, want) in table {
        let d = desk();
        let mut r = writer(&d, 0);
        for (unit, voided) in customers.iter() {
            r.customer(unit, *voided);
        }
        for u in voided_units.iter() {
            d.store
                .conn()
                .execute(
                    "UPDATE units SET voided_at = '2026-01-01T00:00:00.000Z' WHERE code = ?1",
                    params![u],
                )
                .unwrap();
        }
        let rep = report(&d, "2026-11-01", "2026-12-01");
        assert_eq!(rep.households, *want, "{customers:?} {voided_units:?}");
        let k = &rep.kpis[2];
        assert_eq!((k.key, k.denominator), ("valid_complaint", *want));
    }
}

#[test]
fn targets_travel_with_the_policy_file() {
    let mut p = policy::Policy::default();
    p.kpi_targets.satisfaction_pct = 92.5;
    let text = policy::to_toml(&p).unwrap();
    assert!(text.contains("[kpi_targets]"), "{text}");
    assert_eq!(policy::from_toml(&text).unwrap().kpi_targets, p.kpi_targets);
    // A policy file written before KPI targets existed gets the defaults.
    let old = text[..text.find("[kpi_targets]").unwrap()].to_string();
    assert_eq!(
        policy::from_toml(&old).unwrap().kpi_targets,
        KpiTargets::default()
    );
}

#[test]
fn targets_outside_0_to_100_are_refused_when_saving_policy() {
    let mut d = crate::common::desk();
    let (sup, eid) = (d.supervisor.clone(), d.estate.id.clone());
    let mut p = frontdesk::policy::current(d.store.conn(), &eid)
        .unwrap()
        .policy;
    p.kpi_targets.satisfaction_pct = 120.0;
    crate::common::assert_rejected(
        &mut d.store,
        &sup,
        "kpi_targets.satisfaction_pct",
        "0–100",
        |w| frontdesk::policy::save(w, &eid, &p, None),
    );
}
