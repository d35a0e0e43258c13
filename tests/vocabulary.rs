//! The desk's vocabulary read: every role with its label, supervisors as the core decides them,
//! and codes as the wire carries them.

use frontdesk::app::vocabulary;
use frontdesk::backup::BackupKind;
use frontdesk::calendar::DaySource;
use frontdesk::policy;
use frontdesk::vocab::{ComplaintStatus, Role};
use frontdesk::Actor;

use crate::common::*;

#[test]
fn every_role_is_listed_with_its_label_in_display_order() {
    let v = vocabulary::read();
    let roles: Vec<(&str, &str)> = Role::ALL.iter().map(|r| (r.code(), r.label())).collect();
    assert_eq!(v.role, roles);
    assert_eq!(v.role[0], ("receptionist", "前台接待员"));
    assert_eq!(
        v.complaint_status.last(),
        Some(&(ComplaintStatus::Voided.code(), "已作废"))
    );
}

#[test]
fn supervisors_are_exactly_the_roles_that_may_change_the_policy() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let supervisors = vocabulary::read().supervisors;
    for &role in Role::ALL {
        let actor = Actor {
            role,
            ..d.supervisor.clone()
        };
        let saved = d.store.write(&actor, |w| {
            let current = policy::current(&w.tx, &eid)?.policy;
            policy::save(w, &eid, &current, Some("岗位检查"))
        });
        assert_eq!(
            saved.is_ok(),
            supervisors.contains(&role),
            "{}: {saved:?}",
            role.label()
        );
    }
}

#[test]
fn codes_are_the_words_on_the_wire() {
    let v = vocabulary::read();
    let wire = |x: serde_json::Value| x.as_str().unwrap().to_string();
    for (kind, (code, _)) in BackupKind::ALL.iter().zip(&v.backup_kind) {
        assert_eq!(wire(serde_json::to_value(kind).unwrap()), *code);
    }
    for (source, (code, _)) in DaySource::ALL.iter().zip(&v.day_source) {
        assert_eq!(wire(serde_json::to_value(source).unwrap()), *code);
    }
    assert_eq!(v.backup_kind.len(), BackupKind::ALL.len());
    assert_eq!(v.day_source.len(), DaySource::ALL.len());
    assert_eq!(
        serde_json::to_value(&v).unwrap()["supervisors"][0],
        "supervisor"
    );
}
