//! The customer register: add, edit, void, list and search; tiers; VIP cards and the VIP register.

use chrono::Duration;
use frontdesk::customers::{
    self, Customer, CustomerFilter, CustomerInput, RevokeInput, TierInput, VipCard, VipCardInput,
    VipFilter,
};
use frontdesk::vocab::{Relation, Tier, VipCardStatus};
use frontdesk::{policy, search, store, Actor, Error};
use serde_json::{json, Value};

use crate::common::*;

fn input(v: Value) -> CustomerInput {
    serde_json::from_value(v).unwrap()
}

/// A complete, valid form; tests change one field at a time.
fn good() -> Value {
    json!({
        "unit": "3-2-1201",
        "name": "张伟",
        "relation": "业主",
        "phone": "13800138000",
        "phone2": "010-62345678",
        "id_number": "11010519491231002X",
        "family_segment": "有小孩的夫妇",
        "note": "喜欢电话联系",
    })
}

fn with(field: &str, value: Value) -> Value {
    let mut v = good();
    if value.is_null() {
        v.as_object_mut().unwrap().remove(field);
    } else {
        v[field] = value;
    }
    v
}

fn add_as(d: &mut Desk, actor: &Actor, v: Value) -> Customer {
    let eid = d.estate.id.clone();
    d.store
        .write(actor, |w| customers::add_customer(w, &eid, &input(v)))
        .unwrap()
}

fn add(d: &mut Desk, v: Value) -> Customer {
    let clerk = d.clerk.clone();
    add_as(d, &clerk, v)
}

fn sup(d: &Desk) -> Actor {
    d.supervisor.clone()
}

/// Asserts an operation is refused as a state or permission problem (message contains
/// `needle`) and leaves the database exactly as before.
#[track_caller]
fn assert_refused<T: std::fmt::Debug>(
    d: &mut Desk,
    actor: &Actor,
    needle: &str,
    op: impl FnOnce(&mut frontdesk::Write) -> frontdesk::Result<T>,
) {
    let before = snapshot(&d.store);
    match d.store.write(actor, op) {
        Err(e @ (Error::State(_) | Error::Denied(_))) => {
            assert!(e.to_string().contains(needle), "{e} lacks {needle:?}")
        }
        other => panic!("expected a refusal containing {needle:?}, got {other:?}"),
    }
    assert_eq!(
        before,
        snapshot(&d.store),
        "a refused operation changed data"
    );
}

fn find(d: &Desk, q: &str) -> Vec<String> {
    search::search(d.store.conn(), &d.estate.id, q, Some("customer"), 50)
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect()
}

fn list(d: &Desk, f: CustomerFilter) -> Vec<Customer> {
    customers::list(d.store.conn(), &d.estate.id, &f).unwrap()
}

fn issue(d: &mut Desk, id: &str, level: &str, card_no: Option<&str>) -> VipCard {
    let s = sup(d);
    let input = VipCardInput {
        level: Some(level.into()),
        card_no: card_no.map(str::to_string),
        note: None,
    };
    d.store
        .write(&s, |w| customers::issue_vip_card(w, id, &input))
        .unwrap()
}

fn events(d: &Desk, entity: &str, id: &str, kind: &str) -> Vec<Value> {
    d.store
        .conn()
        .prepare("SELECT data FROM events WHERE entity = ?1 AND entity_id = ?2 AND kind = ?3 ORDER BY seq")
        .unwrap()
        .query_map([entity, id, kind], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|s| serde_json::from_str(&s.unwrap()).unwrap())
        .collect()
}

#[test]
fn add_normalises_and_is_found_again() {
    let mut d = desk();
    let c = add(
        &mut d,
        json!({
            "unit": "3栋2单元1201",
            "name": "  张伟 ",
            "relation": "tenant",
            "phone": "１３８ ００１３ ８０００",
            "phone2": "(010) 6234-5678转８０１",
            "id_number": "11010519491231002x",
            "family_segment": "活跃长者",
        }),
    );
    assert_eq!(c.unit, "3-2-1201");
    assert_eq!(c.name, "张伟");
    assert_eq!(c.relation, Relation::Tenant);
    assert_eq!(c.phone.as_deref(), Some("13800138000"));
    assert_eq!(c.phone2.as_deref(), Some("01062345678-801"));
    assert_eq!(c.id_number.as_deref(), Some("11010519491231002X"));
    assert_eq!(c.family_segment.as_deref(), Some("活跃长者"));
    assert_eq!(c.tier, Tier::C);
    assert!(c.tier_reason.is_none() && c.vip_card_no.is_none() && !c.voided);
    assert_eq!(customers::get(d.store.conn(), &c.id).unwrap(), c);
    for q in ["张伟", "伟", "3-2-1201", "13800138000", "8000", "62345678"] {
        assert_eq!(find(&d, q), vec![c.id.clone()], "query {q}");
    }
    assert!(
        find(&d, "11010519").is_empty(),
        "id numbers are not searchable"
    );
    let audit = store::audit_history(d.store.conn(), "customer", &c.id).unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "insert");
    assert_eq!(audit[0].actor_id, d.clerk.staff_id);
}

#[test]
fn relation_defaults_to_owner_and_optional_fields_may_be_blank() {
    let mut d = desk();
    let c = add(
        &mut d,
        json!({"unit": "12-101", "name": "李娜", "phone": " ", "note": ""}),
    );
    assert_eq!(c.relation, Relation::Owner);
    assert_eq!(c.unit, "12-101");
    assert!(c.phone.is_none() && c.note.is_none() && c.id_number.is_none());
}

#[test]
fn odd_but_valid_text_is_stored_and_found_exactly() {
    let mut d = desk();
    for (name, note) in [
        ("😀王芳", "表情😀"),
        ("𠮷野家", "生僻字𠮷"),
        ("O'Brien", "'; DROP TABLE customers;--"),
        ("欧阳 娜娜", "a\tb\nc"),
    ] {
        let c = add(&mut d, with("name", json!(name)).tap_note(note));
        assert_eq!(c.name, name);
        assert_eq!(c.note.as_deref(), Some(note));
        let again = customers::get(d.store.conn(), &c.id).unwrap();
        assert_eq!(again.name, name);
        assert_eq!(again.note.as_deref(), Some(note));
        assert!(find(&d, name).contains(&c.id), "search {name}");
        let listed = list(
            &d,
            CustomerFilter {
                query: Some(name.into()),
                ..Default::default()
            },
        );
        assert!(listed.iter().any(|x| x.id == c.id));
    }
    assert_eq!(
        d.store
            .conn()
            .query_row("SELECT count(*) FROM customers", [], |r| r.get::<_, i64>(0))
            .unwrap(),
        4
    );
}

trait TapNote {
    fn tap_note(self, note: &str) -> Value;
}

impl TapNote for Value {
    fn tap_note(mut self, note: &str) -> Value {
        self["note"] = json!(note);
        self
    }
}

/// Every bad input of the form: (field changed, value (null = left out), error field, message).
fn bad_inputs() -> Vec<(&'static str, Value, &'static str, &'static str)> {
    vec![
        ("name", Value::Null, "name", "必填"),
        ("name", json!("   "), "name", "必填"),
        ("name", json!("张".repeat(31)), "name", "过长"),
        ("name", json!("张\u{7}伟"), "name", "控制字符"),
        ("unit", Value::Null, "unit", "必填"),
        ("unit", json!(""), "unit", "必填"),
        ("unit", json!("abc"), "unit", "格式不正确"),
        ("unit", json!("9-9-999"), "unit", "不在本小区"),
        ("relation", json!("邻居"), "relation", "不是有效的身份"),
        ("phone", json!("12345"), "phone", "不是有效的电话号码"),
        ("phone", json!("138abc00000"), "phone", "非数字"),
        ("phone", json!("1380013800"), "phone", "不是有效的电话号码"),
        ("phone2", json!("0000"), "phone2", "不是有效的电话号码"),
        (
            "id_number",
            json!("1101051949123100"),
            "id_number",
            "15 或 18",
        ),
        (
            "id_number",
            json!("11010519491X310021"),
            "id_number",
            "15 或 18",
        ),
        (
            "id_number",
            json!("A1010519491231002X"),
            "id_number",
            "15 或 18",
        ),
        (
            "id_number",
            json!("E12345678"),
            "id_number",
            "其他证件请写在备注",
        ),
        (
            "family_segment",
            json!("大家庭"),
            "family_segment",
            "不在家庭结构列表",
        ),
        ("note", json!("备".repeat(501)), "note", "过长"),
        ("note", json!("见\u{1b}[0m"), "note", "控制字符"),
        ("note", json!("x\u{2028}y"), "note", "控制字符"),
    ]
}

#[test]
fn add_rejects_every_bad_field_and_changes_nothing() {
    let mut d = desk();
    let clerk = d.clerk.clone();
    let eid = d.estate.id.clone();
    for (field, value, err_field, needle) in bad_inputs() {
        let v = with(field, value.clone());
        assert_rejected(&mut d.store, &clerk, err_field, needle, |w| {
            customers::add_customer(w, &eid, &input(v))
        });
    }
}

#[test]
fn valid_id_numbers_are_accepted() {
    let mut d = desk();
    for (i, (typed, stored)) in [
        ("110105194912310021", "110105194912310021"),
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
        ("110105491231002", "110105491231002"),
        ("110105 491231 002", "110105491231002"),
    ]
    .into_iter()
    .enumerate()
    {
        let c = add(
            &mut d,
            json!({"unit": "1-1-101", "name": format!("客户{i}"), "id_number": typed}),
        );
        assert_eq!(c.id_number.as_deref(), Some(stored), "typed {typed}");
    }
}

#[test]
fn unknown_json_fields_are_refused() {
    let r: Result<CustomerInput, _> = serde_json::from_value(json!({"name": "张伟", "tier": "A"}));
    assert!(r.is_err());
}

#[test]
fn same_name_in_one_unit_is_a_duplicate_but_not_elsewhere_or_after_void() {
    let mut d = desk();
    let clerk = d.clerk.clone();
    let s = sup(&d);
    let eid = d.estate.id.clone();
    let first = add(&mut d, good());
    assert_rejected(&mut d.store, &clerk, "name", "已有同名客户", |w| {
        customers::add_customer(w, &eid, &input(with("unit", json!("3栋2单元1201"))))
    });
    add(&mut d, with("unit", json!("3-2-1202")));
    d.store
        .write(&s, |w| {
            customers::void_customer(w, &first.id, Some("录入重复"))
        })
        .unwrap();
    let again = add(&mut d, good());
    assert_ne!(again.id, first.id);
}

#[test]
fn update_changes_given_fields_audits_the_difference_and_reindexes() {
    let mut d = desk();
    let c = add(&mut d, good());
    let clerk = d.clerk.clone();
    let after = d
        .store
        .write(&clerk, |w| {
            customers::update_customer(
                w,
                &c.id,
                &input(json!({"phone": "13900139000", "phone2": "", "relation": "家属", "unit": "1-1-102"})),
            )
        })
        .unwrap();
    assert_eq!(after.phone.as_deref(), Some("13900139000"));
    assert_eq!(after.phone2, None);
    assert_eq!(after.relation, Relation::Family);
    assert_eq!(after.unit, "1-1-102");
    assert_eq!(after.name, c.name, "left out: unchanged");
    assert_eq!(after.note, c.note);
    assert_eq!(after.id_number, c.id_number);
    let audit = store::audit_history(d.store.conn(), "customer", &c.id).unwrap();
    assert_eq!(audit.len(), 2);
    let diff: Value = serde_json::from_str(&audit[1].detail).unwrap();
    assert_eq!(diff["phone"], json!(["13800138000", "13900139000"]));
    assert_eq!(diff["unit"], json!(["3-2-1201", "1-1-102"]));
    assert!(
        diff.get("name").is_none(),
        "unchanged fields are not in the diff"
    );
    assert_eq!(find(&d, "13900139000"), vec![c.id.clone()]);
    assert!(find(&d, "13800138000").is_empty());
    assert_eq!(find(&d, "1-1-102"), vec![c.id.clone()]);
    // Nothing changed: no audit entry.
    d.store
        .write(&clerk, |w| {
            customers::update_customer(w, &c.id, &input(json!({"name": "张伟"})))
        })
        .unwrap();
    assert_eq!(
        store::audit_history(d.store.conn(), "customer", &c.id)
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn update_rejects_bad_fields_duplicates_and_voided_customers() {
    let mut d = desk();
    let c = add(&mut d, good());
    add(&mut d, with("name", json!("李娜")));
    let clerk = d.clerk.clone();
    let s = sup(&d);
    for (field, value, err_field, needle) in bad_inputs() {
        if value.is_null() {
            continue; // left out means unchanged on an edit
        }
        let mut v = json!({});
        v[field] = value;
        assert_rejected(&mut d.store, &clerk, err_field, needle, |w| {
            customers::update_customer(w, &c.id, &input(v))
        });
    }
    assert_rejected(
        &mut d.store,
        &clerk,
        "name",
        "已有同名客户“李娜”",
        |w| customers::update_customer(w, &c.id, &input(json!({"name": "李娜"}))),
    );
    d.store
        .write(&s, |w| customers::void_customer(w, &c.id, Some("搬离")))
        .unwrap();
    assert_refused(&mut d, &clerk, "已作废", |w| {
        customers::update_customer(w, &c.id, &input(json!({"note": "x"})))
    });
    let r = d.store.write(&clerk, |w| {
        customers::update_customer(w, "no-such-id", &input(json!({})))
    });
    assert!(matches!(r, Err(Error::NotFound { .. })), "{r:?}");
}

#[test]
fn void_needs_a_supervisor_and_a_reason_and_is_recorded() {
    let mut d = desk();
    let c = add(&mut d, good());
    let clerk = d.clerk.clone();
    let s = sup(&d);
    assert_refused(&mut d, &clerk, "无权", |w| {
        customers::void_customer(w, &c.id, Some("搬离"))
    });
    for reason in [None, Some(""), Some("  ")] {
        assert_rejected(&mut d.store, &s, "reason", "必填", |w| {
            customers::void_customer(w, &c.id, reason)
        });
    }
    let v = d
        .store
        .write(&s, |w| {
            customers::void_customer(w, &c.id, Some("已搬离本小区"))
        })
        .unwrap();
    assert!(v.voided);
    assert_eq!(v.void_reason.as_deref(), Some("已搬离本小区"));
    assert!(
        find(&d, "张伟").is_empty(),
        "voided customers leave the index"
    );
    assert_eq!(
        events(&d, "customer", &c.id, "status"),
        vec![json!({"from": "active", "to": "voided", "reason": "已搬离本小区"})]
    );
    let audit = store::audit_history(d.store.conn(), "customer", &c.id).unwrap();
    assert_eq!(audit.last().unwrap().action, "void");
    assert_refused(&mut d, &s, "已作废", |w| {
        customers::void_customer(w, &c.id, Some("again"))
    });
    assert!(list(&d, CustomerFilter::default()).is_empty());
    let all = list(
        &d,
        CustomerFilter {
            include_voided: true,
            ..Default::default()
        },
    );
    assert_eq!(all.len(), 1);
}

#[test]
fn list_by_unit_query_and_tier() {
    let mut d = desk();
    let tenant = add(
        &mut d,
        json!({"unit": "3-2-1201", "name": "阿租", "relation": "租户"}),
    );
    let owner = add(&mut d, json!({"unit": "3-2-1201", "name": "赵业主"}));
    let other = add(
        &mut d,
        json!({"unit": "1-1-101", "name": "钱多多", "phone": "13600136000"}),
    );
    let by_unit = list(
        &d,
        CustomerFilter {
            unit: Some("3栋2单元1201".into()),
            ..Default::default()
        },
    );
    let ids: Vec<&str> = by_unit.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [owner.id.as_str(), tenant.id.as_str()], "owners first");
    let all = list(&d, CustomerFilter::default());
    assert_eq!(all[0].id, other.id, "unit order: 1-1-101 before 3-2-1201");
    let by_phone = list(
        &d,
        CustomerFilter {
            query: Some("6000".into()),
            ..Default::default()
        },
    );
    assert_eq!(by_phone.len(), 1);
    assert_eq!(by_phone[0].id, other.id);
    let s = sup(&d);
    d.store
        .write(&s, |w| {
            customers::set_tier(
                w,
                &other.id,
                &TierInput {
                    tier: Some("B".into()),
                    reason: Some("集团员工".into()),
                },
            )
        })
        .unwrap();
    let b = list(
        &d,
        CustomerFilter {
            tier: Some("b类".into()),
            ..Default::default()
        },
    );
    assert_eq!(b.len(), 1);
    assert_eq!(
        list(
            &d,
            CustomerFilter {
                limit: Some(1),
                ..Default::default()
            }
        )
        .len(),
        1
    );
    for (filter, field, needle) in [
        (
            CustomerFilter {
                unit: Some("9-9-9".into()),
                ..Default::default()
            },
            "unit",
            "不在本小区",
        ),
        (
            CustomerFilter {
                tier: Some("E".into()),
                ..Default::default()
            },
            "tier",
            "不是有效的客户等级",
        ),
    ] {
        assert_invalid(
            customers::list(d.store.conn(), &d.estate.id, &filter),
            field,
            needle,
        );
    }
}

fn tier(t: &str, reason: &str) -> TierInput {
    TierInput {
        tier: Some(t.into()),
        reason: Some(reason.into()),
    }
}

#[test]
fn set_tier_is_for_supervisors_with_a_reason_and_is_recorded() {
    let mut d = desk();
    let c = add(&mut d, good());
    let clerk = d.clerk.clone();
    let s = sup(&d);
    assert_refused(&mut d, &clerk, "无权调整客户等级", |w| {
        customers::set_tier(w, &c.id, &tier("B", "员工"))
    });
    for (input, field, needle) in [
        (tier("B", ""), "reason", "必填"),
        (
            TierInput {
                tier: Some("B".into()),
                reason: None,
            },
            "reason",
            "必填",
        ),
        (tier("", "原因"), "tier", "必填"),
        (tier("E", "原因"), "tier", "不是有效的客户等级"),
        (tier("C", "原因"), "tier", "无需调整"),
        (tier("B", &"长".repeat(501)), "reason", "过长"),
    ] {
        assert_rejected(&mut d.store, &s, field, needle, |w| {
            customers::set_tier(w, &c.id, &input)
        });
    }
    d.clock.advance(Duration::hours(3));
    let after = d
        .store
        .write(&s, |w| {
            customers::set_tier(w, &c.id, &tier("d类", "多次无效投诉"))
        })
        .unwrap();
    assert_eq!(after.tier, Tier::D);
    assert_eq!(after.tier_reason.as_deref(), Some("多次无效投诉"));
    assert_eq!(
        after.tier_set_by.as_deref(),
        Some(d.supervisor.staff_id.as_str())
    );
    assert_eq!(after.tier_set_by_name.as_deref(), Some("王主管"));
    assert_eq!(
        after.tier_set_at.as_deref(),
        Some(frontdesk::time::to_db(d.store.now()).as_str())
    );
    assert_eq!(
        events(&d, "customer", &c.id, "tier"),
        vec![json!({"from": "C", "to": "D", "reason": "多次无效投诉"})]
    );
    let file = customers::show(d.store.conn(), &c.id, d.store.now()).unwrap();
    assert_eq!(file.tier_history.len(), 1);
    assert_eq!(file.tier_history[0].to, Tier::D);
    assert_eq!(file.tier_history[0].from, Some(Tier::C));
    assert_eq!(file.tier_history[0].by, "王主管");
    let audit = store::audit_history(d.store.conn(), "customer", &c.id).unwrap();
    let diff: Value = serde_json::from_str(&audit.last().unwrap().detail).unwrap();
    assert_eq!(diff["tier"], json!(["C", "D"]));
}

fn card_input(level: &str, card_no: Option<&str>) -> VipCardInput {
    VipCardInput {
        level: Some(level.into()),
        card_no: card_no.map(str::to_string),
        note: None,
    }
}

#[test]
fn issuing_a_card_numbers_it_raises_the_tier_and_sets_the_validity() {
    let mut d = desk();
    let a = add(&mut d, good());
    let b = add(&mut d, with("name", json!("李娜")));
    let c = add(&mut d, with("name", json!("王强")));
    let card = issue(&mut d, &a.id, "2", None);
    assert_eq!(card.card_no, "JK2001");
    assert_eq!(card.level, 2);
    assert_eq!(card.level_label, "其他");
    assert_eq!(card.issued_on, "2026-11-23");
    assert_eq!(card.expires_on, "2029-11-23");
    assert_eq!(card.status, VipCardStatus::Active);
    assert_eq!(card.reissue_count, 0);
    assert_eq!(issue(&mut d, &b.id, "其他", None).card_no, "JK2002");
    assert_eq!(issue(&mut d, &c.id, "政府官员", None).card_no, "JK1001");
    let a2 = customers::get(d.store.conn(), &a.id).unwrap();
    assert_eq!(a2.tier, Tier::A);
    assert_eq!(a2.tier_reason.as_deref(), Some("发放VIP卡"));
    assert_eq!(a2.vip_card_no.as_deref(), Some("JK2001"));
    assert_eq!(a2.vip_expires_on.as_deref(), Some("2029-11-23"));
    assert_eq!(
        events(&d, "customer", &a.id, "tier"),
        vec![json!({"from": "C", "to": "A", "reason": "发放VIP卡"})]
    );
    assert_eq!(events(&d, "vip_card", &card.id, "status").len(), 1);
    assert_eq!(
        store::audit_history(d.store.conn(), "vip_card", &card.id)
            .unwrap()
            .len(),
        1
    );
    // Found by card number, in search and as a key.
    assert_eq!(find(&d, "JK2001"), vec![a.id.clone()]);
    assert_eq!(customers::get(d.store.conn(), "jk2001").unwrap().id, a.id);
    // One active card per customer.
    let s = sup(&d);
    assert_refused(&mut d, &s, "只能有一张有效卡", |w| {
        customers::issue_vip_card(w, &a.id, &card_input("2", None))
    });
}

#[test]
fn a_customer_already_a_keeps_tier_history_clean_when_given_a_card() {
    let mut d = desk();
    let a = add(&mut d, good());
    let s = sup(&d);
    d.store
        .write(&s, |w| {
            customers::set_tier(w, &a.id, &tier("A", "重大贡献"))
        })
        .unwrap();
    issue(&mut d, &a.id, "0", None);
    let after = customers::get(d.store.conn(), &a.id).unwrap();
    assert_eq!(after.tier_reason.as_deref(), Some("重大贡献"));
    assert_eq!(events(&d, "customer", &a.id, "tier").len(), 1);
    assert_eq!(after.vip_card_no.as_deref(), Some("JK0001"));
}

#[test]
fn given_card_numbers_are_checked() {
    let mut d = desk();
    let a = add(&mut d, good());
    let b = add(&mut d, with("name", json!("李娜")));
    assert_eq!(
        issue(&mut d, &a.id, "1", Some(" jk１００５ ")).card_no,
        "JK1005"
    );
    let s = sup(&d);
    for (level, no, field, needle) in [
        ("1", "JK1005", "card_no", "VIP卡号已存在"),
        ("1", "jk1005", "card_no", "VIP卡号已存在"),
        ("2", "JK20", "card_no", "格式不正确"),
        ("2", "JK20011", "card_no", "格式不正确"),
        ("2", "J12001", "card_no", "格式不正确"),
        ("2", "AB2001", "card_no", "应以集团代码 JK 开头"),
        ("2", "JK1001", "card_no", "与所选级别"),
        ("2", "JK2000", "card_no", "001–999"),
        ("3", "JK2001", "level", "不是有效的VIP级别"),
        ("", "JK2001", "level", "必填"),
    ] {
        assert_rejected(&mut d.store, &s, field, needle, |w| {
            customers::issue_vip_card(w, &b.id, &card_input(level, Some(no)))
        });
    }
    let clerk = d.clerk.clone();
    assert_refused(&mut d, &clerk, "无权发放VIP卡", |w| {
        customers::issue_vip_card(w, &b.id, &card_input("2", None))
    });
}

#[test]
fn automatic_numbers_fill_gaps_follow_the_policy_and_run_out() {
    let mut d = desk();
    let a = add(&mut d, good());
    let b = add(&mut d, with("name", json!("李娜")));
    let c = add(&mut d, with("name", json!("王强")));
    issue(&mut d, &a.id, "2", Some("JK2002"));
    assert_eq!(issue(&mut d, &b.id, "2", None).card_no, "JK2001");
    // Another group code in the policy.
    let s = sup(&d);
    let eid = d.estate.id.clone();
    d.store
        .write(&s, |w| {
            let mut p = policy::current(&w.tx, &eid)?.policy;
            p.vip.group_code = "LF".into();
            p.vip.validity_years = 2;
            policy::save(w, &eid, &p, Some("集团代码变更"))
        })
        .unwrap();
    let lf = issue(&mut d, &c.id, "0", None);
    assert_eq!(lf.card_no, "LF0001");
    assert_eq!(lf.expires_on, "2028-11-23");
    // All 999 numbers of a level used (by old cards of one customer).
    let d2 = add(&mut d, with("name", json!("赵六")));
    d.store
        .conn()
        .execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
             INSERT INTO vip_cards(id, customer_id, card_no, level, issued_on, expires_on, status,
                 created_at, created_by, updated_at, updated_by)
             SELECT 'old' || i, ?1, printf('LF1%03d', i), 1, '2000-01-01', '2003-01-01', 'revoked',
                 'x', 'x', 'x', 'x' FROM n",
            [&d2.id],
        )
        .unwrap();
    assert_rejected(&mut d.store, &s, "card_no", "已全部用完", |w| {
        customers::issue_vip_card(w, &d2.id, &card_input("1", None))
    });
    assert_eq!(issue(&mut d, &d2.id, "2", None).card_no, "LF2001");
}

#[test]
fn lost_cards_are_reissued_under_the_same_number() {
    let mut d = desk();
    let a = add(&mut d, good());
    let b = add(&mut d, with("name", json!("李娜")));
    let card = issue(&mut d, &a.id, "2", None);
    let s = sup(&d);
    let again = d
        .store
        .write(&s, |w| customers::reissue_lost_card(w, &a.id, None))
        .unwrap();
    assert_eq!(again.card_no, card.card_no);
    assert_eq!(again.id, card.id);
    assert_eq!(again.reissue_count, 1);
    assert_eq!(again.expires_on, card.expires_on);
    let twice = d
        .store
        .write(&s, |w| {
            customers::reissue_lost_card(w, "JK2001", Some("被盗"))
        })
        .unwrap();
    assert_eq!(twice.reissue_count, 2);
    assert_eq!(
        events(&d, "vip_card", &card.id, "reissue"),
        vec![
            json!({"count": 1, "reason": "遗失补办"}),
            json!({"count": 2, "reason": "被盗"})
        ]
    );
    let clerk = d.clerk.clone();
    assert_refused(&mut d, &clerk, "无权补办VIP卡", |w| {
        customers::reissue_lost_card(w, &a.id, None)
    });
    assert_refused(&mut d, &s, "没有有效的VIP卡", |w| {
        customers::reissue_lost_card(w, &b.id, None)
    });
    assert_rejected(&mut d.store, &s, "reason", "控制字符", |w| {
        customers::reissue_lost_card(w, &a.id, Some("丢\u{0}失"))
    });
    d.clock.advance(Duration::days(3 * 366));
    assert_refused(&mut d, &s, "已于 2029-11-23 到期", |w| {
        customers::reissue_lost_card(w, &a.id, None)
    });
}

fn renew_input(note: Option<&str>, level: Option<&str>, card_no: Option<&str>) -> VipCardInput {
    VipCardInput {
        level: level.map(str::to_string),
        card_no: card_no.map(str::to_string),
        note: note.map(str::to_string),
    }
}

#[test]
fn renewal_opens_sixty_days_before_expiry_and_gives_a_new_card() {
    let mut d = desk();
    let a = add(&mut d, good());
    let old = issue(&mut d, &a.id, "2", None);
    let s = sup(&d);
    assert_refused(&mut d, &s, "60 天", |w| {
        customers::renew_vip_card(w, &a.id, &renew_input(Some("复核合格"), None, None))
    });
    // 2029-09-24 is 60 days before 2029-11-23: the first day renewal is allowed.
    d.clock
        .set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2029, 9, 23, 1, 0, 0).unwrap());
    assert_refused(&mut d, &s, "2029-09-24 起", |w| {
        customers::renew_vip_card(w, &a.id, &renew_input(Some("复核合格"), None, None))
    });
    d.clock.advance(Duration::days(1));
    for (input, field, needle) in [
        (renew_input(None, None, None), "note", "必填"),
        (renew_input(Some(" "), None, None), "note", "必填"),
        (
            renew_input(Some("合格"), Some("9"), None),
            "level",
            "不是有效的VIP级别",
        ),
        (
            renew_input(Some("合格"), None, Some("JK2001")),
            "card_no",
            "VIP卡号已存在",
        ),
    ] {
        assert_rejected(&mut d.store, &s, field, needle, |w| {
            customers::renew_vip_card(w, &a.id, &input)
        });
    }
    let clerk = d.clerk.clone();
    assert_refused(&mut d, &clerk, "无权", |w| {
        customers::renew_vip_card(w, &a.id, &renew_input(Some("合格"), None, None))
    });
    let new = d
        .store
        .write(&s, |w| {
            customers::renew_vip_card(
                w,
                &a.id,
                &renew_input(Some("复核：仍为重点客户"), None, None),
            )
        })
        .unwrap();
    assert_eq!(new.card_no, "JK2002");
    assert_eq!(new.issued_on, "2029-09-24");
    assert_eq!(new.expires_on, "2032-09-24");
    assert_eq!(new.renewed_from.as_deref(), Some(old.id.as_str()));
    assert_eq!(new.note.as_deref(), Some("复核：仍为重点客户"));
    let file = customers::show(d.store.conn(), &a.id, d.store.now()).unwrap();
    assert_eq!(file.customer.vip_card_no.as_deref(), Some("JK2002"));
    assert_eq!(file.customer.tier, Tier::A);
    assert_eq!(file.vip_cards.len(), 2);
    assert_eq!(file.vip_cards[1].status, VipCardStatus::Renewed);
    assert_eq!(
        events(&d, "vip_card", &old.id, "status").last().unwrap(),
        &json!({"from": "active", "to": "renewed", "reason": "复核：仍为重点客户"})
    );
    // The old number still finds the customer.
    assert_eq!(customers::get(d.store.conn(), "JK2001").unwrap().id, a.id);
    // After expiry renewal is allowed too, with a level change and a given number.
    d.clock.advance(Duration::days(4 * 366));
    let third = d
        .store
        .write(&s, |w| {
            customers::renew_vip_card(
                w,
                &a.id,
                &renew_input(Some("复核"), Some("1"), Some("JK1888")),
            )
        })
        .unwrap();
    assert_eq!(third.card_no, "JK1888");
    assert_eq!(third.level, 1);
}

#[test]
fn revoking_vip_revokes_the_card_and_sets_the_tier() {
    let mut d = desk();
    let a = add(&mut d, good());
    let b = add(&mut d, with("name", json!("李娜")));
    let card = issue(&mut d, &a.id, "2", None);
    let s = sup(&d);
    d.store
        .write(&s, |w| customers::set_vip_assistant(w, &a.id, Some("zhao")))
        .unwrap();
    // A card holder cannot be moved off A by a plain tier change.
    assert_rejected(&mut d.store, &s, "tier", "取消VIP资格", |w| {
        customers::set_tier(w, &a.id, &tier("B", "降级"))
    });
    for (input, field, needle) in [
        (RevokeInput::default(), "reason", "必填"),
        (
            RevokeInput {
                reason: Some("恶意欠费".into()),
                tier: Some("A".into()),
            },
            "tier",
            "不能仍为A类",
        ),
        (
            RevokeInput {
                reason: Some("恶意欠费".into()),
                tier: Some("Z".into()),
            },
            "tier",
            "不是有效的客户等级",
        ),
    ] {
        assert_rejected(&mut d.store, &s, field, needle, |w| {
            customers::revoke_vip(w, &a.id, &input)
        });
    }
    let clerk = d.clerk.clone();
    assert_refused(&mut d, &clerk, "无权取消VIP资格", |w| {
        customers::revoke_vip(
            w,
            &a.id,
            &RevokeInput {
                reason: Some("x".into()),
                tier: None,
            },
        )
    });
    assert_refused(&mut d, &s, "不是VIP客户", |w| {
        customers::revoke_vip(
            w,
            &b.id,
            &RevokeInput {
                reason: Some("x".into()),
                tier: None,
            },
        )
    });
    let after = d
        .store
        .write(&s, |w| {
            customers::revoke_vip(
                w,
                &a.id,
                &RevokeInput {
                    reason: Some("恶意拖欠物业费".into()),
                    tier: None,
                },
            )
        })
        .unwrap();
    assert_eq!(after.tier, Tier::C);
    assert_eq!(
        after.tier_reason.as_deref(),
        Some("取消VIP资格：恶意拖欠物业费")
    );
    assert!(after.vip_card_no.is_none());
    assert!(after.vip_assistant.is_none(), "assistant cleared");
    let file = customers::show(d.store.conn(), &a.id, d.store.now()).unwrap();
    assert_eq!(file.vip_cards[0].status, VipCardStatus::Revoked);
    assert_eq!(
        file.vip_cards[0].revoke_reason.as_deref(),
        Some("恶意拖欠物业费")
    );
    // The number is never given again.
    assert_rejected(&mut d.store, &s, "card_no", "VIP卡号已存在", |w| {
        customers::issue_vip_card(w, &b.id, &card_input("2", Some(&card.card_no)))
    });
    assert_eq!(issue(&mut d, &b.id, "2", None).card_no, "JK2002");
    // Tier A without a card, revoked to D.
    let c = add(&mut d, with("name", json!("王强")));
    d.store
        .write(&s, |w| {
            customers::set_tier(w, &c.id, &tier("A", "政府官员"))
        })
        .unwrap();
    let c2 = d
        .store
        .write(&s, |w| {
            customers::revoke_vip(
                w,
                &c.id,
                &RevokeInput {
                    reason: Some("损害集团利益".into()),
                    tier: Some("D".into()),
                },
            )
        })
        .unwrap();
    assert_eq!(c2.tier, Tier::D);
}

#[test]
fn vip_holders_must_be_revoked_before_void() {
    let mut d = desk();
    let a = add(&mut d, good());
    issue(&mut d, &a.id, "2", None);
    let s = sup(&d);
    assert_refused(&mut d, &s, "请先取消VIP资格", |w| {
        customers::void_customer(w, &a.id, Some("搬离"))
    });
}

#[test]
fn vip_assistant_is_named_for_vips_only() {
    let mut d = desk();
    let a = add(&mut d, good());
    let b = add(&mut d, with("name", json!("李娜")));
    issue(&mut d, &a.id, "2", None);
    let s = sup(&d);
    let clerk = d.clerk.clone();
    assert_refused(&mut d, &s, "只能为A类", |w| {
        customers::set_vip_assistant(w, &b.id, Some("zhao"))
    });
    assert_refused(&mut d, &clerk, "无权", |w| {
        customers::set_vip_assistant(w, &a.id, Some("zhao"))
    });
    assert_rejected(&mut d.store, &s, "assistant", "未知员工", |w| {
        customers::set_vip_assistant(w, &a.id, Some("nobody"))
    });
    let c = d
        .store
        .write(&s, |w| {
            customers::set_vip_assistant(w, &a.id, Some("赵协调"))
        })
        .unwrap();
    assert_eq!(c.vip_assistant.as_deref(), Some("赵协调"));
    assert_eq!(
        c.vip_assistant_id.as_deref(),
        Some(d.coordinator.staff_id.as_str())
    );
    let c = d
        .store
        .write(&s, |w| customers::set_vip_assistant(w, &a.id, None))
        .unwrap();
    assert!(c.vip_assistant.is_none());
}

#[test]
fn vip_register_lists_cards_and_those_expiring() {
    let mut d = desk();
    let a = add(&mut d, good());
    let b = add(&mut d, with("name", json!("李娜")));
    let c = add(&mut d, with("name", json!("王强")));
    issue(&mut d, &a.id, "2", None); // 2026-11-23 → 2029-11-23
    let s = sup(&d);
    d.store
        .write(&s, |w| customers::set_vip_assistant(w, &a.id, Some("zhao")))
        .unwrap();
    d.clock.advance(Duration::days(365)); // 2027-11-23
    issue(&mut d, &b.id, "0", None); // → 2030-11-23
    issue(&mut d, &c.id, "1", None); // → 2030-11-23
    d.store
        .write(&s, |w| {
            customers::revoke_vip(
                w,
                &c.id,
                &RevokeInput {
                    reason: Some("欠费".into()),
                    tier: None,
                },
            )
        })
        .unwrap();
    let reg = |d: &Desk, f: VipFilter| {
        customers::vip_register(d.store.conn(), &d.estate.id, d.store.now(), &f).unwrap()
    };
    let all = reg(&d, VipFilter::default());
    let nos: Vec<&str> = all.iter().map(|l| l.card_no.as_str()).collect();
    assert_eq!(nos, ["JK0001", "JK2001"], "active cards, by number");
    let jk2001 = &all[1];
    assert_eq!(jk2001.customer, "张伟");
    assert_eq!(jk2001.unit, "3-2-1201");
    assert_eq!(jk2001.phone.as_deref(), Some("13800138000"));
    assert_eq!(jk2001.level_label, "其他");
    assert_eq!(jk2001.assistant.as_deref(), Some("赵协调"));
    assert_eq!(jk2001.days_to_expiry, 731); // 2027-11-23 → 2029-11-23
    let with_inactive = reg(
        &d,
        VipFilter {
            include_inactive: true,
            ..Default::default()
        },
    );
    assert_eq!(with_inactive.len(), 3);
    assert!(with_inactive
        .iter()
        .any(|l| l.card_no == "JK1001" && l.status == VipCardStatus::Revoked));
    // Expiring within N days: the limit is inclusive; expired cards stay listed.
    for (days, expect) in [
        (730, vec![]),
        (731, vec!["JK2001"]),
        (1096, vec!["JK2001", "JK0001"]),
    ] {
        let got = reg(
            &d,
            VipFilter {
                expiring_within_days: Some(days),
                include_inactive: true,
            },
        );
        let nos: Vec<&str> = got.iter().map(|l| l.card_no.as_str()).collect();
        assert_eq!(nos, expect, "within {days} days");
    }
    d.clock.advance(Duration::days(800));
    let due = reg(
        &d,
        VipFilter {
            expiring_within_days: Some(0),
            ..Default::default()
        },
    );
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].card_no, "JK2001");
    assert_eq!(due[0].days_to_expiry, -69);
    assert_invalid(
        customers::vip_register(
            d.store.conn(),
            &d.estate.id,
            d.store.now(),
            &VipFilter {
                expiring_within_days: Some(-1),
                ..Default::default()
            },
        ),
        "expiring_within_days",
        "0–36500",
    );
}

#[test]
fn the_audit_chain_holds_after_every_flow() {
    let mut d = desk();
    let a = add(&mut d, good());
    issue(&mut d, &a.id, "2", None);
    let s = sup(&d);
    d.store
        .write(&s, |w| customers::reissue_lost_card(w, &a.id, None))
        .unwrap();
    d.store
        .write(&s, |w| {
            customers::revoke_vip(
                w,
                &a.id,
                &RevokeInput {
                    reason: Some("欠费".into()),
                    tier: Some("D".into()),
                },
            )
        })
        .unwrap();
    d.store
        .write(&s, |w| customers::void_customer(w, &a.id, Some("搬离")))
        .unwrap();
    assert!(d.store.verify().unwrap().ok());
}

#[test]
fn the_vip_form_prints_what_is_on_file_masked_unless_disclosed() {
    use frontdesk::documents::{pdf, Disclosure};
    let mut d = desk();
    let a = add(&mut d, good());
    let card = issue(&mut d, &a.id, "2", None);
    let dir = scratch("vip-form");
    let masked = pdf::vip_form(
        d.store.conn(),
        &card.card_no,
        Disclosure::Masked,
        d.store.now(),
        &dir.join("masked.pdf"),
    )
    .unwrap();
    assert_eq!(masked.pages, 1);
    let text = crate::documents_pdf::read(&dir.join("masked.pdf")).text();
    for want in [
        "VIP客户登记表",
        "VIP卡号：JK2001",
        "张伟",
        "3-2-1201",
        "138****8000",
        "110105********002X",
        "2029-11-23",
        "以下由客户如实填写",
        "工作单位",
        "客户签名",
        "JK2001",
    ] {
        assert!(text.contains(want), "{want} missing from\n{text}");
    }
    assert!(!text.contains("13800138000") && !text.contains("11010519491231002X"));
    pdf::vip_form(
        d.store.conn(),
        &a.id,
        Disclosure::Full,
        d.store.now(),
        &dir.join("full.pdf"),
    )
    .unwrap();
    let full = crate::documents_pdf::read(&dir.join("full.pdf")).text();
    assert!(full.contains("13800138000") && full.contains("11010519491231002X"));
    // A customer not in the register: the key named in the message.
    assert!(pdf::vip_form(
        d.store.conn(),
        "JK9999",
        Disclosure::Masked,
        d.store.now(),
        &dir.join("none.pdf")
    )
    .is_err());
    assert!(!dir.join("none.pdf").exists());
}
