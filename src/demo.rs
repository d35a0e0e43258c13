//! Desks that are not real: realistic demo data for one estate ([`load`]), or the small practice
//! desk the tests and the soak fuzzing start from ([`practice`]). A real desk's first set-up is
//! [`crate::setup`].
//!
//! Invariants: both refuse a database that already has an estate, so nothing real is ever mixed
//! with demo data; demo data is deterministic for a seed and dated up to the store's clock.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::error::Result;
use crate::estate::{self, Estate, EstateInput, StaffInput};
use crate::store::Store;
use crate::time::Clock;
use crate::vocab::SubjectKind;
use crate::{cases, complaints, customers, followups, intake, repairs, setup, slips, Actor};

/// The seed `frontdesk demo` uses.
pub const DEMO_SEED: u64 = 20261123;

/// Password of every staff member of the [`practice`] desk.
pub const PRACTICE_PASSWORD: &str = "secret123";
/// Units of the practice desk.
pub const PRACTICE_UNITS: &[&str] = &["1-1-101", "1-1-102", "3-2-1201", "3-2-1202", "12-101"];
/// Departments of the practice desk.
pub const PRACTICE_DEPARTMENTS: &[&str] = &["客服中心", "工程维修部", "保安部", "保洁绿化"];

/// The practice desk's estate and its four staff, signed in.
pub struct Practice {
    pub estate: Estate,
    /// 客服主管 王主管 (login `wang`).
    pub supervisor: Actor,
    /// 前台接待员 李前台 (login `li`).
    pub clerk: Actor,
    /// 协调员 赵协调 (login `zhao`).
    pub coordinator: Actor,
    /// 维修工 孙师傅 (login `sun`), 工程维修部.
    pub repairer: Actor,
}

/// A small estate, 龙湖花园 (LH), with [`PRACTICE_DEPARTMENTS`], [`PRACTICE_UNITS`] and four staff
/// of different roles: the starting point of the tests and of `frontdesk-dev soak --fuzz`.
pub fn practice(store: &mut Store) -> Result<Practice> {
    setup::refuse_if_set_up(store)?;
    let estate = store.write(&Actor::system(), |w| {
        let e = estate::create_estate(
            w,
            &EstateInput {
                name: Some("龙湖花园".into()),
                code: Some("LH".into()),
                slip_title: None,
            },
        )?;
        for d in PRACTICE_DEPARTMENTS {
            estate::add_department(w, &e.id, Some(d))?;
        }
        for u in PRACTICE_UNITS {
            estate::add_unit(w, &e.id, u, None)?;
        }
        for (login, name, role, dept) in [
            ("wang", "王主管", "supervisor", "客服中心"),
            ("li", "李前台", "receptionist", "客服中心"),
            ("zhao", "赵协调", "coordinator", "客服中心"),
            ("sun", "孙师傅", "repairer", "工程维修部"),
        ] {
            estate::add_staff(
                w,
                &e.id,
                &StaffInput {
                    login: Some(login.into()),
                    name: Some(name.into()),
                    role: Some(role.into()),
                    department: Some(dept.into()),
                    phone: None,
                    password: Some(PRACTICE_PASSWORD.into()),
                },
            )?;
        }
        Ok(e)
    })?;
    let mut login = |l: &str| crate::auth::login(store, l, PRACTICE_PASSWORD);
    Ok(Practice {
        supervisor: login("wang")?,
        clerk: login("li")?,
        coordinator: login("zhao")?,
        repairer: login("sun")?,
        estate,
    })
}

/// What [`load`] created.
#[derive(Debug, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DemoSummary {
    pub estate: String,
    pub staff_password: String,
    pub units: usize,
    pub customers: usize,
    pub intakes: usize,
    pub complaints: usize,
    pub slips: usize,
    pub repairs: usize,
    pub followups: usize,
}

/// The demo staff's password.
pub const DEMO_PASSWORD: &str = "demo1234";

/// Days of history the demo covers, up to the store's clock.
const DEMO_DAYS: i64 = 120;

/// The quarter's household visits so far: two areas with their 物管员 in the policy (1–5栋 李前台,
/// 6–10栋 周前台), about one household in seven visited, a few items left for handling (intakes),
/// and one visit by the office head (陈经理).
fn household_visits(
    store: &mut Store,
    eid: &str,
    supervisor: &Actor,
    units: &[String],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<()> {
    use crate::household_visits::{record, VisitInput, VisitItemInput};
    let mut policy = crate::policy::current(store.conn(), eid)?.policy;
    let area = |name: &str, buildings: std::ops::RangeInclusive<u32>, login: &str| {
        crate::policy::household_visits::VisitArea {
            name: name.into(),
            buildings: buildings.map(|b| b.to_string()).collect(),
            staff: vec![login.into()],
        }
    };
    policy.household_visits.areas = vec![area("一区", 1..=5, "li"), area("二区", 6..=10, "zhou")];
    store.write(supervisor, |w| {
        crate::policy::save(w, eid, &policy, Some("演示：住户回访区域"))
    })?;
    let from = crate::time::Period::quarter_of(crate::time::local_date(end))
        .bounds()?
        .0
        .max(start);
    let span = (end - from).num_minutes().max(1);
    let li = crate::auth::login(store, "li", DEMO_PASSWORD)?;
    let zhou = crate::auth::login(store, "zhou", DEMO_PASSWORD)?;
    let chen = crate::auth::login(store, "chen", DEMO_PASSWORD)?;
    const SAID: [(&str, &str, Option<&str>); 4] = [
        (
            "意见",
            "电梯早高峰等候时间长",
            Some("已反映工程部，调整运行模式"),
        ),
        ("要求", "单元门禁卡失灵，需要补办", None),
        ("建议", "小区增设快递柜", Some("已记录，年底评估")),
        ("投诉", "楼上夜间装修噪音", None),
    ];
    let visited: Vec<(usize, &String)> = units.iter().enumerate().step_by(7).collect();
    for (n, (i, unit)) in visited.iter().enumerate() {
        let building: u32 = unit
            .split('-')
            .next()
            .and_then(|b| b.parse().ok())
            .unwrap_or(1);
        let who = if n == visited.len() / 2 {
            &chen
        } else if building <= 5 {
            &li
        } else {
            &zhou
        };
        let at = from + Duration::minutes(span * *i as i64 / units.len() as i64);
        let items = if n % 3 == 0 {
            let (topic, content, answer) = SAID[(n / 3) % SAID.len()];
            vec![VisitItemInput {
                topic: Some(topic.into()),
                content: Some(content.into()),
                answer: answer.map(str::to_string),
                kind: None,
            }]
        } else {
            Vec::new()
        };
        let input = VisitInput {
            unit: Some((*unit).clone()),
            visited_at: Some(crate::time::to_db(at)),
            note: items.is_empty().then(|| "住户无意见".to_string()),
            items,
            ..VisitInput::default()
        };
        store.write(who, |w| record(w, eid, &input))?;
    }
    Ok(())
}

/// Loads demo data for one estate (龙湖花园, code LH): units, about 300 customers with tiers and VIP
/// cards, a price list, and four months of contacts up to now, each carried through its life as
/// far as its age allows, so every state appears (open, dispatched, in handling, closed, followed
/// up, reopened; repairs from reported to closed). Deterministic for a seed and a clock.
pub fn load(store: &mut Store, seed: u64) -> Result<DemoSummary> {
    setup::refuse_if_set_up(store)?;
    let end = store.now();
    let start = end - Duration::days(DEMO_DAYS);
    let restore = store.clock().clone();
    store.set_clock(Clock::fixed(start));
    // A fresh database being filled: no need to wait for the disk at every step.
    store.conn().execute_batch("PRAGMA synchronous=OFF")?;
    let out = fill(store, seed, start, end);
    store.conn().execute_batch("PRAGMA synchronous=FULL")?;
    store.set_clock(restore);
    out
}

fn fill(
    store: &mut Store,
    seed: u64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<DemoSummary> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let e = setup::init(
        store,
        "龙湖花园",
        "LH",
        None,
        "wang",
        "王主管",
        DEMO_PASSWORD,
    )?;
    let eid = e.id.clone();
    let sys = Actor::system();
    let mut summary = DemoSummary {
        estate: e.name.clone(),
        staff_password: DEMO_PASSWORD.into(),
        ..Default::default()
    };
    // Staff, units, price list.
    let units: Vec<String> = (1..=10)
        .flat_map(|b| {
            (1..=2).flat_map(move |u| {
                (1..=8).flat_map(move |f| (1..=2).map(move |r| format!("{b}-{u}-{f}{r:02}")))
            })
        })
        .collect();
    store.write(&sys, |w| {
        for (login, name, role, dept) in [
            ("li", "李前台", "receptionist", "客服中心"),
            ("zhou", "周前台", "receptionist", "客服中心"),
            ("zhao", "赵协调", "coordinator", "客服中心"),
            ("chen", "陈经理", "project_manager", "客服中心"),
            ("sun", "孙师傅", "repairer", "工程维修部"),
            ("qian", "钱师傅", "repairer", "工程维修部"),
            ("wu", "吴队长", "supervisor", "保安部"),
        ] {
            estate::add_staff(
                w,
                &eid,
                &StaffInput {
                    login: Some(login.into()),
                    name: Some(name.into()),
                    role: Some(role.into()),
                    department: Some(dept.into()),
                    phone: Some(random_mobile(&mut rng)),
                    password: Some(DEMO_PASSWORD.into()),
                },
            )?;
        }
        for u in &units {
            estate::add_unit(w, &eid, u, Some(f64::from(rng.u32(60..180))))?;
        }
        for (code, name, unit, price) in [
            ("P01", "更换水龙头", "个", "30"),
            ("P02", "疏通下水道", "次", "80"),
            ("P03", "更换灯泡（不含材料）", "个", "10"),
            ("P04", "更换插座面板", "个", "25"),
            ("P05", "更换门锁锁芯", "个", "50"),
            ("P06", "更换窗户密封条", "米", "15"),
            ("P07", "马桶疏通", "次", "60"),
            ("P08", "热水器检修", "次", "50"),
        ] {
            repairs::add_price_item(
                w,
                &eid,
                &repairs::PriceItemInput {
                    code: Some(code.into()),
                    name: Some(name.into()),
                    unit: Some(unit.into()),
                    price: Some(price.into()),
                    note: None,
                },
            )?;
        }
        // The 总经理, who approves 赔付 claims (no phone: the random draws above stay as they were).
        estate::add_staff(
            w,
            &eid,
            &StaffInput {
                login: Some("gao".into()),
                name: Some("高总".into()),
                role: Some("general_manager".into()),
                department: Some("客服中心".into()),
                phone: None,
                password: Some(DEMO_PASSWORD.into()),
            },
        )?;
        Ok(())
    })?;
    summary.units = units.len();
    let clerk = crate::auth::login(store, "li", DEMO_PASSWORD)?;
    let coordinator = crate::auth::login(store, "zhao", DEMO_PASSWORD)?;
    let supervisor = crate::auth::login(store, "wang", DEMO_PASSWORD)?;

    // Customers: an owner for most units, some occupants; tiers and VIP cards.
    let mut customers: Vec<(String, String, String)> = Vec::new(); // (id, unit, phone)
    store.write(&supervisor, |w| {
        for (i, u) in units.iter().enumerate() {
            if i % 11 == 10 {
                continue; // unsold or unknown units
            }
            let phone = random_mobile(&mut rng);
            let c = customers::add_customer(
                w,
                &eid,
                &customers::CustomerInput {
                    unit: Some(u.clone()),
                    name: Some(random_name(&mut rng)),
                    relation: Some("业主".into()),
                    phone: Some(phone.clone()),
                    family_segment: Some(
                        crate::policy::Policy::default().family_segments[rng.usize(..8)].clone(),
                    ),
                    ..Default::default()
                },
            )?;
            customers.push((c.id, u.clone(), phone));
            if i % 7 == 3 {
                let phone = random_mobile(&mut rng);
                let c = customers::add_customer(
                    w,
                    &eid,
                    &customers::CustomerInput {
                        unit: Some(u.clone()),
                        name: Some(random_name(&mut rng)),
                        relation: Some(["住户", "租户", "家属"][rng.usize(..3)].into()),
                        phone: Some(phone.clone()),
                        ..Default::default()
                    },
                )?;
                customers.push((c.id, u.clone(), phone));
            }
        }
        for (i, (id, _, _)) in customers.iter().enumerate().step_by(13) {
            let (tier, reason) = match i % 4 {
                0 => ("B", "在集团购房两次"),
                1 => ("B", "多次表扬物业服务"),
                2 => ("D", "多次无效投诉"),
                _ => ("B", "集团员工"),
            };
            customers::set_tier(
                w,
                id,
                &customers::TierInput {
                    tier: Some(tier.into()),
                    reason: Some(reason.into()),
                },
            )?;
        }
        for (i, (id, _, _)) in customers.iter().enumerate().skip(5).step_by(60) {
            customers::issue_vip_card(
                w,
                id,
                &customers::VipCardInput {
                    level: Some(["0", "1", "2", "2"][i % 4].into()),
                    card_no: None,
                    note: Some("重点客户".into()),
                },
            )?;
            customers::set_vip_assistant(w, id, Some("zhao"))?;
        }
        Ok(())
    })?;
    summary.customers = customers.len();

    // Four months of contacts, each carried through its life as far as its age allows.
    let mut day = start.date_naive();
    while day <= end.date_naive() {
        let per_day = rng.usize(3..8);
        let mut times: Vec<i64> = (0..per_day).map(|_| rng.i64(0..12 * 60)).collect();
        times.sort_unstable();
        for minutes in times {
            // 08:00 Beijing is 00:00 UTC.
            let at =
                day.and_hms_opt(0, 0, 0).expect("midnight").and_utc() + Duration::minutes(minutes);
            if at < start || at >= end {
                break;
            }
            store.clock().set(at);
            let (cust_id, unit, phone) = customers[rng.usize(..customers.len())].clone();
            let mut input = random_intake(&mut rng, &[unit], &crate::time::to_db(at));
            input.phone = Some(phone);
            input.customer_id = Some(cust_id);
            input.person_name = None;
            let kind = input.kind.clone().unwrap_or_default();
            if matches!(kind.as_str(), "咨询" | "表扬" | "建议") {
                input.settled_on_spot = kind == "咨询";
                input.reply = Some("已向客户解释说明".into());
            }
            let i = store.write(&clerk, |w| intake::record(w, &eid, &input))?;
            summary.intakes += 1;
            let pace = [1, 1, 1, 1, 3, 10, 30][rng.usize(..7)];
            let mut life = Life {
                store,
                at,
                end,
                rng: &mut rng,
                pace,
            };
            match kind.as_str() {
                "投诉" => complaint_life(
                    &mut life,
                    &eid,
                    &i.no,
                    &clerk,
                    &coordinator,
                    &supervisor,
                    &mut summary,
                )?,
                "报修" => repair_life(&mut life, &eid, &i.no, &clerk, &supervisor, &mut summary)?,
                _ => {}
            }
        }
        day += Duration::days(1);
    }
    // Work in hand whatever the hour the demo is loaded: two repair reports of the last hour,
    // the first dispatched, the second waiting for a repairer.
    for (n, minutes) in [50, 20].into_iter().enumerate() {
        let at = end - Duration::minutes(minutes);
        store.clock().set(at);
        let (cust_id, unit, phone) = customers[rng.usize(..customers.len())].clone();
        let input = crate::intake::IntakeInput {
            received_at: Some(crate::time::to_db(at)),
            channel: Some("来电".into()),
            kind: Some("报修".into()),
            unit: Some(unit),
            customer_id: Some(cust_id),
            phone: Some(phone),
            content: Some("卫生间地漏堵塞，排水很慢".into()),
            request: Some("尽快上门疏通".into()),
            ..Default::default()
        };
        let i = store.write(&clerk, |w| intake::record(w, &eid, &input))?;
        let o = store.write(&clerk, |w| {
            repairs::create(
                w,
                &eid,
                &repairs::RepairInput {
                    intake: Some(i.no.clone()),
                    kind: Some("房屋".into()),
                    ..Default::default()
                },
            )
        })?;
        if n == 0 {
            let to = repairs::DispatchInput {
                repairer: Some("sun".into()),
                at: None,
            };
            store.write(&clerk, |w| repairs::dispatch(w, &o.id, &to))?;
        }
        summary.intakes += 1;
        summary.repairs += 1;
    }
    // A repair whose 回访 three days ago found the fee wrong: its 整改通知单 was never handed to
    // the repairer, so the time tick escalates it (待关注).
    let (cust_id, unit, phone) = customers[0].clone();
    late_notice(
        store,
        &eid,
        (&cust_id, &unit, &phone),
        (&clerk, &coordinator),
        end - Duration::days(4),
    )?;
    summary.intakes += 1;
    summary.repairs += 1;
    // A few contacts registered twice by mistake, voided with a reason (never deleted).
    let duplicates: Vec<String> = store
        .conn()
        .prepare("SELECT no FROM intakes WHERE kind = 'enquiry' ORDER BY received_at DESC LIMIT 2")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for no in duplicates {
        store.write(&supervisor, |w| intake::void(w, &no, Some("重复登记")))?;
    }
    // The time tick: grades that age alone raises (unresolved for a month …).
    store.set_clock(Clock::fixed(end));
    store.write(&supervisor, |w| crate::grading::regrade_all(w, &eid))?;
    household_visits(store, &eid, &supervisor, &units, start, end)?;
    summary.followups = store
        .conn()
        .query_row("SELECT count(*) FROM followups", [], |r| r.get::<_, i64>(0))?
        as usize;
    Ok(summary)
}

/// A leak repaired and signed off at `at`, whose 回访 a day later fails 核对收费情况: the
/// 整改通知单 is issued to 孙师傅 and the order goes back to him; nobody delivers the notice.
fn late_notice(
    store: &mut Store,
    eid: &str,
    (cust_id, unit, phone): (&str, &str, &str),
    (clerk, coordinator): (&Actor, &Actor),
    at: DateTime<Utc>,
) -> Result<()> {
    let sun = crate::auth::login(store, "sun", DEMO_PASSWORD)?;
    let mut t = at;
    let mut next = |store: &mut Store, minutes| {
        t += Duration::minutes(minutes);
        store.clock().set(t);
    };
    next(store, 0);
    let input = crate::intake::IntakeInput {
        channel: Some("来电".into()),
        kind: Some("报修".into()),
        unit: Some(unit.into()),
        customer_id: Some(cust_id.into()),
        phone: Some(phone.into()),
        content: Some("厨房水槽下水管漏水".into()),
        request: Some("上门更换下水管".into()),
        ..Default::default()
    };
    let i = store.write(clerk, |w| intake::record(w, eid, &input))?;
    let o = store.write(clerk, |w| {
        repairs::create(
            w,
            eid,
            &repairs::RepairInput {
                intake: Some(i.no.clone()),
                kind: Some("房屋".into()),
                ..Default::default()
            },
        )
    })?;
    let to = repairs::DispatchInput {
        repairer: Some("sun".into()),
        at: None,
    };
    store.write(clerk, |w| repairs::dispatch(w, &o.id, &to))?;
    next(store, 10);
    store.write(&sun, |w| repairs::accept(w, &o.id, &Default::default()))?;
    next(store, 30);
    store.write(&sun, |w| repairs::arrive(w, &o.id, &Default::default()))?;
    next(store, 50);
    let done = repairs::FinishInput {
        work_done: Some("更换厨房下水管，试水无渗漏".into()),
        ..Default::default()
    };
    store.write(&sun, |w| repairs::finish(w, &o.id, &done))?;
    next(store, 10);
    let signed = repairs::SignOffInput {
        owner_signed: true,
        owner_comment: Some("已修好".into()),
        at: None,
    };
    store.write(clerk, |w| repairs::sign_off(w, &o.id, &signed))?;
    next(store, 24 * 60);
    let task = followups::list_for(store.conn(), SubjectKind::Repair, &o.id)?
        .into_iter()
        .find(|f| f.status == crate::vocab::FollowupStatus::Pending)
        .ok_or_else(|| crate::Error::State("演示数据：维修单没有回访任务".into()))?;
    let checks = ["site", "service", "suggestions", "fees", "signature"]
        .into_iter()
        .map(|point| followups::CheckInput {
            point: Some(point.into()),
            passed: Some(point != "fees"),
            note: (point == "fees").then(|| "免费维修却收了材料费 15 元".into()),
        })
        .collect();
    let call = followups::FollowupInput {
        result: Some("基本满意".into()),
        note: Some("修好了，但收了材料费".into()),
        checks,
    };
    store.write(coordinator, |w| cases::record_followup(w, &task.id, &call))?;
    Ok(())
}

/// One case being carried forward in time: each step happens a while after the last, and the
/// case stops where "now" is reached.
struct Life<'a> {
    store: &'a mut Store,
    at: DateTime<Utc>,
    end: DateTime<Utc>,
    rng: &'a mut fastrand::Rng,
    /// How slowly this case moves (1 = promptly); slow cases are still open near "now".
    pace: i64,
}

impl Life<'_> {
    /// Moves the clock `minutes` (a random amount in the range) ahead; false when that is past now.
    fn later(&mut self, minutes: std::ops::Range<i64>) -> bool {
        self.at += Duration::minutes(self.rng.i64(minutes) * self.pace);
        if self.at >= self.end {
            return false;
        }
        self.store.clock().set(self.at);
        true
    }

    fn step<T>(
        &mut self,
        actor: &Actor,
        f: impl FnOnce(&mut crate::Write) -> Result<T>,
    ) -> Result<T> {
        self.store.write(actor, f)
    }
}

fn complaint_life(
    l: &mut Life,
    eid: &str,
    intake_no: &str,
    clerk: &Actor,
    coordinator: &Actor,
    supervisor: &Actor,
    summary: &mut DemoSummary,
) -> Result<()> {
    let (category, dept, person) = [
        ("物业管理", "客服中心", "zhao"),
        ("物业管理", "保安部", "wu"),
        ("工程质量", "工程维修部", "sun"),
        ("物业管理", "保洁绿化", "zhao"),
        ("销售承诺", "客服中心", "chen"),
    ][l.rng.usize(..5)];
    let identification =
        ["有效投诉", "有效投诉", "有效投诉", "协调工作", "过高要求"][l.rng.usize(..5)];
    let c = l.step(clerk, |w| {
        complaints::open(
            w,
            eid,
            &complaints::ComplaintInput {
                intake: Some(intake_no.into()),
                identification: Some(identification.into()),
                category: Some(category.into()),
                ..Default::default()
            },
        )
    })?;
    summary.complaints += 1;
    if !l.later(5..30) {
        return Ok(());
    }
    let slip = l.step(clerk, |w| {
        let s = slips::create(
            w,
            eid,
            &slips::SlipInput {
                complaint: Some(c.no.clone()),
                department: Some(dept.into()),
                responsible_staff: Some(person.into()),
                ..Default::default()
            },
        )?;
        slips::print(w, &s.no)?;
        Ok(s)
    })?;
    summary.slips += 1;
    if !l.later(20..120) {
        return Ok(());
    }
    l.step(coordinator, |w| {
        slips::hand_over(w, &slip.no, &slips::HandOverInput::default())
    })?;
    // Handling rounds: a 回访 不满意 reopens the complaint and handling starts again.
    for round in 0..3 {
        let tries = l.rng.usize(1..4);
        for n in 0..tries {
            if !l.later(60..24 * 60) {
                return Ok(());
            }
            let result = if n + 1 == tries {
                "达成一致"
            } else {
                ["未达成一致", "未联系上", "处理中"][l.rng.usize(..3)]
            };
            l.step(coordinator, |w| {
                complaints::add_attempt(
                    w,
                    &c.no,
                    &complaints::AttemptInput {
                        method: Some(["电话", "上门", "面谈"][n % 3].into()),
                        contact: Some("业主".into()),
                        said: Some(
                            [
                                "已联系责任部门安排处理，向业主说明进度",
                                "约定上门查看现场",
                                "业主同意处理方案",
                            ][n % 3]
                                .into(),
                        ),
                        result: Some(result.into()),
                        ..Default::default()
                    },
                )
            })?;
        }
        if !l.later(60..48 * 60) {
            return Ok(());
        }
        l.step(coordinator, |w| {
            if round == 0 {
                slips::record_return(
                    w,
                    &slip.no,
                    &slips::ReturnInput {
                        owner_signed: true,
                        handling_result: Some("已按业主要求处理完毕".into()),
                        ..Default::default()
                    },
                )?;
            }
            complaints::request_confirmation(w, &c.no)
        })?;
        if !l.later(60..24 * 60) {
            return Ok(());
        }
        let satisfaction = ["满意", "满意", "基本满意"][l.rng.usize(..3)];
        l.step(supervisor, |w| {
            complaints::close(
                w,
                &c.no,
                &complaints::CloseInput {
                    result: Some("问题已解决，业主确认".into()),
                    satisfaction: Some(satisfaction.into()),
                },
            )?;
            if round == 0 {
                slips::file(w, &slip.no)?;
            }
            Ok(())
        })?;
        if !followup_life(l, SubjectKind::Complaint, &c.id, coordinator)? {
            return Ok(());
        }
    }
    Ok(())
}

fn repair_life(
    l: &mut Life,
    eid: &str,
    intake_no: &str,
    clerk: &Actor,
    supervisor: &Actor,
    summary: &mut DemoSummary,
) -> Result<()> {
    let content = intake::get(l.store.conn(), intake_no)?.content;
    let leak = content.contains('漏') || content.contains('渗');
    let urgent = leak || l.rng.u8(..5) == 0;
    let o = l.step(clerk, |w| {
        repairs::create(
            w,
            eid,
            &repairs::RepairInput {
                intake: Some(intake_no.into()),
                kind: Some(
                    if content.contains("楼道") || content.contains("门禁") {
                        "公共设施"
                    } else {
                        "房屋"
                    }
                    .into(),
                ),
                scale: (content.contains("楼道") || content.contains("门禁"))
                    .then(|| "小修".to_string()),
                urgency: Some(if urgent { "紧急" } else { "一般" }.into()),
                leak_related: leak,
                ..Default::default()
            },
        )
    })?;
    summary.repairs += 1;
    let repairer = ["sun", "qian"][l.rng.usize(..2)];
    if !l.later(3..40) {
        return Ok(());
    }
    l.step(clerk, |w| {
        repairs::dispatch(
            w,
            &o.id,
            &repairs::DispatchInput {
                repairer: Some(repairer.into()),
                at: None,
            },
        )
    })?;
    // Work rounds: a 回访 不满意 sends the order back for rework.
    for round in 0..3 {
        for step in [
            repairs::accept
                as fn(&mut crate::Write, &str, &repairs::StepInput) -> Result<repairs::RepairOrder>,
            repairs::arrive,
        ] {
            if !l.later(2..25) {
                return Ok(());
            }
            l.step(clerk, |w| step(w, &o.id, &repairs::StepInput::default()))?;
        }
        if !l.later(30..300) {
            return Ok(());
        }
        // Rework is free; the first visit is paid now and then.
        let paid = round == 0 && l.rng.u8(..3) == 0;
        let finish = repairs::FinishInput {
            work_done: Some(
                if round == 0 {
                    "已检修完毕，试用正常"
                } else {
                    "返修完毕，已请业主确认"
                }
                .into(),
            ),
            paid,
            price_item: paid.then(|| format!("P0{}", l.rng.u8(1..9))),
            materials: paid.then(|| "配件一套".to_string()),
            material_cost: paid.then(|| format!("{}", l.rng.u8(10..90))),
            ..Default::default()
        };
        l.step(clerk, |w| repairs::finish(w, &o.id, &finish))?;
        if paid {
            l.step(supervisor, |w| repairs::confirm_fee(w, &o.id))?;
        }
        if !l.later(5..30) {
            return Ok(());
        }
        l.step(clerk, |w| {
            repairs::sign_off(
                w,
                &o.id,
                &repairs::SignOffInput {
                    owner_signed: true,
                    owner_comment: Some("满意".into()),
                    at: None,
                },
            )
        })?;
        if paid {
            if !l.later(60..24 * 60) {
                return Ok(());
            }
            l.step(supervisor, |w| {
                repairs::finance_confirm(w, &o.id, &repairs::StepInput::default())
            })?;
        }
        if !followup_life(l, SubjectKind::Repair, &o.id, supervisor)? {
            return Ok(());
        }
    }
    Ok(())
}

/// Calls the owner back (retrying when unreachable); true when they were dissatisfied and the
/// case was reopened.
fn followup_life(
    l: &mut Life,
    kind: SubjectKind,
    subject_id: &str,
    caller: &Actor,
) -> Result<bool> {
    for _ in 0..3 {
        if !l.later(12 * 60..72 * 60) {
            return Ok(false);
        }
        let Some(task) = followups::list_for(l.store.conn(), kind, subject_id)?
            .into_iter()
            .find(|f| f.status == crate::vocab::FollowupStatus::Pending)
        else {
            return Ok(false);
        };
        let result = [
            "满意",
            "满意",
            "满意",
            "满意",
            "满意",
            "基本满意",
            "基本满意",
            "满意",
            "联系不上",
            "联系不上",
            "满意",
            "不满意",
        ][l.rng.usize(..12)];
        l.step(caller, |w| {
            cases::record_followup(
                w,
                &task.id,
                &followups::FollowupInput {
                    result: Some(result.into()),
                    note: Some(
                        if result == "不满意" {
                            "问题又出现了，要求重新处理"
                        } else {
                            "业主反馈良好"
                        }
                        .into(),
                    ),
                    checks: Vec::new(),
                },
            )
        })?;
        if result != "联系不上" {
            return Ok(result == "不满意");
        }
    }
    Ok(false)
}

/// Realistic words for generated contacts: (kind, what happened, what the customer asks).
const PROBLEMS: &[(&str, &str, &str)] = &[
    (
        "投诉",
        "楼上卫生间漏水，我家天花板发霉掉皮",
        "请尽快联系楼上业主维修并赔偿",
    ),
    (
        "投诉",
        "地下车库有人乱停车，堵住了我的车位",
        "要求保安处理并加强巡查",
    ),
    (
        "投诉",
        "晚上十一点还有装修噪音，影响休息",
        "要求物业制止夜间施工",
    ),
    (
        "投诉",
        "保洁员把垃圾堆在楼道里两天没清理",
        "要求立即清理并给出说明",
    ),
    (
        "投诉",
        "物业费账单多收了两个月的费用",
        "核对账目并退还多收部分",
    ),
    (
        "投诉",
        "保安态度恶劣，对访客大声呵斥",
        "要求道歉并处理相关人员",
    ),
    ("投诉", "小区绿化带被人占用种菜", "要求恢复绿化"),
    (
        "投诉",
        "电梯经常停运，老人上下楼困难",
        "要求电梯公司彻底检修",
    ),
    (
        "投诉",
        "高空抛物砸坏了停在楼下的电动车",
        "查找抛物住户并赔偿损失",
    ),
    ("投诉", "快递柜长期故障无人维修", "尽快修复快递柜"),
    ("报修", "厨房水管接头漏水，地面积水", "请派维修工上门"),
    ("报修", "客厅插座没电，空气开关跳闸", "今天下午上门检修"),
    ("报修", "卫生间马桶堵塞，无法冲水", "尽快疏通"),
    ("报修", "楼道声控灯不亮已经一周", "更换灯泡"),
    ("报修", "入户门锁芯损坏，钥匙打不开", "更换锁芯"),
    ("报修", "阳台地漏返味，排水很慢", "上门检查疏通"),
    ("报修", "外墙渗水导致卧室墙面起皮", "检查外墙防水"),
    ("报修", "单元门禁刷卡无反应", "维修门禁"),
    ("报修", "燃气热水器打不着火", "联系燃气公司检修"),
    ("报修", "窗户密封条老化，下雨漏风进水", "更换密封条"),
    ("咨询", "想了解装修申请需要哪些材料", "告知办理流程"),
    ("咨询", "询问物业费缴纳方式和优惠政策", "说明缴费方式"),
    ("咨询", "车位租赁还有没有空位", "告知车位情况"),
    ("咨询", "停水通知什么时候恢复供水", "告知恢复时间"),
    ("建议", "建议在小区门口增加电动车充电桩", "转有关部门研究"),
    ("建议", "建议延长会所游泳池的开放时间", "反馈管理处"),
    ("建议", "建议增加儿童游乐设施", "纳入年度计划"),
    (
        "表扬",
        "维修师傅服务热情，当天就修好了水管",
        "表扬维修部孙师傅",
    ),
    ("表扬", "保安帮忙把老人送回家", "表扬保安部"),
];

const SURNAMES: &[&str] = &[
    "张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超",
    "秀英", "建国", "丽华", "志强", "海燕", "晓东",
];

/// A random person's name.
pub fn random_name(rng: &mut fastrand::Rng) -> String {
    format!(
        "{}{}",
        SURNAMES[rng.usize(..SURNAMES.len())],
        GIVEN[rng.usize(..GIVEN.len())]
    )
}

/// A random mobile number.
pub fn random_mobile(rng: &mut fastrand::Rng) -> String {
    const PREFIXES: &[&str] = &[
        "138", "139", "135", "136", "150", "151", "186", "187", "177", "199",
    ];
    format!(
        "{}{:08}",
        PREFIXES[rng.usize(..PREFIXES.len())],
        rng.u32(..100_000_000)
    )
}

/// A random contact as a clerk would record it, at one of `units`, received at `received_at`.
pub fn random_intake(
    rng: &mut fastrand::Rng,
    units: &[String],
    received_at: &str,
) -> crate::intake::IntakeInput {
    let (kind, content, request) = PROBLEMS[rng.usize(..PROBLEMS.len())];
    let channel = [
        "来电",
        "来电",
        "来电",
        "来访",
        "来访",
        "网络",
        "来函传真",
        "委托转告",
    ][rng.usize(..8)];
    let unit = units[rng.usize(..units.len())].clone();
    let detail = match rng.u8(..4) {
        0 => format!("，已经是第{}次反映了", rng.u8(2..5)),
        1 => "，情况比较急".to_string(),
        _ => String::new(),
    };
    crate::intake::IntakeInput {
        received_at: Some(received_at.to_string()),
        channel: Some(channel.into()),
        kind: Some(kind.into()),
        person_name: Some(random_name(rng)),
        phone: Some(random_mobile(rng)),
        content: Some(format!("{content}{detail}")),
        request: Some(request.into()),
        unit: Some(unit),
        ..Default::default()
    }
}
