//! Who sees which personal data: masked lists for the desk, full numbers for supervisors, D-tier
//! reasons for supervisors only; redaction never changes what is stored.

use frontdesk::customers::{self, CustomerInput, TierInput};
use frontdesk::intake;
use frontdesk::privacy::{redacted, View, HIDDEN_REASON};

use crate::common::*;

const PHONE: &str = "13800138000";
const MASKED: &str = "138****8000";
const ID_NO: &str = "44010619900101123X";
const ID_MASKED: &str = "440106********123X";
const REASON: &str = "恶意拖欠物业费三年";

#[test]
fn each_role_sees_what_its_rights_allow() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let c = d
        .store
        .write(&d.clerk.clone(), |w| {
            customers::add_customer(
                w,
                &eid,
                &CustomerInput {
                    unit: Some("3-2-1201".into()),
                    name: Some("赵四".into()),
                    phone: Some(PHONE.into()),
                    id_number: Some(ID_NO.into()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let tier = TierInput {
        tier: Some("D".into()),
        reason: Some(REASON.into()),
    };
    d.store
        .write(&d.supervisor.clone(), |w| {
            customers::set_tier(w, &c.id, &tier)
        })
        .unwrap();
    let stored = snapshot(&d.store);

    // viewer, view, phone shown, id number shown, D-tier reason shown
    let cases = [
        (&d.clerk, View::List, MASKED, ID_MASKED, HIDDEN_REASON),
        (&d.clerk, View::Record, PHONE, ID_MASKED, HIDDEN_REASON),
        (&d.repairer, View::List, MASKED, ID_MASKED, HIDDEN_REASON),
        (&d.supervisor, View::List, PHONE, ID_NO, REASON),
        (&d.supervisor, View::Record, PHONE, ID_NO, REASON),
    ];
    let conn = d.store.conn();
    for (viewer, view, phone, id_no, reason) in cases {
        let who = format!("{} {view:?}", viewer.name);
        let file = redacted(customers::show(conn, &c.id, t0()).unwrap(), viewer, view);
        assert_eq!(file.customer.phone.as_deref(), Some(phone), "{who}");
        assert_eq!(file.customer.id_number.as_deref(), Some(id_no), "{who}");
        assert_eq!(file.customer.tier_reason.as_deref(), Some(reason), "{who}");
        let d_change = file
            .tier_history
            .iter()
            .find(|t| t.to.code() == "D")
            .unwrap();
        assert_eq!(d_change.reason.as_deref(), Some(reason), "{who}");

        let filter = customers::CustomerFilter::default();
        let list = redacted(customers::list(conn, &eid, &filter).unwrap(), viewer, view);
        let row = list.iter().find(|x| x.id == c.id).unwrap();
        assert_eq!(row.phone.as_deref(), Some(phone), "{who}");

        let found = redacted(
            intake::lookup(conn, &eid, "8000", t0()).unwrap(),
            viewer,
            view,
        );
        let card = found.customers.iter().find(|x| x.id == c.id).unwrap();
        assert_eq!(card.phone.as_deref(), Some(phone), "{who}");
    }
    assert_eq!(stored, snapshot(&d.store), "redaction changed the register");
}

#[test]
fn a_d_tier_reason_is_hidden_but_other_reasons_are_not() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let c = d
        .store
        .write(&d.clerk.clone(), |w| {
            customers::add_customer(
                w,
                &eid,
                &CustomerInput {
                    unit: Some("1-1-101".into()),
                    name: Some("钱五".into()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let tier = TierInput {
        tier: Some("B".into()),
        reason: Some("集团员工".into()),
    };
    d.store
        .write(&d.supervisor.clone(), |w| {
            customers::set_tier(w, &c.id, &tier)
        })
        .unwrap();
    let file = redacted(
        customers::show(d.store.conn(), &c.id, d.store.now()).unwrap(),
        &d.clerk,
        View::List,
    );
    assert_eq!(file.customer.tier_reason.as_deref(), Some("集团员工"));
    assert_eq!(file.customer.phone, None);
}

/// A phone number typed into a record's text shows masked in a search hit's title for the desk,
/// whole for a supervisor; the stored record keeps it.
#[test]
fn search_hits_mask_phones_typed_into_text_for_the_desk() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let input = intake::IntakeInput {
        channel: Some("来电".into()),
        kind: Some("咨询".into()),
        content: Some(format!("请回电{PHONE}，编号 2026 问题")),
        ..Default::default()
    };
    d.store
        .write(&d.clerk.clone(), |w| intake::record(w, &eid, &input))
        .unwrap();
    let hits = |viewer| {
        let found = frontdesk::search::search(d.store.conn(), &eid, "回电", None, 10).unwrap();
        assert_eq!(found.len(), 1);
        redacted(found, viewer, View::List).remove(0).title
    };
    let clerk = hits(&d.clerk);
    assert!(clerk.contains(MASKED) && !clerk.contains(PHONE), "{clerk}");
    assert!(clerk.contains("2026"), "short numbers stay: {clerk}");
    assert!(hits(&d.supervisor).contains(PHONE));
}
