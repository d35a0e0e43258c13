//! Shell tests: commands called through Tauri's IPC on the mock runtime, as the UI calls them.
//! They check the wiring (names, argument names, results) and the wire error, not the core's
//! rules (the core's own tests do that).

use std::path::PathBuf;

use frontdesk_app::state::{AppState, Paths};
use serde_json::{json, Value};
use tauri::test::{get_ipc_response, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

struct Shell {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    dir: PathBuf,
}

fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("frontdesk-app-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn shell_at(dir: PathBuf) -> Shell {
    let state = AppState::open(Paths::under(&dir));
    let app = frontdesk_app::app_builder(tauri::test::mock_builder(), state)
        .build(mock_context(noop_assets()))
        .expect("app");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window");
    Shell {
        _app: app,
        window,
        dir,
    }
}

impl Shell {
    /// Calls a command; `Ok(value)` or `Err(wire error as JSON)`.
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().expect("url"),
                body: tauri::ipc::InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|b| b.deserialize::<Value>().expect("json"))
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn err(&self, cmd: &str, args: Value) -> Value {
        match self.call(cmd, args) {
            Ok(v) => panic!("{cmd} succeeded unexpectedly: {v}"),
            Err(e) => e,
        }
    }
}

fn set_up(name: &str) -> Shell {
    let s = shell_at(scratch(name));
    assert_eq!(s.ok("app_status", json!({}))["phase"], "setup");
    s.ok(
        "setup_init",
        json!({"input": {"estate_name": "龙湖花园", "estate_code": "LH", "slip_title": null,
            "admin_login": "wang", "admin_name": "王主管", "admin_password": "secret123"}}),
    );
    s
}

#[test]
fn first_run_intake_slip_complaint_through_ipc() {
    let s = set_up("flow");
    let status = s.ok("app_status", json!({}));
    assert_eq!(status["phase"], "ready");
    assert_eq!(status["actor"]["name"], "王主管");
    assert_eq!(status["idle_minutes"], 15);
    s.ok("department_add", json!({"name": "绿化部"}));
    s.ok(
        "staff_add",
        json!({"input": {"login": "sun", "name": "孙师傅", "role": "维修工", "department": "工程维修部",
            "phone": null, "password": "secret123"}}),
    );
    let view = s.ok("estate_show", json!({}));
    assert!(view["departments"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["name"] == "绿化部"));

    let intake = s.ok(
        "intake_record",
        json!({"input": {"channel": "来电", "kind": "投诉", "phone": "13800138000",
            "content": "楼上漏水，天花板发霉😀"}}),
    );
    let no = intake["no"].as_str().unwrap().to_string();
    assert!(no.starts_with("LH-DJ"), "{no}");
    let lookup = s.ok("intake_lookup", json!({"query": "13800138000"}));
    assert_eq!(
        lookup["recent_intakes"][0]["content"],
        "楼上漏水，天花板发霉😀"
    );

    let slip = s.ok(
        "slip_create",
        json!({"input": {"intake": no, "department": "工程维修部"}}),
    );
    let slip_no = slip["no"].as_str().unwrap().to_string();
    let found = s.ok(
        "slip_find",
        json!({"text": format!("  {} ", slip_no.to_lowercase())}),
    );
    assert_eq!(found["no"], slip_no);
    // Printing writes the PDF under the documents folder; a second print is a 补打 file.
    let first = s.ok("slip_print", json!({"id": slip_no, "fullPhones": false}));
    let again = s.ok("slip_print", json!({"id": slip_no, "fullPhones": false}));
    let slips = s.dir.join("documents").join("协调单");
    assert_eq!(
        first["path"],
        slips.join(format!("{slip_no}.pdf")).display().to_string()
    );
    assert_eq!(
        again["path"],
        slips
            .join(format!("{slip_no}-补打1.pdf"))
            .display()
            .to_string()
    );
    assert!(std::fs::read(slips.join(format!("{slip_no}-补打1.pdf")))
        .unwrap()
        .starts_with(b"%PDF-"));
    assert_eq!(s.ok("slip_get", json!({"id": slip_no}))["print_count"], 2);
    // Only files under the documents folder can be opened from the UI.
    let outside = s.err(
        "document_open",
        json!({"path": s.dir.join("frontdesk.sqlite3")}),
    );
    assert_eq!(outside["code"], "invalid");
    let register = s.ok("slip_register", json!({"period": {}}));
    assert_eq!(register.as_array().unwrap().len(), 1);

    let c = s.ok(
        "complaint_open",
        json!({"input": {"intake": no, "category": "物业管理", "responsible_department": "工程维修部"}}),
    );
    let cno = c["no"].as_str().unwrap().to_string();
    assert_eq!(s.ok("complaint_queue", json!({}))[0]["no"], cno);
    s.ok(
        "complaint_attempt",
        json!({"id": cno, "input": {"method": "电话", "said": "已安排维修", "result": "达成一致"}}),
    );
    s.ok("complaint_confirm", json!({"id": cno}));
    let closed = s.ok(
        "complaint_close",
        json!({"id": cno, "input": {"result": "已修复", "satisfaction": "满意"}}),
    );
    assert_eq!(closed["status"], "closed");
    let detail = s.ok("complaint_get", json!({"id": cno}));
    assert_eq!(detail["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(detail["followups"][0]["status"], "pending");
}

#[test]
fn wire_errors_name_the_field_and_the_kind() {
    let s = set_up("errors");
    let e = s.err(
        "intake_record",
        json!({"input": {"channel": "来电", "kind": "投诉", "phone": "123", "content": "x"}}),
    );
    assert_eq!(e["code"], "invalid");
    assert_eq!(e["field"], "phone");
    assert!(e["message"].as_str().unwrap().contains("电话"), "{e}");

    let e = s.err("complaint_get", json!({"id": "LH-TS2099-9999"}));
    assert_eq!(e["code"], "not_found");

    s.ok("logout", json!({}));
    let e = s.err("intake_lookup", json!({"query": "3-2-1201"}));
    assert_eq!(e["code"], "signed_out");
    let e = s.err("login", json!({"login": "wang", "password": "nope"}));
    assert_eq!(e["code"], "denied");
    assert!(
        e["message"].as_str().unwrap().contains("用户名或密码错误"),
        "{e}"
    );
    let e = s.err(
        "setup_init",
        json!({"input": {"estate_name": "x", "estate_code": "XX",
        "admin_login": "a", "admin_name": "a", "admin_password": "secret123"}}),
    );
    assert_eq!(e["code"], "state");
}

/// On the recovery screen: restores the newest backup that passes its check.
fn restore_a_good_backup(s: &Shell) {
    let backups = s.ok("recovery_backups", json!({}));
    let good = backups
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["ok"] == true)
        .expect("a good backup");
    s.ok("recovery_restore", json!({"file": good["backup"]["file"]}));
}

#[test]
fn demo_data_backups_and_recovery_from_a_corrupt_database() {
    let s = shell_at(scratch("demo"));
    let summary = s.ok("demo_load", json!({}));
    assert_eq!(summary["staff_password"], "demo1234");
    // Loading the desk makes the day's and the month's backup at once.
    let kinds = |s: &Shell| -> Vec<String> {
        let list = s.ok("backup_list", json!({}));
        let mut k: Vec<String> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["kind"].as_str().unwrap().to_string())
            .collect();
        k.sort();
        k
    };
    s.ok("login", json!({"login": "li", "password": "demo1234"}));
    assert_eq!(kinds(&s), ["daily", "monthly"]);
    assert!(!s
        .ok("complaint_queue", json!({}))
        .as_array()
        .unwrap()
        .is_empty());
    assert!(!s
        .ok("repair_queue", json!({}))
        .as_array()
        .unwrap()
        .is_empty());
    s.ok("followup_due", json!({}));
    assert_eq!(s.err("backup_now", json!({}))["code"], "denied");
    s.ok("login", json!({"login": "wang", "password": "demo1234"}));
    let b = s.ok("backup_now", json!({}));
    assert_eq!(b["kind"], "manual");
    assert_eq!(kinds(&s), ["daily", "manual", "monthly"]);
    let dir = s.dir.clone();
    drop(s);

    // Damage the database: the app starts on the recovery screen and restores the backup.
    let db = dir.join("frontdesk.sqlite3");
    let _ = std::fs::remove_file(dir.join("frontdesk.sqlite3-wal"));
    let mut bytes = std::fs::read(&db).expect("db");
    bytes[..100].copy_from_slice(&[0x55; 100]);
    std::fs::write(&db, bytes).expect("write");
    let s = shell_at(dir);
    let status = s.ok("app_status", json!({}));
    assert_eq!(status["phase"], "broken", "{status}");
    assert_eq!(
        s.err("login", json!({"login": "wang", "password": "demo1234"}))["code"],
        "corrupt"
    );
    restore_a_good_backup(&s);
    assert_eq!(s.ok("app_status", json!({}))["phase"], "ready");
    s.ok("login", json!({"login": "wang", "password": "demo1234"}));
}

/// Every list the app offers, read as each role: a receptionist and a repairer see phones
/// masked, a supervisor whole; the 回访 task the clerk opens to make the call shows its number.
#[test]
fn each_role_reads_every_list_with_the_phones_it_may_see() {
    let s = shell_at(scratch("roles"));
    s.ok("demo_load", json!({}));
    let year = json!({"from": "2026-01-01", "to": "2026-12-31"});
    let lists = [
        ("complaint_list", json!({"query": {}})),
        ("complaint_queue", json!({})),
        ("repair_list", json!({"filter": {}})),
        ("repair_queue", json!({})),
        ("slip_register", json!({ "period": year })),
        ("followup_due", json!({})),
        ("customer_list", json!({"filter": {}})),
        ("vip_register", json!({"filter": {}})),
        ("intake_list", json!({ "period": year })),
        ("search", json!({"query": "1"})),
    ];
    let full_phones = |v: &Value| -> usize {
        let text = v.to_string();
        let b = text.as_bytes();
        (0..b.len().saturating_sub(12))
            .filter(|&i| {
                b[i] == b'"'
                    && b[i + 1] == b'1'
                    && b[i + 2..i + 12].iter().all(u8::is_ascii_digit)
                    && b[i + 12] == b'"'
            })
            .count()
    };
    for (login, may_see) in [("li", false), ("sun", false), ("wang", true)] {
        s.ok("login", json!({"login": login, "password": "demo1234"}));
        let mut seen = 0;
        for (cmd, args) in &lists {
            let n = match s.call(cmd, args.clone()) {
                Ok(v) => full_phones(&v),
                Err(e) if e["code"] == "denied" => continue,
                Err(e) => panic!("{login}: {cmd} failed: {e}"),
            };
            if !may_see {
                assert_eq!(n, 0, "{login} sees full phones in {cmd}");
            }
            seen += n;
        }
        assert_eq!(seen > 0, may_see, "{login}: {seen} full phones");
    }
    s.ok("login", json!({"login": "li", "password": "demo1234"}));
    let due = s.ok("followup_due", json!({}));
    let task = due
        .as_array()
        .unwrap()
        .iter()
        .find(|t| !t["phone"].is_null())
        .expect("a task with a phone");
    assert!(task["phone"].as_str().unwrap().contains('*'));
    let opened = s.ok("followup_task", json!({"id": task["id"]}));
    assert_eq!(full_phones(&opened), 1, "{opened}");
}

/// The time tick raises overdue escalations on the demo desk; the supervisor sees them on 待关注
/// and acknowledges one (a receptionist may not); it leaves the list.
#[test]
fn the_tick_raises_escalations_a_supervisor_acknowledges() {
    let s = shell_at(scratch("attention"));
    s.ok("demo_load", json!({}));
    s.ok("login", json!({"login": "wang", "password": "demo1234"}));
    s.ok("queue_tick", json!({}));
    let list = s.ok("attention_list", json!({}));
    let list = list.as_array().unwrap();
    assert!(!list.is_empty(), "the demo desk has overdue complaints");
    let first = &list[0];
    assert!(!first["reason"].as_str().unwrap().is_empty());
    s.ok("login", json!({"login": "li", "password": "demo1234"}));
    let err = s.err(
        "escalation_acknowledge",
        json!({"id": first["id"], "note": null}),
    );
    assert_eq!(err["code"], "denied", "{err}");
    s.ok("login", json!({"login": "wang", "password": "demo1234"}));
    let done = s.ok(
        "escalation_acknowledge",
        json!({"id": first["id"], "note": "已电话上报项目经理"}),
    );
    assert_eq!(done["ack_note"], "已电话上报项目经理");
    assert!(done["acknowledged_at"].is_string());
    let after = s.ok("attention_list", json!({}));
    assert_eq!(after.as_array().unwrap().len(), list.len() - 1);
    assert!(!after
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["id"] == first["id"]));
}

#[test]
fn grade_preview_repair_finance_registers_and_customers() {
    let s = shell_at(scratch("work"));
    s.ok("demo_load", json!({}));
    s.ok("login", json!({"login": "li", "password": "demo1234"}));
    let intake = s.ok(
        "intake_record",
        json!({"input": {"channel": "来电", "kind": "投诉", "unit": "3-2-502",
            "content": "装修砸坏空调外机", "happened_at": "昨晚10点", "location": "阳台"}}),
    );
    let ino = intake["no"].as_str().unwrap().to_string();
    let open_before = s.ok("complaint_queue", json!({})).as_array().unwrap().len();
    // The preview grades the form and saves nothing; a bad amount names its field.
    let form = json!({"intake": ino, "category": "物业管理", "claim_amount": "20000"});
    let a = s.ok("complaint_preview", json!({"id": null, "input": form}));
    assert_eq!(a["grade"], "major", "{a}");
    assert_eq!(
        s.ok("complaint_queue", json!({})).as_array().unwrap().len(),
        open_before
    );
    let bad = s.err(
        "complaint_preview",
        json!({"id": null, "input": {"intake": ino, "claim_amount": "两万"}}),
    );
    assert_eq!(
        (bad["code"].as_str(), bad["field"].as_str()),
        (Some("invalid"), Some("claim_amount"))
    );
    let c = s.ok("complaint_open", json!({"input": form}));
    assert_eq!(c["grade"], "major");
    let on_record = s.ok(
        "complaint_preview",
        json!({"id": c["id"], "input": {"media_exposure": true}}),
    );
    assert!(on_record["reasons"].to_string().contains("媒体曝光"));

    // A paid order closes only through finance (supervisors by default).
    let repair = s.ok(
        "intake_record",
        json!({"input": {"channel": "来电", "kind": "报修", "unit": "3-2-502", "content": "楼道灯不亮"}}),
    );
    let o = s.ok(
        "repair_create",
        json!({"input": {"intake": repair["no"], "kind": "公共设施", "scale": "小修",
            "location": "3栋1单元", "safety_related": false, "leak_related": false}}),
    );
    let wno = o["no"].as_str().unwrap().to_string();
    s.ok(
        "repair_dispatch",
        json!({"id": wno, "input": {"repairer": "sun"}}),
    );
    s.ok("repair_accept", json!({"id": wno, "input": {}}));
    s.ok("repair_arrive", json!({"id": wno, "input": {}}));
    s.ok(
        "repair_finish",
        json!({"id": wno, "input": {"work_done": "换灯", "paid": true, "price_item": "P01"}}),
    );
    s.ok(
        "repair_sign_off",
        json!({"id": wno, "input": {"owner_signed": true}}),
    );
    let denied = s.err("repair_finance", json!({"id": wno, "input": {}}));
    assert_eq!(denied["code"], "denied", "{denied}");
    s.ok("login", json!({"login": "wang", "password": "demo1234"}));
    let closed = s.ok("repair_finance", json!({"id": wno, "input": {}}));
    assert_eq!(closed["status"], "closed");

    // A register for a period, named by the core; PDF only for the complaint register.
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive()
        .to_string();
    let file = s.ok(
        "register_export",
        json!({"register": "phone_log", "from": today, "to": today, "format": "xlsx", "fullPhones": false}),
    );
    let path = file["path"].as_str().unwrap();
    assert!(
        path.ends_with(&format!("电话接待记录本{today}至{today}.xlsx")),
        "{path}"
    );
    assert!(file["count"].as_u64().unwrap() >= 2, "{file}");
    let pdf = s.ok(
        "register_export",
        json!({"register": "slips", "from": today, "to": today, "format": "pdf", "fullPhones": false}),
    );
    assert!(pdf["path"].as_str().unwrap().ends_with(".pdf"), "{pdf}");
    assert!(std::fs::read(pdf["path"].as_str().unwrap())
        .unwrap()
        .starts_with(b"%PDF-"));
    let backwards = s.err(
        "register_export",
        json!({"register": "complaints", "from": today, "to": "2020-01-01", "format": "pdf", "fullPhones": false}),
    );
    assert_eq!(backwards["field"], "to");

    // A customer added, corrected and voided (the last by a supervisor, with a reason).
    let added = s.ok(
        "customer_add",
        json!({"input": {"unit": "3-2-502", "name": "测试租户", "relation": "租户", "phone": "13812345678"}}),
    );
    let id = added["id"].as_str().unwrap().to_string();
    let edited = s.ok(
        "customer_update",
        json!({"id": id, "input": {"note": "合同至2027年6月"}}),
    );
    assert_eq!(edited["note"], "合同至2027年6月");
    assert_eq!(edited["phone"], "13812345678", "a supervisor sees it whole");
    let voided = s.ok("customer_void", json!({"id": id, "reason": "已退租"}));
    assert_eq!(voided["voided"], true);
}

#[test]
fn the_desk_lists_and_records_of_the_new_screens() {
    let s = shell_at(scratch("lists"));
    s.ok("demo_load", json!({}));
    s.ok("login", json!({"login": "wang", "password": "demo1234"}));
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive()
        .to_string();
    // KPIs of a period; a reversed one names its field.
    let kpi = s.ok("kpi_report", json!({"from": "2026-11-01", "to": today}));
    assert!(!kpi["kpis"].as_array().unwrap().is_empty(), "{kpi}");
    let bad = s.err("kpi_report", json!({"from": today, "to": "2020-01-01"}));
    assert_eq!(bad["field"], "to");
    // Intakes of today, the phone calls alone, one opened whole.
    let all = s.ok("intake_list", json!({"period": {}, "channel": null}));
    let calls = s.ok("intake_list", json!({"period": {}, "channel": "来电"}));
    assert!(calls
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["channel"] == "call"));
    assert!(all.as_array().unwrap().len() >= calls.as_array().unwrap().len());
    let first = &all[0];
    assert_eq!(
        s.ok("intake_get", json!({"id": first["no"]}))["id"],
        first["id"]
    );
    // Work lists: slips, today's 回访 with a task's history.
    assert!(!s.ok("slip_queue", json!({})).as_array().unwrap().is_empty());
    let fq = s.ok("followup_queue", json!({}));
    if let Some(f) = fq.as_array().unwrap().first() {
        assert_eq!(
            s.ok("followup_history", json!({"id": f["id"]}))["id"],
            f["id"]
        );
    }
    // The VIP register, and an assistant for an A-tier customer.
    let vips = s.ok("vip_register", json!({"filter": {}}));
    let line = &vips.as_array().unwrap()[0];
    let named = s.ok(
        "vip_assistant_set",
        json!({"id": line["customer_id"], "staff": "li"}),
    );
    assert_eq!(named["vip_assistant"], "李前台");
    // A unit added, then refused twice.
    s.ok("unit_add", json!({"code": "12-3-1501", "areaM2": 96.5}));
    let again = s.err("unit_add", json!({"code": "12-3-1501", "areaM2": null}));
    assert_eq!(again["field"], "unit");
    // The case library: filed with a note, listed, taken out.
    let c = &s.ok("complaint_queue", json!({}))[0];
    s.ok(
        "complaint_case_library",
        json!({"id": c["no"], "on": true, "note": "典型案例"}),
    );
    let library = s.ok("complaint_list", json!({"query": {"case_library": true}}));
    assert!(library
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["no"] == c["no"]));
    s.ok(
        "complaint_case_library",
        json!({"id": c["no"], "on": false, "note": null}),
    );
    // Same problem: suggestions, a link to another complaint, then out again.
    let other = &s.ok("complaint_queue", json!({}))[1];
    s.ok("complaint_suggest_issues", json!({"id": c["id"]}));
    let issue = s.ok(
        "complaint_link",
        json!({"id": c["no"], "input": {"to": other["no"], "title": null}}),
    );
    assert_eq!(
        issue["complaints"].as_array().map(Vec::len),
        Some(2),
        "{issue}"
    );
    s.ok(
        "complaint_unlink",
        json!({"id": c["no"], "reason": "不是同一问题"}),
    );
    // A slip as an Excel form; the owner's 报事档案 by unit.
    let slip = &s.ok("slip_queue", json!({}))[0];
    let form = s.ok(
        "slip_form_export",
        json!({"no": slip["no"], "fullPhones": false}),
    );
    assert!(form["path"].as_str().unwrap().ends_with(".xlsx"), "{form}");
    s.ok("slip_archive", json!({"key": "3-2-502"}));
    // 转单 and 退单 of a dispatched order, then its deadlines paused and resumed.
    let o = s
        .ok("repair_list", json!({"filter": {"status": "dispatched"}}))
        .as_array()
        .unwrap()
        .first()
        .cloned()
        .expect("the demo leaves a dispatched order");
    let moved = s.ok(
        "repair_reassign",
        json!({"id": o["no"], "input": {"repairer": if o["repairer"] == "孙师傅" { "qian" } else { "sun" }, "reason": "请假"}}),
    );
    assert_eq!(moved["status"], "dispatched");
    let back = s.ok(
        "repair_reassign",
        json!({"id": o["no"], "input": {"repairer": null, "reason": "缺少配件"}}),
    );
    assert_eq!(back["status"], "reported");
    s.ok(
        "deadline_pause",
        json!({"kind": "repair", "id": o["no"], "input": {"reason": "业主外出"}}),
    );
    s.ok("deadline_resume", json!({"kind": "repair", "id": o["no"]}));
}

#[test]
fn a_database_that_fails_the_start_up_check_is_never_used() {
    let s = shell_at(scratch("forged"));
    s.ok("demo_load", json!({}));
    let dir = s.dir.clone();
    drop(s);
    // A forged audit entry: the file opens, but its hash chain is broken.
    let conn = rusqlite::Connection::open(dir.join("frontdesk.sqlite3")).expect("open");
    conn.execute_batch(
        "DROP TRIGGER audit_no_update; UPDATE audit_log SET detail = '{\"x\":1}' WHERE seq = 3;",
    )
    .expect("forge");
    drop(conn);

    // The window opens at once (the check runs beside it); signing in waits for the check and
    // is refused, and the app then shows the recovery screen.
    let s = shell_at(dir);
    let err = s.err("login", json!({"login": "wang", "password": "demo1234"}));
    assert_eq!(err["code"], "corrupt", "{err}");
    let status = s.ok("app_status", json!({}));
    assert_eq!(status["phase"], "broken", "{status}");
    assert_eq!(status["checking"], false, "{status}");
    assert!(
        status["problem"].as_str().unwrap().contains("审计链"),
        "{status}"
    );
    assert_eq!(s.err("complaint_queue", json!({}))["code"], "setup");
    // The vocabulary needs no database: the recovery screen names the backups' kinds with it.
    let vocabulary = s.ok("vocabulary", json!({}));
    let kinds = vocabulary["backup_kind"].as_array().unwrap();
    assert!(kinds.contains(&json!(["onexit", "退出时"])), "{vocabulary}");
    assert_eq!(vocabulary["role"][0], json!(["receptionist", "前台接待员"]));
    restore_a_good_backup(&s);
    s.ok("login", json!({"login": "wang", "password": "demo1234"}));
}

/// An .xlsx in memory: the customer register's header and these rows (unit, name, phone).
fn register_xlsx(rows: &[(&str, &str, &str)]) -> String {
    use base64::Engine;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["房号", "姓名", "电话"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    for (r, (unit, name, phone)) in rows.iter().enumerate() {
        for (c, v) in [unit, name, phone].iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, **v).expect("cell");
        }
    }
    let bytes = wb.save_to_buffer().expect("xlsx");
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn customer_import_uploads_previews_and_imports_the_valid_rows() {
    let s = set_up("import");
    let data = register_xlsx(&[
        ("3-2-1201", "张伟", "13800138000"),
        ("3-2-1201", "李娜", "12345"),
        ("20-1-101", "王强😀", ""),
    ]);
    let upload = s.ok(
        "customer_import_upload",
        json!({"name": "客户档案 (1).xlsx", "data": data}),
    );
    assert_eq!(upload, "客户档案 (1).xlsx");
    let kept = s.dir.join("import").join("客户档案 (1).xlsx");
    assert!(kept.is_file());
    // The progress channel is the UI's; the mock window drops its messages.
    let channel = "__CHANNEL__:1";
    let preview = s.ok(
        "customer_import_preview",
        json!({"upload": upload, "progress": channel}),
    );
    assert_eq!(preview["file"], "客户档案 (1).xlsx");
    assert_eq!(
        (
            &preview["rows_total"],
            &preview["valid"],
            &preview["bad_rows"]
        ),
        (&json!(3), &json!(2), &json!(1))
    );
    assert_eq!(preview["units_created"], 2, "a new estate has no units yet");
    assert_eq!(preview["problems"][0]["row"], 3);
    assert_eq!(preview["problems"][0]["field"], "电话");
    assert!(s
        .ok("customer_list", json!({"filter": {}}))
        .as_array()
        .unwrap()
        .is_empty());

    // All rows: refused with the rows, nothing written, the file kept for another try.
    let e = s.err(
        "customer_import",
        json!({"upload": upload, "acceptValidOnly": false, "progress": channel}),
    );
    assert_eq!(e["code"], "import");
    assert_eq!(e["rows"][0]["row"], 3);
    assert!(
        e["message"].as_str().unwrap().contains("未导入任何数据"),
        "{e}"
    );
    assert!(kept.is_file());

    let done = s.ok(
        "customer_import",
        json!({"upload": upload, "acceptValidOnly": true, "progress": channel}),
    );
    assert_eq!(done["imported"], 2);
    assert!(!kept.exists(), "the uploaded file is removed once imported");
    let names: Vec<Value> = s
        .ok("customer_list", json!({"filter": {}}))
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].clone())
        .collect();
    assert!(names.contains(&json!("王强😀")), "{names:?}");
    assert_eq!(names.len(), 2);

    // Bad uploads: a folder in the name, content that is not base64, a file that is gone.
    for (name, data, needle) in [
        ("../x.xlsx", data.as_str(), "文件名无效"),
        ("x.xlsx", "不是base64!", "文件内容无法读取"),
    ] {
        let e = s.err(
            "customer_import_upload",
            json!({"name": name, "data": data}),
        );
        assert_eq!(
            (e["code"].as_str(), e["field"].as_str()),
            (Some("invalid"), Some("file"))
        );
        assert!(e["message"].as_str().unwrap().contains(needle), "{e}");
    }
    let e = s.err(
        "customer_import_preview",
        json!({"upload": "x.xlsx", "progress": channel}),
    );
    assert!(e["message"].as_str().unwrap().contains("找不到文件"), "{e}");
    s.ok(
        "customer_import_upload",
        json!({"name": "y.xlsx", "data": data}),
    );
    s.ok("customer_import_discard", json!({}));
    assert!(!s.dir.join("import").exists());
}

#[test]
fn price_list_and_calendar_are_edited_by_supervisors() {
    let s = set_up("rules");
    let item = s.ok(
        "price_item_add",
        json!({"input": {"code": "W01", "name": "更换水龙头", "unit": "个", "price": "35", "note": null}}),
    );
    assert_eq!(item["price_fen"], 3500);
    let e = s.err(
        "price_item_add",
        json!({"input": {"code": "W02", "name": "疏通", "price": "abc"}}),
    );
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("invalid"), Some("price"))
    );
    let e = s.err(
        "price_item_add",
        json!({"input": {"code": "W01", "name": "重复", "price": "1"}}),
    );
    assert_eq!(e["field"], "code");
    let edited = s.ok(
        "price_item_update",
        json!({"id": item["id"], "input": {"price": "40.50", "note": "含辅料"}}),
    );
    assert_eq!(
        (&edited["price_fen"], &edited["name"]),
        (&json!(4050), &json!("更换水龙头"))
    );
    let e = s.err("price_item_void", json!({"id": "W01", "reason": ""}));
    assert_eq!(e["field"], "reason");
    let voided = s.ok(
        "price_item_void",
        json!({"id": "W01", "reason": "不再提供"}),
    );
    assert_eq!(voided["voided"], true);
    assert!(s
        .ok("price_list", json!({"includeVoided": false}))
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(
        s.ok("price_list", json!({"includeVoided": true}))[0]["void_reason"],
        "不再提供"
    );

    let set = s.ok(
        "calendar_set",
        json!({"input": {"date": "2026-06-01", "working": false, "name": "公司年会"}}),
    );
    assert_eq!(set["name"], "公司年会");
    let e = s.err(
        "calendar_set",
        json!({"input": {"date": "2026-02-30", "working": false, "name": "x"}}),
    );
    assert_eq!(e["field"], "date");
    let view = s.ok("calendar_year", json!({"year": 2026}));
    assert_eq!(view["overrides"].as_array().unwrap().len(), 1);
    let days = view["year"]["special_days"].as_array().unwrap();
    let june = days
        .iter()
        .find(|d| d["date"] == "2026-06-01")
        .expect("the day");
    assert_eq!(
        (&june["source"], &june["working"]),
        (&json!("estate"), &json!(false))
    );
    assert!(
        days.iter().any(|d| d["source"] == "national"),
        "shipped days"
    );
    assert!(view["year"]["shipped"].is_object());
    s.ok(
        "calendar_clear",
        json!({"date": "2026-06-01", "reason": "年会改期"}),
    );
    assert!(s.ok("calendar_year", json!({"year": 2026}))["overrides"]
        .as_array()
        .unwrap()
        .is_empty());

    // A receptionist reads but may not edit.
    s.ok(
        "staff_add",
        json!({"input": {"login": "li", "name": "李前台", "role": "前台接待员", "department": "客服中心",
            "phone": null, "password": "secret123"}}),
    );
    s.ok("login", json!({"login": "li", "password": "secret123"}));
    s.ok("price_list", json!({"includeVoided": true}));
    s.ok("calendar_year", json!({"year": 2027}));
    let e = s.err(
        "price_item_add",
        json!({"input": {"code": "W09", "name": "x", "price": "1"}}),
    );
    assert_eq!(e["code"], "denied");
    let e = s.err(
        "calendar_set",
        json!({"input": {"date": "2026-06-02", "working": true, "name": "x"}}),
    );
    assert_eq!(e["code"], "denied");
}

/// The committed `ui/src/bindings.ts` matches the commands. Regenerate with
/// `FRONTDESK_UPDATE_BINDINGS=1 cargo test -p frontdesk-app bindings`.
#[test]
fn bindings_are_up_to_date() {
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
    if std::env::var_os("FRONTDESK_UPDATE_BINDINGS").is_some() {
        frontdesk_app::export_bindings(&committed).expect("export");
        return;
    }
    let fresh = scratch("bindings").join("bindings.ts");
    frontdesk_app::export_bindings(&fresh).expect("export");
    let want = std::fs::read_to_string(&fresh).expect("fresh");
    let have = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        want == have,
        "ui/src/bindings.ts is out of date: run FRONTDESK_UPDATE_BINDINGS=1 cargo test -p frontdesk-app bindings"
    );
}
