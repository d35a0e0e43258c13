//! Fuzzing the core with hostile input: every command of the desk gets random forms whose fields are
//! empty, blank, 10 000 characters long, full of control characters, emoji, rare CJK, RTL marks, SQL
//! and JSON metacharacters, full-width digits, numbers at the limits and impossible dates — mixed
//! with valid values and the ids of real records, so that many commands also succeed and the later
//! ones run against a register in every state.
//!
//! Invariants checked for every case:
//! - no command panics;
//! - every rejection is a Chinese error a clerk can read: `Invalid` with a Chinese label and a
//!   message, or `NotFound`/`State`/`Denied` with Chinese text; `Database`/`Io`/`Json`/`Corrupt`
//!   mean unchecked input reached SQLite and are failures;
//! - a rejected command leaves the database exactly as it was.
//!
//! Run by `frontdesk-dev soak --fuzz N --seed S` (100,000 cases by default; the test suite runs
//! 300): each failure is reported with the seed, the command and its input; `FRONTDESK_FUZZ_TRACE=1`
//! prints every rejection, to see what the generator hits. Every desk starts as the core's
//! practice desk ([`frontdesk::demo::practice`]) on a fixed clock that advances 5 minutes a case.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::panic::{catch_unwind, AssertUnwindSafe};

use frontdesk::cases;
use frontdesk::deadlines::{PauseInput, SubjectKind};
use frontdesk::{
    complaints, customers, deadlines, estate, grading, intake, policy, repairs, slips,
};
use frontdesk::{Actor, Error, Write};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use frontdesk::time::Clock;
use frontdesk::Store;

/// The practice desk on an in-memory store with a fixed clock.
struct Desk {
    store: Store,
    clock: Clock,
    estate: frontdesk::estate::Estate,
    supervisor: Actor,
    clerk: Actor,
    coordinator: Actor,
    repairer: Actor,
}

/// 2026-11-23 09:00 Beijing time, as the tests.
fn desk() -> Desk {
    use chrono::TimeZone;
    let mut store = Store::open_in_memory().expect("in-memory store");
    let clock = Clock::fixed(chrono::Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap());
    store.set_clock(clock.clone());
    let p = frontdesk::demo::practice(&mut store).expect("practice desk");
    let mut d = Desk {
        store,
        clock,
        estate: p.estate,
        supervisor: p.supervisor,
        clerk: p.clerk,
        coordinator: p.coordinator,
        repairer: p.repairer,
    };
    workflows(&mut d).expect("valid workflows on the practice desk");
    d
}

/// Valid workflows run to different points, so that the hostile commands also meet complaints,
/// slips, repair orders and 回访 in their later states: a complaint with its slip filed and closed
/// with its 回访 done; one closed and reopened by an unhappy 回访; one awaiting confirmation; one
/// just opened; a repair order signed off and one only dispatched.
fn workflows(d: &mut Desk) -> frontdesk::Result<()> {
    fn input<T: DeserializeOwned>(v: Value) -> T {
        serde_json::from_value(v).expect("a valid form")
    }
    let eid = d.estate.id.clone();
    let sup = d.supervisor.clone();
    let complaint = |w: &mut Write, unit: &str, content: &str| -> frontdesk::Result<String> {
        let i = intake::record(
            w,
            &eid,
            &input(
                serde_json::json!({"channel": "来电", "kind": "投诉", "unit": unit,
                "phone": "13800138000", "content": content}),
            ),
        )?;
        let c = complaints::open(
            w,
            &eid,
            &input(serde_json::json!({"intake": i.no, "category": "物业管理",
                "responsible_department": "工程维修部", "responsible_staff": "sun"})),
        )?;
        Ok(c.no)
    };
    let agreed = serde_json::json!({"method": "电话", "contact": "张先生", "said": "已安排维修",
        "result": "达成一致"});
    let closed = serde_json::json!({"result": "已修复", "satisfaction": "满意"});
    d.store.write(&sup, |w| {
        // Filed slip, closed, 回访 done.
        let ts = complaint(w, "1-1-101", "楼上漏水，天花板发霉")?;
        let xt = slips::create(
            w,
            &eid,
            &input(
                serde_json::json!({"complaint": ts, "department": "工程维修部",
                "responsible_staff": "sun"}),
            ),
        )?
        .no;
        slips::print(w, &xt)?;
        slips::hand_over(w, &xt, &input(serde_json::json!({})))?;
        complaints::add_attempt(w, &ts, &input(agreed.clone()))?;
        slips::record_return(
            w,
            &xt,
            &input(serde_json::json!({"owner_signed": true, "handling_result": "已修复"})),
        )?;
        slips::file(w, &xt)?;
        complaints::request_confirmation(w, &ts)?;
        complaints::close(w, &ts, &input(closed.clone()))?;
        cases::record_followup(w, &ts, &input(serde_json::json!({"result": "满意"})))?;
        // Closed, then reopened by an unhappy owner.
        let ts = complaint(w, "3-2-1201", "门禁卡失灵")?;
        complaints::add_attempt(w, &ts, &input(agreed.clone()))?;
        complaints::request_confirmation(w, &ts)?;
        complaints::close(w, &ts, &input(closed.clone()))?;
        cases::record_followup(
            w,
            &ts,
            &input(serde_json::json!({"result": "不满意", "note": "又坏了"})),
        )?;
        // Awaiting confirmation; just opened.
        let ts = complaint(w, "12-101", "电梯异响")?;
        complaints::add_attempt(w, &ts, &input(agreed.clone()))?;
        complaints::request_confirmation(w, &ts)?;
        complaint(w, "3-2-1202", "垃圾清运不及时")?;
        // Repair orders: signed off; dispatched only.
        for (unit, content, finish) in [
            ("1-1-102", "厨房水管漏水", true),
            ("12-101", "灯不亮", false),
        ] {
            let i = intake::record(
                w,
                &eid,
                &input(
                    serde_json::json!({"channel": "来电", "kind": "报修", "unit": unit,
                    "content": content}),
                ),
            )?;
            let wx = repairs::create(
                w,
                &eid,
                &input(serde_json::json!({"intake": i.no, "kind": "房屋", "leak_related": true})),
            )?
            .no;
            repairs::dispatch(w, &wx, &input(serde_json::json!({"repairer": "sun"})))?;
            if finish {
                repairs::accept(w, &wx, &input(serde_json::json!({})))?;
                repairs::arrive(w, &wx, &input(serde_json::json!({})))?;
                repairs::finish(
                    w,
                    &wx,
                    &input(serde_json::json!({"work_done": "更换水管接头"})),
                )?;
                repairs::sign_off(w, &wx, &input(serde_json::json!({"owner_signed": true})))?;
            }
        }
        Ok(())
    })
}

fn snapshot(store: &Store) -> String {
    store.fingerprint().expect("fingerprint")
}

/// Cases per desk: the snapshot grows with the register, so a long run starts fresh now and then.
const CASES_PER_DESK: usize = 150;

/// A field of an input form: its key and how to fill it.
enum F {
    /// A text field with some valid values to mix in (none: left out unless hostile).
    S(&'static str, &'static [&'static str]),
    /// A text field naming a record of this table (by id or number).
    Ref(&'static str, &'static str),
    B(&'static str),
    I(&'static str),
}
use F::{Ref, B, I, S};

/// Before the fixture's clock (2026-11-23 09:00 Beijing time).
const TIMES: &[&str] = &["2026-11-23 08:30", "2026-11-22 17:00", "2026-11-23 08:59"];
/// Fields the core fills in itself (step times default to now, card numbers are generated):
/// left out unless hostile.
const NOW: &[&str] = &[];
/// After it.
const FUTURE: &[&str] = &["2026-11-24 10:00", "2026-11-30 17:00"];
const UNIT: &[&str] = &["1-1-101", "3-2-1201", "12-101", "3-2-1202"];
const PHONE: &[&str] = &["13800138000", "010-62345678", "１３８００１３８０００"];
const NAME: &[&str] = &["张伟", "李娜", "𠮷野家"];
const TEXT: &[&str] = &[
    "卫生间漏水，楼下天花板渗水",
    "门禁卡失灵 😀",
    "'; DROP TABLE x;--",
];
const DEPT: &[&str] = &["客服中心", "工程维修部", "保安部", "保洁绿化"];
const STAFF: &[&str] = &["wang", "li", "zhao", "sun", "孙师傅"];
const MONEY: &[&str] = &["35", "12.50", "0", "1000000"];

const INTAKE: &[F] = &[
    S("received_at", TIMES),
    S("channel", &["来电", "call", "来访"]),
    S("kind", &["投诉", "投诉", "complaint", "咨询", "报修"]),
    S("unit", UNIT),
    Ref("customer_id", "customers"),
    S("person_name", NAME),
    S("phone", PHONE),
    S("happened_at", TIMES),
    S("location", TEXT),
    S("about", TEXT),
    S("content", TEXT),
    S("request", TEXT),
    S("reply", TEXT),
    B("settled_on_spot"),
    S("receiver", STAFF),
];
const CUSTOMER: &[F] = &[
    S("unit", UNIT),
    S("name", NAME),
    S("relation", &["业主", "租户", "owner"]),
    S("phone", PHONE),
    S("phone2", PHONE),
    S("id_number", &["11010519491231002X"]),
    S("family_segment", &["有小孩的夫妇"]),
    S("note", TEXT),
];
const TIER: &[F] = &[S("tier", &["A", "B", "C", "D", "b类"]), S("reason", TEXT)];
const VIP_CARD: &[F] = &[
    S("level", &["0", "1", "2"]),
    S("card_no", NOW),
    S("note", TEXT),
];
const COMPLAINT: &[F] = &[
    Ref("intake", "intakes"),
    S("identification", &["协调工作", "有效投诉"]),
    S("identification_basis", TEXT),
    S("category", &["工程质量", "物业管理", "其他"]),
    S("about_department", DEPT),
    S("about_person", NAME),
    S("responsible_department", DEPT),
    S("responsible_staff", STAFF),
    B("safety_risk"),
    I("collective_size"),
    S("claim_amount", MONEY),
    B("media_exposure"),
    B("lawsuit"),
    B("needs_other_departments"),
    B("company_fault"),
    S("requested_by", &["2026-11-30", "2026-12-01"]),
];
const ATTEMPT: &[F] = &[
    S("at", NOW),
    S("method", &["电话", "上门", "phone"]),
    S("contact", NAME),
    S("said", TEXT),
    S("result", &["处理中", "达成一致", "no_answer"]),
    S("staff", STAFF),
];
const CLOSE: &[F] = &[
    S("result", TEXT),
    S("satisfaction", &["满意", "基本满意", "不满意"]),
];
const SLIP: &[F] = &[
    Ref("intake", "intakes"),
    Ref("complaint", "complaints"),
    S("department", DEPT),
    S("responsible_staff", STAFF),
    S("content", TEXT),
    S("deadline", FUTURE),
];
const HAND_OVER: &[F] = &[S("to", STAFF), S("at", NOW)];
const RETURN: &[F] = &[S("at", NOW), B("owner_signed"), S("handling_result", TEXT)];
const REPAIR: &[F] = &[
    Ref("intake", "intakes"),
    S("unit", UNIT),
    Ref("customer_id", "customers"),
    S("reporter_name", NAME),
    S("phone", PHONE),
    S("kind", &["公共设施", "公共设施", "public", "房屋"]),
    S("urgency", &["一般", "紧急"]),
    S("scale", &["小修", "中修", "大修"]),
    B("safety_related"),
    B("leak_related"),
    S("location", TEXT),
    S("content", TEXT),
    S("appointment_at", FUTURE),
    S("reported_at", TIMES),
];
const DISPATCH: &[F] = &[S("repairer", &["sun", "孙师傅", "li"]), S("at", NOW)];
const FINISH: &[F] = &[
    S("work_done", TEXT),
    S("materials", TEXT),
    S("material_cost", MONEY),
    S("owner_materials", TEXT),
    S("owner_materials_note", TEXT),
    B("paid"),
    S("price_item", &["P01", "P02"]),
    S("quantity", &["1", "2", "0.5"]),
    S("labour_fee", MONEY),
    S("at", NOW),
];
const PRICE_ITEM: &[F] = &[
    S("code", &["P01", "P02", "P03"]),
    S("name", &["更换水龙头", "疏通下水道"]),
    S("unit", &["次", "个", "米"]),
    S("price", MONEY),
    S("note", TEXT),
];
const FOLLOWUP: &[F] = &[
    S("result", &["满意", "基本满意", "不满意", "unreachable"]),
    S("note", TEXT),
];
const STAFF_FORM: &[F] = &[
    S("login", &["qian", "zhou"]),
    S("name", NAME),
    S("role", &["receptionist", "前台接待员", "repairer"]),
    S("department", DEPT),
    S("phone", PHONE),
    S("password", &["secret123"]),
];
const PAUSE: &[F] = &[S("reason", &["业主出差，下周回来"])];
const STEP: &[F] = &[S("at", NOW)];
const LINK: &[F] = &[Ref("to", "complaints"), S("title", TEXT)];

/// One hostile text value.
fn hostile(rng: &mut fastrand::Rng) -> String {
    const FIXED: &[&str] = &[
        "",
        " ",
        "\t\n \u{3000}",
        "\u{0}",
        "a\u{0}b",
        "\u{1b}[31m红\u{1b}[0m",
        "\u{7f}",
        "行\u{2028}分隔",
        "\u{feff}3-2-1201",
        "\u{202e}1021-2-3\u{202c}",
        "\u{200f}张伟\u{200e}",
        "😀😀😀",
        "👨‍👩‍👧‍👦",
        "𠮷",
        "'; DROP TABLE complaints;--",
        "\" OR 1=1 --",
        "%_\\",
        "{\"a\":[1,{\"b\":null}]}",
        "[]",
        "null",
        "true",
        "１３８００１３８０００",
        "３－２－１２０１",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-1",
        "0",
        "NaN",
        "inf",
        "-inf",
        "1e309",
        "1e-400",
        "0.0000001",
        "99999999999999999999.99",
        "¥35",
        "2026-02-30",
        "2026-02-30 10:00",
        "9999-12-31",
        "9999-12-31 23:59",
        "0000-00-00",
        "0000-00-00 00:00",
        "2026-13-01",
        "2026-11-23 25:61",
        "1970-01-01T00:00:00Z",
        "+275760-09-13",
        "LH-TS2026-0001",
        "LH-TS2026-9999",
        "DJ-LH-2026-000001",
        "LH-WX2026-0001",
        "LH-XT2026-0001",
        "0192f0c0-0000-7000-8000-000000000000",
        "../../etc/passwd",
        "<script>alert(1)</script>",
        "x = [",
    ];
    match rng.u8(0..10) {
        0 => "长".repeat(10_000),
        1 => "a".repeat(rng.usize(100..3000)),
        2 => (0..rng.usize(1..40))
            .map(|_| char::from_u32(rng.u32(0..0x11_0000)).unwrap_or('\u{fffd}'))
            .collect(),
        3 => rng.i64(..).to_string(),
        _ => FIXED[rng.usize(..FIXED.len())].to_string(),
    }
}

/// Ids and numbers of the live and voided records of `table` (only the tables the forms name).
fn keys(d: &Desk, table: &str) -> Vec<String> {
    let number = match table {
        "intakes" | "complaints" | "slips" | "repair_orders" => ", no",
        _ => "",
    };
    let sql = format!("SELECT id{number} FROM {table} ORDER BY rowid DESC LIMIT 20");
    let conn = d.store.conn();
    let mut stmt = conn.prepare(&sql).unwrap();
    let n = stmt.column_count();
    let mut rows = stmt.query([]).unwrap();
    let mut out = Vec::new();
    while let Some(r) = rows.next().unwrap() {
        for i in 0..n {
            out.push(r.get::<_, String>(i).unwrap());
        }
    }
    out
}

/// A key for a command on `table`: mostly a real one, sometimes hostile.
fn key(rng: &mut fastrand::Rng, d: &Desk, table: &str) -> String {
    let ks = keys(d, table);
    if ks.is_empty() || rng.u8(0..6) == 0 {
        hostile(rng)
    } else {
        pick(rng, &ks)
    }
}

/// One of `keys` (newest first), favouring the newest records so that flows move on.
fn pick(rng: &mut fastrand::Rng, keys: &[String]) -> String {
    let n = if rng.bool() {
        keys.len().min(4)
    } else {
        keys.len()
    };
    keys[rng.usize(..n)].clone()
}

/// An optional text (reasons, notes): missing, valid or hostile.
fn opt_text(rng: &mut fastrand::Rng) -> Option<String> {
    match rng.u8(0..3) {
        0 => None,
        1 => Some("业主要求，已电话确认".into()),
        _ => Some(hostile(rng)),
    }
}

/// A random form. A quarter of the forms are chaos (any field may be hostile), half carry exactly
/// one hostile field, the rest are clean; clean fields are valid values, real keys or missing.
fn form<T: DeserializeOwned>(rng: &mut fastrand::Rng, d: &Desk, fields: &[F]) -> T {
    let chaos = rng.u8(0..4) == 0;
    let bad = if rng.bool() {
        Some(rng.usize(..fields.len()))
    } else {
        None
    };
    let mut m = Map::new();
    for (at, f) in fields.iter().enumerate() {
        let hostile_here = bad == Some(at) || (chaos && rng.u8(0..3) == 0);
        let (name, v) = match f {
            S(name, _) | Ref(name, _) if hostile_here => (name, Value::from(hostile(rng))),
            S(name, valid) => {
                if valid.is_empty() || rng.u8(0..20) == 0 {
                    continue;
                }
                (name, Value::from(valid[rng.usize(..valid.len())]))
            }
            Ref(name, table) => {
                let ks = keys(d, table);
                if ks.is_empty() || rng.u8(0..10) == 0 {
                    continue;
                }
                (name, Value::from(pick(rng, &ks)))
            }
            B(name) => (name, Value::from(rng.bool())),
            I(name) => (
                name,
                match rng.u8(0..4) {
                    0 => continue,
                    1 | 2 if !hostile_here => Value::from(rng.i64(1..50)),
                    1 => Value::from([0, -1, i64::MAX, i64::MIN][rng.usize(..4)]),
                    _ => Value::from(rng.i64(..)),
                },
            ),
        };
        m.insert(name.to_string(), v);
    }
    serde_json::from_value(Value::Object(m)).expect("fuzz form matches the input struct")
}

fn subject_table(kind: SubjectKind) -> &'static str {
    match kind {
        SubjectKind::Complaint => "complaints",
        SubjectKind::Repair => "repair_orders",
        SubjectKind::Slip => "slips",
    }
}

fn has_cjk(s: &str) -> bool {
    s.chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c))
}

/// Why an error is not acceptable for a rejected command, if it is not.
fn bad_error(e: &Error) -> Option<String> {
    match e {
        Error::Invalid { label, message, .. } => {
            if !has_cjk(label) || message.trim().is_empty() {
                Some(format!("Invalid without a Chinese label/message: {e:?}"))
            } else {
                None
            }
        }
        Error::NotFound { .. } | Error::State(_) | Error::Denied(_) | Error::Import(_) => {
            (!has_cjk(&e.to_string())).then(|| format!("error without Chinese text: {e:?}"))
        }
        _ => Some(format!("internal error reached the clerk: {e:?} ({e})")),
    }
}

/// The fuzzing engine: a desk, a seeded generator and the failures found so far.
struct Fuzz {
    rng: fastrand::Rng,
    seed: u64,
    d: Desk,
    failures: Vec<String>,
    ok: usize,
    rejected: usize,
    /// Per command: (accepted, rejected).
    stats: BTreeMap<String, (usize, usize)>,
    /// Print every rejection (`FRONTDESK_FUZZ_TRACE=1`), to see what the generator hits.
    trace: bool,
}

impl Fuzz {
    fn actor(&mut self) -> Actor {
        match self.rng.u8(0..8) {
            0 => self.d.clerk.clone(),
            1 => self.d.coordinator.clone(),
            2 => self.d.repairer.clone(),
            _ => self.d.supervisor.clone(),
        }
    }

    fn count(&mut self, command: &str, accepted: bool) {
        let s = self.stats.entry(command.to_string()).or_default();
        if accepted {
            self.ok += 1;
            s.0 += 1;
        } else {
            self.rejected += 1;
            s.1 += 1;
        }
    }

    fn fail(&mut self, case: usize, command: &str, input: &dyn Debug, why: String) {
        let mut shown = format!("{input:?}");
        if shown.chars().count() > 600 {
            shown = shown.chars().take(600).collect::<String>() + "…";
        }
        self.failures.push(format!(
            "seed {} case {case}: {command}\n  input: {shown}\n  {why}",
            self.seed
        ));
    }

    /// Runs one write command and checks the invariants.
    fn write<T: Debug>(
        &mut self,
        case: usize,
        command: &str,
        input: &dyn Debug,
        op: impl FnOnce(&mut Write) -> frontdesk::Result<T>,
    ) {
        let actor = self.actor();
        let before = snapshot(&self.d.store);
        let store = &mut self.d.store;
        match catch_unwind(AssertUnwindSafe(|| store.write(&actor, op))) {
            Err(p) => {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                self.fail(case, command, input, format!("PANIC: {msg}"));
                self.d = desk();
            }
            Ok(Ok(_)) => self.count(command, true),
            Ok(Err(e)) => {
                self.count(command, false);
                if self.trace {
                    eprintln!("case {case} {command}: {e}");
                }
                if let Some(why) = bad_error(&e) {
                    self.fail(case, command, input, why);
                }
                if before != snapshot(&self.d.store) {
                    self.fail(
                        case,
                        command,
                        input,
                        format!("rejected ({e}) but changed the database"),
                    );
                }
            }
        }
    }

    /// Runs one randomly chosen command with random input.
    fn case(&mut self, case: usize) {
        let estate_id = self.d.estate.id.clone();
        let rng = &mut self.rng;
        let d = &self.d;
        macro_rules! formed {
            ($name:literal, $fields:expr, |$w:ident, $input:ident| $call:expr) => {{
                let $input = form(rng, d, $fields);
                self.write(case, $name, &$input, |$w| $call.map(|_| ()))
            }};
            ($name:literal, $table:literal, $fields:expr, |$w:ident, $k:ident, $input:ident| $call:expr) => {{
                let $k = key(rng, d, $table);
                let $input = form(rng, d, $fields);
                let shown = (&$k, &$input);
                self.write(case, $name, &shown, |$w| $call.map(|_| ()))
            }};
        }
        macro_rules! reasoned {
            ($name:literal, $table:literal, |$w:ident, $k:ident, $r:ident| $call:expr) => {{
                let $k = key(rng, d, $table);
                let $r = opt_text(rng);
                let shown = (&$k, &$r);
                self.write(case, $name, &shown, |$w| {
                    let $r = $r.as_deref();
                    $call.map(|_| ())
                })
            }};
        }
        let e = estate_id.as_str();
        match rng.u8(0..36) {
            0 | 1 => formed!("intake::record", INTAKE, |w, i| intake::record(w, e, &i)),
            2 => reasoned!("intake::void", "intakes", |w, k, r| intake::void(w, &k, r)),
            3 => formed!("customers::add_customer", CUSTOMER, |w, i| {
                customers::add_customer(w, e, &i)
            }),
            4 => formed!(
                "customers::update_customer",
                "customers",
                CUSTOMER,
                |w, k, i| { customers::update_customer(w, &k, &i) }
            ),
            5 => formed!("customers::set_tier", "customers", TIER, |w, k, i| {
                customers::set_tier(w, &k, &i)
            }),
            6 => formed!(
                "customers::issue_vip_card",
                "customers",
                VIP_CARD,
                |w, k, i| { customers::issue_vip_card(w, &k, &i) }
            ),
            7 => reasoned!("customers::void_customer", "customers", |w, k, r| {
                customers::void_customer(w, &k, r)
            }),
            8 | 9 => formed!("complaints::open", COMPLAINT, |w, i| complaints::open(
                w, e, &i
            )),
            10 => formed!(
                "complaints::update",
                "complaints",
                &COMPLAINT[1..],
                |w, k, i| { complaints::update(w, &k, &i) }
            ),
            11 => formed!(
                "complaints::add_attempt",
                "complaints",
                ATTEMPT,
                |w, k, i| { complaints::add_attempt(w, &k, &i) }
            ),
            12 => formed!("complaints::close", "complaints", CLOSE, |w, k, i| {
                complaints::close(w, &k, &i)
            }),
            13 => reasoned!("complaints::reopen", "complaints", |w, k, r| {
                complaints::reopen(w, &k, r)
            }),
            14 => reasoned!("complaints::void", "complaints", |w, k, r| {
                complaints::void(w, &k, r)
            }),
            15 => formed!("slips::create", SLIP, |w, i| slips::create(w, e, &i)),
            16 => formed!("slips::hand_over", "slips", HAND_OVER, |w, k, i| {
                slips::hand_over(w, &k, &i)
            }),
            17 => formed!("slips::record_return", "slips", RETURN, |w, k, i| {
                slips::record_return(w, &k, &i)
            }),
            18 => reasoned!("slips::void", "slips", |w, k, r| slips::void(w, &k, r)),
            19 | 20 => formed!("repairs::create", REPAIR, |w, i| repairs::create(w, e, &i)),
            21 => formed!("repairs::dispatch", "repair_orders", DISPATCH, |w, k, i| {
                repairs::dispatch(w, &k, &i)
            }),
            22 => formed!("repairs::finish", "repair_orders", FINISH, |w, k, i| {
                repairs::finish(w, &k, &i)
            }),
            23 => formed!("repairs::add_price_item", PRICE_ITEM, |w, i| {
                repairs::add_price_item(w, e, &i)
            }),
            24 => formed!(
                "cases::record_followup",
                "followups",
                FOLLOWUP,
                |w, k, i| { cases::record_followup(w, &k, &i) }
            ),
            25 => {
                let code = if rng.bool() {
                    format!("{}-{}-{}", rng.u8(1..30), rng.u8(1..5), rng.u16(101..3000))
                } else {
                    hostile(rng)
                };
                let area = match rng.u8(0..6) {
                    0 => None,
                    1 => Some(89.5),
                    2 => Some(f64::NAN),
                    3 => Some(f64::INFINITY),
                    4 => Some(-1.0),
                    _ => Some(f64::MAX),
                };
                let shown = (&code, area);
                self.write(case, "estate::add_unit", &shown, |w| {
                    estate::add_unit(w, e, &code, area).map(|_| ())
                })
            }
            26 => formed!("estate::add_staff", STAFF_FORM, |w, i| estate::add_staff(
                w, e, &i
            )),
            27 => {
                let kind = [
                    SubjectKind::Complaint,
                    SubjectKind::Repair,
                    SubjectKind::Slip,
                ][rng.usize(..3)];
                let k = key(rng, d, subject_table(kind));
                let i: PauseInput = form(rng, d, PAUSE);
                let shown = (kind, &k, &i);
                self.write(case, "deadlines::pause", &shown, |w| {
                    deadlines::pause(w, kind, &k, &i).map(|_| ())
                })
            }
            28 => formed!("grading::link", "complaints", LINK, |w, k, i| {
                grading::link(w, &k, &i)
            }),
            29 => reasoned!("slips::print", "slips", |w, k, _r| slips::print(w, &k)),
            30 => formed!("repairs::accept", "repair_orders", STEP, |w, k, i| {
                repairs::accept(w, &k, &i)
            }),
            31 => formed!("repairs::arrive", "repair_orders", STEP, |w, k, i| {
                repairs::arrive(w, &k, &i)
            }),
            32 => reasoned!(
                "complaints::request_confirmation",
                "complaints",
                |w, k, _r| { complaints::request_confirmation(w, &k) }
            ),
            33 => {
                let kind = [
                    SubjectKind::Complaint,
                    SubjectKind::Repair,
                    SubjectKind::Slip,
                ][rng.usize(..3)];
                let k = key(rng, d, subject_table(kind));
                let shown = (kind, &k);
                self.write(case, "deadlines::resume", &shown, |w| {
                    deadlines::resume(w, kind, &k).map(|_| ())
                })
            }
            _ => self.policy_text(case),
        }
    }

    /// `policy::from_toml` on the default policy with one line's value made hostile, or cut short.
    fn policy_text(&mut self, case: usize) {
        let text = policy::to_toml(&policy::Policy::default()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mutated = if self.rng.u8(0..4) == 0 {
            let cut = self.rng.usize(..text.len());
            text.char_indices()
                .take_while(|(i, _)| *i < cut)
                .map(|(_, c)| c)
                .collect()
        } else {
            let at = self.rng.usize(..lines.len());
            let v = hostile(&mut self.rng);
            let v = if self.rng.bool() {
                v
            } else {
                serde_json::to_string(&v).unwrap()
            };
            lines
                .iter()
                .enumerate()
                .map(|(i, l)| match l.split_once(" = ") {
                    Some((k, _)) if i == at => format!("{k} = {v}"),
                    _ => l.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        match catch_unwind(|| policy::from_toml(&mutated)) {
            Err(_) => self.fail(case, "policy::from_toml", &mutated, "PANIC".into()),
            Ok(Ok(_)) => self.count("policy::from_toml", true),
            Ok(Err(e)) => {
                self.count("policy::from_toml", false);
                if let Some(why) = bad_error(&e) {
                    self.fail(case, "policy::from_toml", &mutated, why);
                }
            }
        }
    }
}

/// What a fuzz run found.
#[derive(Debug)]
pub struct Outcome {
    pub cases: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub panics: usize,
    /// Every failure (panic, unreadable error, or a rejection that changed the database), with
    /// the seed, the command and its input.
    pub failures: Vec<String>,
}

/// Runs `cases` random commands from `seed`; prints per-command figures to stderr.
pub fn run(cases: usize, seed: u64) -> Outcome {
    let mut f = Fuzz {
        rng: fastrand::Rng::with_seed(seed),
        seed,
        d: desk(),
        failures: Vec::new(),
        ok: 0,
        rejected: 0,
        stats: BTreeMap::new(),
        trace: std::env::var_os("FRONTDESK_FUZZ_TRACE").is_some(),
    };
    // Panics are caught and counted; don't print each one's message twice.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for case in 0..cases {
        if case > 0 && case % CASES_PER_DESK == 0 {
            f.d = desk();
        }
        f.case(case);
        f.d.clock.advance(chrono::Duration::minutes(5));
    }
    std::panic::set_hook(hook);
    for (command, (ok, rejected)) in &f.stats {
        eprintln!("  fuzz {command}: {ok} accepted, {rejected} rejected");
    }
    Outcome {
        cases,
        accepted: f.ok,
        rejected: f.rejected,
        panics: f.failures.iter().filter(|x| x.contains("PANIC")).count(),
        failures: f.failures,
    }
}
