//! Estate set-up, staff, log-in, units, policy.

use crate::common::*;
use frontdesk::estate::{self, EstateInput, StaffInput};
use frontdesk::{auth, setup, Error, Store};

#[test]
fn fixture_builds_estate_with_staff_and_units() {
    let d = desk();
    assert_eq!(d.estate.slip_title, "龙湖花园协调单");
    assert_eq!(
        estate::departments(d.store.conn(), &d.estate.id)
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        estate::staff_list(d.store.conn(), &d.estate.id)
            .unwrap()
            .len(),
        4
    );
    let units = estate::units(d.store.conn(), &d.estate.id).unwrap();
    assert_eq!(units.len(), UNITS.len());
    assert_eq!(units[0].code, "1-1-101");
}

/// The first set-up: the estate, the default departments and a supervisor who can sign in, in one
/// write (a bad password leaves the database empty); once set up, neither a second set-up nor demo
/// or practice data is accepted.
#[test]
fn first_set_up_runs_once_and_whole() {
    let mut store = Store::open_in_memory().unwrap();
    store.set_clock(frontdesk::time::Clock::fixed(t0()));
    let init = |store: &mut Store, password: &str| {
        setup::init(store, "龙湖花园", "LH", None, "wang", "王主管", password)
    };
    assert_invalid(init(&mut store, "12345"), "password", "至少 6 位");
    assert!(estate::estates(store.conn()).unwrap().is_empty());

    let e = init(&mut store, PASSWORD).unwrap();
    let mut departments: Vec<String> = estate::departments(store.conn(), &e.id)
        .unwrap()
        .into_iter()
        .map(|d| d.name)
        .collect();
    let mut expected = setup::DEFAULT_DEPARTMENTS.to_vec();
    departments.sort();
    expected.sort();
    assert_eq!(departments, expected);
    let sup = auth::login(&mut store, "wang", PASSWORD).unwrap();
    assert_eq!(sup.name, "王主管");

    let refused = |r: frontdesk::Result<()>| match r {
        Err(Error::State(m)) => assert!(m.contains("不能重复初始化"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    };
    refused(init(&mut store, PASSWORD).map(drop));
    refused(frontdesk::demo::load(&mut store, frontdesk::demo::DEMO_SEED).map(drop));
    refused(frontdesk::demo::practice(&mut store).map(drop));
    assert_eq!(estate::estates(store.conn()).unwrap().len(), 1);
}

#[test]
fn estate_code_must_be_unique_and_well_formed() {
    let mut d = desk();
    let sup = d.supervisor.clone();
    assert_rejected(&mut d.store, &sup, "code", "已被使用", |w| {
        estate::create_estate(
            w,
            &EstateInput {
                name: Some("别的".into()),
                code: Some("lh".into()),
                slip_title: None,
            },
        )
    });
    assert_rejected(&mut d.store, &sup, "code", "字母或数字", |w| {
        estate::create_estate(
            w,
            &EstateInput {
                name: Some("别的".into()),
                code: Some("L".into()),
                slip_title: None,
            },
        )
    });
    assert_rejected(&mut d.store, &sup, "name", "必填", |w| {
        estate::create_estate(
            w,
            &EstateInput {
                name: Some("  ".into()),
                code: Some("XY".into()),
                slip_title: None,
            },
        )
    });
}

#[test]
fn staff_input_is_checked_field_by_field() {
    let mut d = desk();
    let sup = d.supervisor.clone();
    let eid = d.estate.id.clone();
    let base = StaffInput {
        login: Some("qian".into()),
        name: Some("钱前台".into()),
        role: Some("前台接待员".into()),
        department: Some("客服中心".into()),
        phone: None,
        password: Some("abcdef".into()),
    };
    let cases: Vec<(StaffInput, &str, &str)> = vec![
        (
            StaffInput {
                login: Some("li".into()),
                ..base.clone()
            },
            "login",
            "已被使用",
        ),
        (
            StaffInput {
                login: None,
                ..base.clone()
            },
            "login",
            "必填",
        ),
        (
            StaffInput {
                role: Some("保安队长".into()),
                ..base.clone()
            },
            "role",
            "不是有效的岗位",
        ),
        (
            StaffInput {
                department: Some("财务部".into()),
                ..base.clone()
            },
            "department",
            "未知部门",
        ),
        (
            StaffInput {
                phone: Some("12345".into()),
                ..base.clone()
            },
            "phone",
            "不是有效的电话号码",
        ),
        (
            StaffInput {
                password: Some("123".into()),
                ..base.clone()
            },
            "password",
            "至少 6 位",
        ),
        (
            StaffInput {
                name: Some("钱\u{7}".into()),
                ..base.clone()
            },
            "name",
            "控制字符",
        ),
    ];
    for (input, field, needle) in cases {
        let eid = eid.clone();
        assert_rejected(&mut d.store, &sup, field, needle, move |w| {
            estate::add_staff(w, &eid, &input)
        });
    }
    let s = d
        .store
        .write(&sup, |w| estate::add_staff(w, &eid, &base))
        .unwrap();
    assert_eq!(s.role.label(), "前台接待员");
}

#[test]
fn clerk_cannot_add_staff() {
    let mut d = desk();
    let clerk = d.clerk.clone();
    let eid = d.estate.id.clone();
    let r = d
        .store
        .write(&clerk, |w| estate::add_department(w, &eid, Some("财务部")));
    assert!(matches!(r, Err(Error::Denied(_))), "{r:?}");
}

#[test]
fn login_rejects_wrong_password_and_locks_after_five() {
    let mut d = desk();
    assert!(matches!(
        auth::login(&mut d.store, "nobody", PASSWORD),
        Err(Error::Denied(_))
    ));
    for _ in 0..auth::MAX_FAILED_LOGINS {
        let e = auth::login(&mut d.store, "li", "wrong-pass").unwrap_err();
        assert_eq!(e.to_string(), "用户名或密码错误");
    }
    let e = auth::login(&mut d.store, "li", PASSWORD).unwrap_err();
    assert!(e.to_string().contains("已锁定"), "{e}");
    let sup = d.supervisor.clone();
    d.store
        .write(&sup, |w| estate::set_password(w, "li", "newpass1"))
        .unwrap();
    assert_eq!(
        auth::login(&mut d.store, "li", "newpass1").unwrap().name,
        "李前台"
    );
}

#[test]
fn voided_staff_cannot_log_in_and_record_stays() {
    let mut d = desk();
    let sup = d.supervisor.clone();
    assert_rejected(&mut d.store, &sup, "reason", "必填", |w| {
        estate::void_staff(w, "li", None)
    });
    d.store
        .write(&sup, |w| estate::void_staff(w, "li", Some("离职")))
        .unwrap();
    assert!(auth::login(&mut d.store, "li", PASSWORD)
        .unwrap_err()
        .to_string()
        .contains("停用"));
    let s = estate::find_staff(d.store.conn(), "li").unwrap();
    assert!(!s.active);
}

#[test]
fn units_parse_common_spellings() {
    let mut d = desk();
    let sup = d.supervisor.clone();
    let eid = d.estate.id.clone();
    for (typed, canonical) in [
        ("5栋1单元502", "5-1-502"),
        ("6号楼2单元1101室", "6-2-1101"),
        ("Ａ座１２０１", "A-1201"),
        ("８－３－３０１", "8-3-301"),
    ] {
        let u = d
            .store
            .write(&sup, |w| estate::add_unit(w, &eid, typed, None))
            .unwrap();
        assert_eq!(u.code, canonical, "{typed}");
    }
    for bad in ["", "3--1", "三栋一单元", "1-1-1-1", "3-2-12'01"] {
        let eid = eid.clone();
        let needle = if bad.is_empty() {
            "必填"
        } else {
            "格式不正确"
        };
        assert_rejected(&mut d.store, &sup, "unit", needle, move |w| {
            estate::add_unit(w, &eid, bad, None)
        });
    }
    assert_rejected(&mut d.store, &sup, "unit", "已存在", |w| {
        estate::add_unit(w, &eid, "3栋2单元1201", None)
    });
}

#[test]
fn policy_is_versioned_and_round_trips_through_toml() {
    use frontdesk::policy;
    let mut d = desk();
    let sup = d.supervisor.clone();
    let eid = d.estate.id.clone();
    let v0 = policy::current(d.store.conn(), &eid).unwrap();
    assert_eq!(v0.version, 0);
    let text = policy::to_toml(&v0.policy).unwrap();
    assert!(text.contains("validity_years = 3"), "{text}");
    assert!(text.contains("slip_paper = \"a5_landscape\""), "{text}");
    assert!(text.contains("idle_minutes = 15"), "{text}");
    let a4 = policy::from_toml(&text.replace("\"a5_landscape\"", "\"a4\"")).unwrap();
    assert_eq!(a4.documents.slip_paper, policy::SlipPaper::A4);
    let mut edited =
        policy::from_toml(&text.replace("validity_years = 3", "validity_years = 5")).unwrap();
    assert_eq!(edited.vip.validity_years, 5);
    let v = d
        .store
        .write(&sup, |w| policy::save(w, &eid, &edited, Some("改为5年")))
        .unwrap();
    assert_eq!(v, 1);
    assert_eq!(
        policy::current(d.store.conn(), &eid)
            .unwrap()
            .policy
            .vip
            .validity_years,
        5
    );
    // Bad values are refused by field, and nothing is saved.
    let mut idle = edited.clone();
    idle.session.idle_minutes = 0;
    assert_rejected(&mut d.store, &sup, "session.idle_minutes", "分钟", |w| {
        policy::save(w, &eid, &idle, None)
    });
    edited.vip.group_code = "J1".into();
    let bad = edited.clone();
    assert_rejected(&mut d.store, &sup, "vip.group_code", "大写字母", |w| {
        policy::save(w, &eid, &bad, None)
    });
    assert!(matches!(
        policy::from_toml("x = ["),
        Err(frontdesk::Error::Invalid {
            field: "policy",
            ..
        })
    ));
    // A clerk may not change policy.
    let clerk = d.clerk.clone();
    let p = policy::Policy::default();
    assert!(matches!(
        d.store.write(&clerk, |w| policy::save(w, &eid, &p, None)),
        Err(frontdesk::Error::Denied(_))
    ));
}
