//! 赔付 claims: opened from a complaint with the seed's deadlines (24 hours for the departments'
//! reply, 5 working days from the owner's report to the first proposal) and the 收方 by amount;
//! bad input refused naming the field; nothing paid before the 总经理's approval; every step an
//! event, audited; voided with a reason; evidence attached; the 记录单 in three copies, the
//! memo and the register.

use chrono::{Duration, TimeZone, Utc};
use frontdesk::claims::{
    self, Claim, ClaimAgreementInput, ClaimInput, ClaimPaymentInput, ClaimProposalInput,
    ClaimReplyInput,
};
use frontdesk::documents::{pdf, xlsx, Disclosure};
use frontdesk::estate::{self, StaffInput};
use frontdesk::policy;
use frontdesk::store;
use frontdesk::time::{self, Period};
use frontdesk::vocab::{ClaimReceiver, ClaimStatus, Role};
use frontdesk::{Actor, Error};

use crate::common::*;
use crate::complaints::{act, open_complaint};

/// The practice desk with a 总经理 (高总, login `gao`).
fn with_gm() -> (Desk, Actor) {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let sup = d.supervisor.clone();
    d.store
        .write(&sup, |w| {
            estate::add_staff(
                w,
                &eid,
                &StaffInput {
                    login: Some("gao".into()),
                    name: Some("高总".into()),
                    role: Some("general_manager".into()),
                    department: Some("客服中心".into()),
                    phone: None,
                    password: Some(PASSWORD.into()),
                },
            )
        })
        .unwrap();
    let gm = frontdesk::auth::login(&mut d.store, "gao", PASSWORD).unwrap();
    (d, gm)
}

fn input(complaint: &str, amount: &str) -> ClaimInput {
    ClaimInput {
        complaint: Some(complaint.into()),
        repair: None,
        situation: Some("楼上卫生间漏水，天花板及木地板受损".into()),
        participants: Some("赵协调、孙师傅、业主张伟".into()),
        amount: Some(amount.into()),
        form: Some("现金".into()),
        cost_bearer: Some("工程维修部".into()),
    }
}

/// A claim of `amount` yuan on a fresh complaint, opened by the coordinator.
fn open_claim(d: &mut Desk, amount: &str) -> Claim {
    let c = open_complaint(d);
    let (eid, zhao) = (d.estate.id.clone(), d.coordinator.clone());
    act(d, &zhao, |w| claims::create(w, &eid, &input(&c.no, amount))).unwrap()
}

/// A field to check, the message expected and how the form is spoiled.
type Change = (&'static str, &'static str, fn(&mut ClaimInput));

/// Beijing wall time on 2026-11-`day`.
fn bj(day: u32, h: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, h, 0, 0).unwrap() - Duration::hours(8)
}

#[test]
fn a_claim_from_a_complaint_has_its_number_deadlines_and_receiver() {
    let mut d = desk();
    let c = open_claim(&mut d, "3,200");
    assert_eq!(c.no, "LH-PF2026-0001");
    assert_eq!(c.status, ClaimStatus::Open);
    assert_eq!(c.amount_fen, 320_000);
    assert_eq!(c.receiver, ClaimReceiver::PropertyEngineering);
    assert_eq!(c.unit.as_deref(), Some("3-2-1201"));
    assert_eq!(c.created_by, "赵协调");
    // 24 hours for the departments' reply.
    assert_eq!(c.reply_due, time::to_db(t0() + Duration::hours(24)));
    // Reported Monday 11-23 09:00: the 5th working day after is Monday 11-30 (the weekend skipped).
    assert_eq!(c.proposal_due, time::to_db(bj(30, 9)));
    assert!(!c.overdue());
    let events = store::events(d.store.conn(), "claim", &c.id).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, "opened");
    assert_eq!(events[0].actor, "赵协调");
    let audited: i64 = d
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'claim' AND entity_id = ?1",
            [&c.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1);
    let second = open_claim(&mut d, "100");
    assert_eq!(second.no, "LH-PF2026-0002");
    let listed = claims::of_complaint(d.store.conn(), &c.complaint_no, t0()).unwrap();
    assert_eq!(listed.len(), 1);
}

#[test]
fn bad_input_is_refused_naming_the_field_and_saves_nothing() {
    let mut d = desk();
    let c = open_complaint(&mut d);
    let (eid, zhao) = (d.estate.id.clone(), d.coordinator.clone());
    for (amount, needle) in [
        ("0", "须为正数"),
        ("0.00", "须为正数"),
        ("-5", "不是有效金额"),
        ("三千", "不是有效金额"),
        ("", "请填写金额"),
    ] {
        assert_rejected(&mut d.store, &zhao, "amount", needle, |w| {
            claims::create(w, &eid, &input(&c.no, amount))
        });
    }
    let cases: [Change; 6] = [
        ("complaint", "没有编号", |i| {
            i.complaint = Some("LH-TS2026-9999".into())
        }),
        ("complaint", "请选择", |i| i.complaint = None),
        ("situation", "情况说明", |i| {
            i.situation = Some("  ".into())
        }),
        ("participants", "沟通参与人", |i| i.participants = None),
        ("form", "不是有效的赔付形式", |i| {
            i.form = Some("支票".into())
        }),
        ("repair", "没有编号", |i| {
            i.repair = Some("LH-WX2026-0999".into())
        }),
    ];
    for (field, needle, change) in cases {
        let mut i = input(&c.no, "100");
        change(&mut i);
        assert_rejected(&mut d.store, &zhao, field, needle, |w| {
            claims::create(w, &eid, &i)
        });
    }
    // A front-desk receptionist does not handle claims (policy handler_roles).
    let li = d.clerk.clone();
    let r = d
        .store
        .write(&li, |w| claims::create(w, &eid, &input(&c.no, "100")));
    assert!(matches!(r, Err(Error::Denied(_))), "{r:?}");
}

#[test]
fn nothing_is_paid_before_the_general_managers_approval() {
    let (mut d, gm) = with_gm();
    let c = open_claim(&mut d, "3200");
    let (eid, zhao, wang) = (
        d.estate.id.clone(),
        d.coordinator.clone(),
        d.supervisor.clone(),
    );
    let pay = ClaimPaymentInput {
        amount: None,
        method: Some("银行转账".into()),
        date: None,
    };
    let before = snapshot(&d.store);
    match act(&mut d, &zhao, |w| claims::pay(w, &eid, &c.no, &pay)) {
        Err(Error::State(m)) => assert!(m.contains("尚未经总经理核准"), "{m}"),
        other => panic!("payment before approval: {other:?}"),
    }
    match act(&mut d, &zhao, |w| {
        claims::agree(w, &eid, &c.no, &ClaimAgreementInput::default())
    }) {
        Err(Error::State(m)) => assert!(m.contains("尚未经总经理核准"), "{m}"),
        other => panic!("agreement before approval: {other:?}"),
    }
    assert_eq!(before, snapshot(&d.store));
    // The 客服主管 is not an approver by default.
    let r = act(&mut d, &wang, |w| claims::approve(w, &eid, &c.no, None));
    assert!(matches!(r, Err(Error::Denied(_))), "{r:?}");

    act(&mut d, &zhao, |w| {
        claims::reply(
            w,
            &eid,
            &c.no,
            &ClaimReplyInput {
                department: Some("工程维修部".into()),
                text: Some("同意按地板面积赔付".into()),
            },
        )
    })
    .unwrap();
    let proposed = act(&mut d, &zhao, |w| {
        claims::propose(
            w,
            &eid,
            &c.no,
            &ClaimProposalInput {
                text: Some("赔付木地板更换费用".into()),
                amount: Some("3000".into()),
                form: None,
            },
        )
    })
    .unwrap();
    assert_eq!(proposed.status, ClaimStatus::Proposed);
    assert_eq!(proposed.amount_fen, 300_000);
    let approved = act(&mut d, &gm, |w| {
        claims::approve(w, &eid, &c.no, Some("同意"))
    })
    .unwrap();
    assert_eq!(approved.status, ClaimStatus::Approved);
    assert_eq!(approved.approved_by.as_deref(), Some("高总"));
    // The amount is fixed by the approval.
    let r = act(&mut d, &zhao, |w| {
        claims::propose(
            w,
            &eid,
            &c.no,
            &ClaimProposalInput {
                text: Some("再加一点".into()),
                amount: Some("5000".into()),
                form: None,
            },
        )
    });
    assert!(matches!(r, Err(Error::State(_))), "{r:?}");
    assert_rejected(
        &mut d.store,
        &zhao,
        "amount",
        "不能超过核准金额",
        |w| {
            claims::pay(
                w,
                &eid,
                &c.no,
                &ClaimPaymentInput {
                    amount: Some("3000.01".into()),
                    ..pay.clone()
                },
            )
        },
    );
    assert_rejected(
        &mut d.store,
        &zhao,
        "method",
        "请选择支付方式",
        |w| claims::pay(w, &eid, &c.no, &ClaimPaymentInput::default()),
    );
    act(&mut d, &zhao, |w| {
        claims::agree(
            w,
            &eid,
            &c.no,
            &ClaimAgreementInput {
                text: Some("甲方一次性赔付乙方人民币叁仟元整".into()),
                date: Some("2026-11-23".into()),
            },
        )
    })
    .unwrap();
    let paid = act(&mut d, &zhao, |w| claims::pay(w, &eid, &c.no, &pay)).unwrap();
    assert_eq!(paid.status, ClaimStatus::Paid);
    assert_eq!(paid.paid_fen, Some(300_000));
    assert_eq!(paid.paid_by.as_deref(), Some("赵协调"));
    assert_eq!(paid.paid_on.as_deref(), Some("2026-11-23"));
    let kinds: Vec<String> = store::events(d.store.conn(), "claim", &c.id)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "opened",
            "reply",
            "proposal",
            "approval",
            "agreement",
            "payment"
        ]
    );
    // A paid claim cannot be voided or paid again.
    let r = act(&mut d, &wang, |w| {
        claims::void(w, &eid, &c.no, Some("误登"))
    });
    assert!(matches!(r, Err(Error::State(_))), "{r:?}");
    let r = act(&mut d, &zhao, |w| claims::pay(w, &eid, &c.no, &pay));
    assert!(matches!(r, Err(Error::State(_))), "{r:?}");
}

#[test]
fn the_approvers_and_the_receiver_threshold_are_policy() {
    let mut d = desk();
    let (eid, wang, zhao) = (
        d.estate.id.clone(),
        d.supervisor.clone(),
        d.coordinator.clone(),
    );
    assert_eq!(
        open_claim(&mut d, "5000").receiver,
        ClaimReceiver::PropertyEngineering
    );
    let above = open_claim(&mut d, "5000.01");
    assert_eq!(above.receiver, ClaimReceiver::DeveloperEngineer);
    // A proposal that changes the amount changes the receiver.
    let lower = act(&mut d, &zhao, |w| {
        claims::propose(
            w,
            &eid,
            &above.no,
            &ClaimProposalInput {
                text: Some("协商降低".into()),
                amount: Some("4800".into()),
                form: Some("减免费用".into()),
            },
        )
    })
    .unwrap();
    assert_eq!(lower.receiver, ClaimReceiver::PropertyEngineering);

    let mut p = policy::current(d.store.conn(), &eid).unwrap().policy;
    let mut nobody = p.clone();
    nobody.claims.approver_roles.clear();
    assert_rejected(
        &mut d.store,
        &wang,
        "claims.approver_roles",
        "至少需要一个岗位",
        |w| policy::save(w, &eid, &nobody, None),
    );
    p.claims.approver_roles = vec![Role::Supervisor];
    p.claims.engineering_limit_fen = 1_000_000;
    act(&mut d, &wang, |w| policy::save(w, &eid, &p, None)).unwrap();
    let c = open_claim(&mut d, "8000");
    assert_eq!(c.receiver, ClaimReceiver::PropertyEngineering);
    let detail = claims::detail(d.store.conn(), &eid, &c.no, &wang, t0()).unwrap();
    assert!(detail.can_approve);
    let approved = act(&mut d, &wang, |w| claims::approve(w, &eid, &c.no, None)).unwrap();
    assert_eq!(approved.status, ClaimStatus::Approved);
}

#[test]
fn missed_deadlines_show_as_overdue() {
    let mut d = desk();
    let c = open_claim(&mut d, "800");
    let eid = d.estate.id.clone();
    let zhao = d.coordinator.clone();
    let week = (t0() - Duration::days(1), t0() + Duration::days(30));
    let overdue = |d: &Desk, now| {
        claims::list(d.store.conn(), &eid, week.0, week.1, true, now)
            .unwrap()
            .into_iter()
            .map(|c| c.no)
            .collect::<Vec<_>>()
    };
    assert!(overdue(&d, t0() + Duration::hours(23)).is_empty());
    assert_eq!(overdue(&d, t0() + Duration::hours(25)), vec![c.no.clone()]);
    // A reply after the deadline stays 超期; the proposal is still within its working days.
    d.clock.set(t0() + Duration::hours(30));
    let replied = act(&mut d, &zhao, |w| {
        claims::reply(
            w,
            &eid,
            &c.no,
            &ClaimReplyInput {
                department: Some("客服中心".into()),
                text: Some("已联系业主".into()),
            },
        )
    })
    .unwrap();
    assert!(replied.reply_overdue);
    assert!(!replied.proposal_overdue);
    // Friday 11-27: not yet; Tuesday 12-01: the proposal is late.
    let g = |now| claims::get(d.store.conn(), &c.no, now).unwrap();
    assert!(!g(bj(27, 18)).proposal_overdue);
    assert!(g(bj(30, 10)).proposal_overdue);
    let open = claims::open(d.store.conn(), &eid, bj(30, 10)).unwrap();
    assert!(open[0].overdue());
}

#[test]
fn a_claim_is_voided_with_a_reason_by_a_supervisor() {
    let mut d = desk();
    let c = open_claim(&mut d, "300");
    let (eid, zhao, wang) = (
        d.estate.id.clone(),
        d.coordinator.clone(),
        d.supervisor.clone(),
    );
    let r = act(&mut d, &zhao, |w| {
        claims::void(w, &eid, &c.no, Some("重复"))
    });
    assert!(matches!(r, Err(Error::Denied(_))), "{r:?}");
    assert_rejected(&mut d.store, &wang, "reason", "作废原因", |w| {
        claims::void(w, &eid, &c.no, Some(" "))
    });
    let v = act(&mut d, &wang, |w| {
        claims::void(w, &eid, &c.no, Some("重复登记"))
    })
    .unwrap();
    assert_eq!(v.status, ClaimStatus::Voided);
    assert_eq!(v.void_reason.as_deref(), Some("重复登记"));
    assert!(
        !claims::get(d.store.conn(), &c.no, t0() + Duration::days(30))
            .unwrap()
            .overdue()
    );
    let actions: Vec<String> = frontdesk::store::audit_history(d.store.conn(), "claim", &c.id)
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert!(actions.contains(&"void".to_string()), "{actions:?}");
}

#[test]
fn evidence_attaches_to_a_claim() {
    let root = scratch("claim-evidence");
    let mut d = desk();
    let c = open_claim(&mut d, "300");
    let zhao = d.coordinator.clone();
    let a = d
        .store
        .write(&zhao, |w| {
            frontdesk::attachments::add(
                w,
                &root,
                &frontdesk::attachments::NewAttachment {
                    subject_kind: "赔付单".into(),
                    subject: c.no.clone(),
                    file_name: "地板.png".into(),
                    note: Some("受损地板".into()),
                },
                &crate::attachments::png(40, 30),
            )
        })
        .unwrap();
    assert_eq!(a.subject_id, c.id);
    let list = frontdesk::attachments::list(
        d.store.conn(),
        frontdesk::vocab::AttachmentSubject::Claim,
        &c.no,
        false,
    )
    .unwrap();
    assert_eq!(list.len(), 1);
}

#[test]
fn the_record_prints_in_three_copies_with_the_memo_and_the_register() {
    let root = scratch("claim-docs");
    let (mut d, gm) = with_gm();
    let c = open_claim(&mut d, "3200");
    let eid = d.estate.id.clone();
    act(&mut d, &gm, |w| {
        claims::approve(w, &eid, &c.no, Some("同意"))
    })
    .unwrap();
    let out = root.join("record.pdf");
    let w = pdf::claim_record(d.store.conn(), &c.no, Disclosure::Masked, t0(), &out).unwrap();
    assert_eq!(w.pages, pdf::COPIES.len());
    assert_eq!(w.pages, 3);
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF"));
    let memo = root.join("memo.pdf");
    let m = pdf::claim_memo(d.store.conn(), &c.no, Disclosure::Masked, t0(), &memo).unwrap();
    assert_eq!(m.pages, 1);
    let period = Period::days_or_today(None, None, t0()).unwrap();
    let x = xlsx::claim_register(
        d.store.conn(),
        &eid,
        &period,
        t0(),
        Disclosure::Masked,
        &root.join("claims.xlsx"),
    )
    .unwrap();
    assert_eq!(x.rows, 1);
}
