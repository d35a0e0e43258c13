//! Sync between desks through an in-memory server (`FakeServer`: one log in server order, each
//! desk's acknowledged sequence and audit chain, estate grants): the whole register reaches a new
//! desk once, per-field merge in server order with both desks' events kept, refused changes set
//! aside, a pull applied twice, offline runs, desk prefixes in human numbers, per-desk audit chains
//! and pulled changes that do not fit the schema.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use frontdesk::complaints::{self, AttemptInput, ComplaintInput};
use frontdesk::estate::{self, EstateInput};
use frontdesk::intake::{self, IntakeInput};
use frontdesk::sync::{self, capture};
use frontdesk::time::Clock;
use frontdesk::{Actor, Store};
use frontdesk_sync_proto::{
    Access, AuditLink, EnrolReply, ErrorReply, EstateGrant, PullReply, PullRequest, PushReply,
    PushRequest, Refused, RowChange, RowOp, ServerChange, Transport, TransportError, GENESIS,
};

use crate::common::*;

#[derive(Default)]
struct Server {
    log: Vec<ServerChange>,
    /// desk id → (write grants, read grants)
    grants: HashMap<String, Vec<EstateGrant>>,
    acked: HashMap<String, i64>,
    chains: HashMap<String, Vec<AuditLink>>,
    desks_per_estate: HashMap<String, usize>,
    offline: bool,
}

/// The server, shared by the desks of one test.
#[derive(Default)]
struct FakeServer(RefCell<Server>);

impl FakeServer {
    /// Enrols a desk for `estate` (write access): the estate's first desk has prefix "".
    fn enrol(&self, estate: &str) -> EnrolReply {
        let mut s = self.0.borrow_mut();
        let n = s.desks_per_estate.entry(estate.to_string()).or_default();
        let prefix = if *n == 0 {
            String::new()
        } else {
            char::from(b'A' + *n as u8).to_string()
        };
        *n += 1;
        let desk_id = uuid::Uuid::now_v7().to_string();
        let estates = vec![EstateGrant {
            estate_id: estate.to_string(),
            access: Access::Write,
        }];
        s.grants.insert(desk_id.clone(), estates.clone());
        EnrolReply {
            desk_id,
            desk_prefix: prefix,
            token: "token".into(),
            estates,
        }
    }

    fn desk<'a>(&'a self, store: &Store) -> Link<'a> {
        Link {
            server: self,
            desk_id: sync::state(store.conn()).unwrap().unwrap().desk_id,
        }
    }

    /// The link of the desk enrolled as `desk_id`.
    fn desk_for(&self, desk_id: &str) -> Link<'_> {
        Link {
            server: self,
            desk_id: desk_id.to_string(),
        }
    }

    fn set_offline(&self, offline: bool) {
        self.0.borrow_mut().offline = offline;
    }
}

/// One desk's connection to the server.
struct Link<'a> {
    server: &'a FakeServer,
    desk_id: String,
}

impl Transport for Link<'_> {
    fn push(&self, request: &PushRequest) -> Result<PushReply, TransportError> {
        let mut s = self.server.0.borrow_mut();
        if s.offline {
            return Err(TransportError::Unreachable("connection refused".into()));
        }
        let grants = s.grants[&self.desk_id].clone();
        let mut acked = s.acked.get(&self.desk_id).copied().unwrap_or(0);
        let mut refused = Vec::new();
        for c in &request.changes {
            if c.desk_seq <= acked {
                continue;
            }
            assert_eq!(c.desk_seq, acked + 1, "desk_seq without gaps");
            acked = c.desk_seq;
            if !grants
                .iter()
                .any(|g| g.estate_id == c.estate_id && g.access == Access::Write)
            {
                refused.push(Refused {
                    desk_seq: c.desk_seq,
                    reason: "本机无权写入该管理处".into(),
                });
                continue;
            }
            let server_seq = s.log.len() as i64 + 1;
            s.log.push(ServerChange {
                server_seq,
                desk_id: self.desk_id.clone(),
                change: c.clone(),
            });
        }
        s.acked.insert(self.desk_id.clone(), acked);
        let chain = s.chains.entry(self.desk_id.clone()).or_default();
        for l in &request.audit {
            if l.chain_seq <= chain.len() as i64 {
                continue;
            }
            let prev = chain.last().map_or(GENESIS, |p| p.hash.as_str());
            if l.chain_seq != chain.len() as i64 + 1
                || l.prev_hash != prev
                || l.expected_hash() != l.hash
            {
                return Err(TransportError::Refused(ErrorReply {
                    code: "broken_chain".into(),
                    message: "审计链断开".into(),
                    entry: Some(l.chain_seq),
                }));
            }
            chain.push(l.clone());
        }
        Ok(PushReply {
            acked_through: acked,
            audit_through: chain.len() as i64,
            refused,
        })
    }

    fn pull(&self, request: &PullRequest) -> Result<PullReply, TransportError> {
        let s = self.server.0.borrow();
        if s.offline {
            return Err(TransportError::Unreachable("connection refused".into()));
        }
        let grants = &s.grants[&self.desk_id];
        let mut changes: Vec<ServerChange> = s
            .log
            .iter()
            .filter(|c| c.server_seq > request.after)
            .filter(|c| grants.iter().any(|g| g.estate_id == c.change.estate_id))
            .take(request.limit as usize + 1)
            .cloned()
            .collect();
        let more = changes.len() > request.limit as usize;
        changes.truncate(request.limit as usize);
        let cursor = changes.last().map_or(
            if more {
                request.after
            } else {
                s.log.len() as i64
            },
            |c| c.server_seq,
        );
        Ok(PullReply {
            changes,
            cursor,
            more,
        })
    }
}

/// Every synced row of a desk, table by table, keyed by row id (local columns left out).
fn register(store: &Store) -> BTreeMap<String, BTreeMap<String, String>> {
    let conn = store.conn();
    let mut out = BTreeMap::new();
    for t in capture::tables(conn).unwrap() {
        let cols: Vec<String> = t.columns.iter().map(|c| format!("\"{c}\"")).collect();
        let key = t.key.join(" || ':' || ");
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {key}, {} FROM \"{}\"",
                cols.join(", "),
                t.name
            ))
            .unwrap();
        let mut rows = stmt.query([]).unwrap();
        let mut table = BTreeMap::new();
        while let Some(r) = rows.next().unwrap() {
            let id: String = r.get(0).unwrap();
            let values: Vec<String> = (1..=cols.len())
                .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                .collect();
            assert!(
                table.insert(id.clone(), values.join("|")).is_none(),
                "{} {id} twice",
                t.name
            );
        }
        out.insert(t.name, table);
    }
    out
}

/// A desk with nothing in it yet (a new computer of the same office), on the fixture's clock.
fn empty_desk() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    store.set_clock(Clock::fixed(t0()));
    store
}

/// Desk A (the practice desk, enrolled first) and desk B (empty, enrolled second), both synced.
fn two_desks(server: &FakeServer) -> (Desk, Store) {
    let mut a = desk();
    let reply = server.enrol(&a.estate.id);
    sync::enrol(
        &mut a.store,
        &a.supervisor,
        &reply,
        "http://server",
        "前台1",
    )
    .unwrap();
    let mut b = empty_desk();
    let reply = server.enrol(&a.estate.id);
    sync::enrol(&mut b, &Actor::system(), &reply, "http://server", "前台2").unwrap();
    run(server, &mut a.store).unwrap();
    let report = run(server, &mut b).unwrap();
    assert!(!report.offline);
    assert_eq!(
        report.pulled.refused,
        0,
        "{:?}",
        sync::refused(&b, &Actor::system()).unwrap()
    );
    (a, b)
}

fn intake_call(content: &str) -> IntakeInput {
    IntakeInput {
        channel: Some("来电".into()),
        kind: Some("投诉".into()),
        unit: Some(UNITS[0].into()),
        person_name: Some("张伟".into()),
        phone: Some("13800138000".into()),
        content: Some(content.into()),
        ..IntakeInput::default()
    }
}

fn record(store: &mut Store, actor: &Actor, content: &str) -> intake::Intake {
    let eid = actor.estate_id.clone();
    store
        .write(actor, |w| intake::record(w, &eid, &intake_call(content)))
        .unwrap()
}

/// One sync of `store` with the server.
fn run(server: &FakeServer, store: &mut Store) -> frontdesk::Result<sync::SyncReport> {
    let link = server.desk(store);
    sync::run(store, &link)
}

fn sync_both(server: &FakeServer, a: &mut Store, b: &mut Store) {
    for report in [run(server, a), run(server, b), run(server, a)] {
        assert!(!report.unwrap().offline);
    }
}

#[test]
fn capture_starts_at_enrolment_with_the_whole_register() {
    let mut d = desk();
    let clerk = d.clerk.clone();
    record(&mut d.store, &clerk, "咨询停车费");
    let st = sync::status(&d.store).unwrap();
    assert!(st.state.is_none());
    assert_eq!(st.pending_changes, 0, "nothing captured before enrolment");
    let rows: usize = register(&d.store).values().map(BTreeMap::len).sum();
    let server = FakeServer::default();
    let reply = server.enrol(&d.estate.id);
    // Only a supervisor enrols.
    let before = snapshot(&d.store);
    let err = sync::enrol(&mut d.store, &clerk, &reply, "http://s", "前台1").unwrap_err();
    assert!(err.to_string().contains("无权"), "{err}");
    assert_eq!(snapshot(&d.store), before);
    sync::enrol(&mut d.store, &d.supervisor, &reply, "http://s", "前台1").unwrap();
    let st = sync::status(&d.store).unwrap();
    assert_eq!(
        st.pending_changes, rows as i64,
        "every row snapshotted once"
    );
    assert!(
        st.pending_audit > 0,
        "the existing audit chain is pending too"
    );
    // Enrolling twice is refused.
    assert!(sync::enrol(&mut d.store, &d.supervisor, &reply, "http://s", "x").is_err());
    // A change after enrolment is captured with only the changed field.
    let before = st.pending_changes;
    let eid = d.estate.id.clone();
    d.store
        .write(&d.supervisor.clone(), |w| {
            estate::add_unit(w, &eid, "9-1-101", Some(88.5))
        })
        .unwrap();
    assert_eq!(sync::status(&d.store).unwrap().pending_changes, before + 1);
    let push = sync::pending(&d.store, 100_000).unwrap();
    let last = push.changes.last().unwrap();
    assert_eq!(last.table, "units");
    assert_eq!(last.op, RowOp::Insert);
    assert_eq!(last.estate_id, d.estate.id);
    assert_eq!(last.fields["area_m2"], serde_json::json!(88.5));
    // Child rows without an estate column carry their parent's estate.
    assert!(push.changes.iter().all(|c| c.estate_id == d.estate.id));
    // The links are consecutive from 1 and each hash is the proto's.
    for (i, l) in push.audit.iter().enumerate() {
        assert_eq!(l.chain_seq, i as i64 + 1);
        assert_eq!(l.expected_hash(), l.hash);
    }
}

#[test]
fn every_record_reaches_every_desk_exactly_once() {
    let server = FakeServer::default();
    let (mut a, mut b) = two_desks(&server);
    assert_eq!(register(&a.store), register(&b));
    assert_eq!(sync::status(&b).unwrap().pending_changes, 0);
    // Desk B's staff can sign in with the passwords set on desk A.
    frontdesk::auth::login(&mut b, "li", PASSWORD).unwrap();
    // New work on both desks, and a desk C enrolled later: all three hold the same register.
    let clerk = a.clerk.clone();
    record(&mut a.store, &clerk, "A 的登记");
    record(&mut b, &clerk, "B 的登记");
    sync_both(&server, &mut a.store, &mut b);
    let mut c = empty_desk();
    let reply = server.enrol(&a.estate.id);
    assert_eq!(reply.desk_prefix, "C");
    sync::enrol(&mut c, &Actor::system(), &reply, "http://s", "前台3").unwrap();
    run(&server, &mut c).unwrap();
    let ra = register(&a.store);
    assert_eq!(ra, register(&b));
    assert_eq!(ra, register(&c));
    assert_eq!(ra["intakes"].len(), 2);
    // The search index is each desk's own, kept up to date for pulled records.
    let hits = |s: &Store| -> Vec<String> {
        let mut ids: Vec<String> =
            frontdesk::search::search(s.conn(), &a.estate.id, "的登记", None, 10)
                .unwrap()
                .into_iter()
                .map(|h| h.id)
                .collect();
        ids.sort();
        ids
    };
    assert_eq!(hits(&a.store).len(), 2);
    assert_eq!(hits(&a.store), hits(&b));
    assert_eq!(hits(&a.store), hits(&c));
    // Every desk's database checks out: integrity, foreign keys, each desk's audit chain.
    for s in [&a.store, &b, &c] {
        let v = s.verify().unwrap();
        assert!(v.ok(), "{:?}", v.problem());
    }
}

#[test]
fn demo_register_reaches_an_empty_desk() {
    let server = FakeServer::default();
    let mut a = empty_desk();
    frontdesk::demo::load(&mut a, frontdesk::demo::DEMO_SEED).unwrap();
    let eid = estate::only_estate(a.conn()).unwrap().id;
    sync::enrol(&mut a, &Actor::system(), &server.enrol(&eid), "s", "A").unwrap();
    let mut b = empty_desk();
    sync::enrol(&mut b, &Actor::system(), &server.enrol(&eid), "s", "B").unwrap();
    let pa = run(&server, &mut a).unwrap();
    assert_eq!(pa.push_refused, 0);
    let pb = run(&server, &mut b).unwrap();
    assert_eq!(
        pb.pulled.refused,
        0,
        "{:?}",
        sync::refused(&b, &Actor::system()).unwrap().first()
    );
    assert_eq!(pb.pulled.applied, pa.pushed);
    let ra = register(&a);
    for table in [
        "complaints",
        "repair_orders",
        "slips",
        "events",
        "customers",
        "vip_cards",
    ] {
        assert!(!ra[table].is_empty(), "demo has {table}");
    }
    assert_eq!(ra, register(&b));
    assert!(b.verify().unwrap().ok());
    // Desk B indexed every pulled record as desk A did (voided ones left out).
    let docs = |s: &Store| -> Vec<(String, String, String)> {
        s.conn()
            .prepare("SELECT kind, ref_id, title FROM search_docs ORDER BY kind, ref_id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    assert!(docs(&a).len() > 100);
    assert_eq!(docs(&a), docs(&b));
    // A customer is found by the VIP card pulled after them.
    let card: String = a
        .conn()
        .query_row(
            "SELECT card_no FROM vip_cards WHERE status = 'active' ORDER BY rowid DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let found = |s: &Store| {
        frontdesk::search::search(s.conn(), &eid, &card, Some("customer"), 5)
            .unwrap()
            .len()
    };
    assert_eq!(found(&a), 1, "{card}");
    assert_eq!(found(&b), 1, "{card}");
}

#[test]
fn one_complaint_edited_on_two_desks_merges_per_field() {
    let server = FakeServer::default();
    let (mut a, mut b) = two_desks(&server);
    let clerk = a.clerk.clone();
    let i = record(&mut a.store, &clerk, "楼上漏水");
    let eid = a.estate.id.clone();
    let c = a
        .store
        .write(&clerk, |w| {
            complaints::open(
                w,
                &eid,
                &ComplaintInput {
                    intake: Some(i.no.clone()),
                    category: Some("物业管理".into()),
                    ..ComplaintInput::default()
                },
            )
        })
        .unwrap();
    sync_both(&server, &mut a.store, &mut b);
    // Apart: A names the person complained about and the group size, B the same person
    // differently and the amount claimed; each desk records a call.
    let edit = |about: &str, size: Option<i64>, amount: Option<&str>| ComplaintInput {
        about_person: Some(about.into()),
        collective_size: size,
        claim_amount: amount.map(str::to_string),
        ..ComplaintInput::default()
    };
    let call = |said: &str| AttemptInput {
        method: Some("电话".into()),
        said: Some(said.into()),
        result: Some("处理中".into()),
        ..AttemptInput::default()
    };
    a.store
        .write(&clerk, |w| {
            complaints::update(w, &c.id, &edit("保安甲", Some(3), None))?;
            complaints::add_attempt(w, &c.id, &call("A 台致电业主"))
        })
        .unwrap();
    b.write(&clerk, |w| {
        complaints::update(w, &c.id, &edit("保安乙", None, Some("500")))?;
        complaints::add_attempt(w, &c.id, &call("B 台致电业主"))
    })
    .unwrap();
    // A pushes first, B second: B's value of the field both changed comes later in server order.
    sync_both(&server, &mut a.store, &mut b);
    for s in [&a.store, &b] {
        let got = complaints::load(s.conn(), &c.id).unwrap();
        assert_eq!(
            got.about_person.as_deref(),
            Some("保安乙"),
            "last writer wins"
        );
        assert_eq!(got.facts.collective_size, 3, "A's own field kept");
        assert_eq!(got.facts.claim_fen, 50_000, "B's own field kept");
        let said: Vec<String> = complaints::attempts(s.conn(), &c.id)
            .unwrap()
            .into_iter()
            .map(|x| x.said)
            .collect();
        assert!(said.contains(&"A 台致电业主".to_string()), "{said:?}");
        assert!(said.contains(&"B 台致电业主".to_string()), "{said:?}");
        let events = frontdesk::store::events(s.conn(), "complaint", &c.id).unwrap();
        assert!(events.len() >= 3, "both desks' events kept: {events:?}");
    }
    assert_eq!(register(&a.store), register(&b));
    // The losing value stays in the history of the desk that wrote it.
    let history = frontdesk::store::audit_history(a.store.conn(), "complaint", &c.id).unwrap();
    assert!(history.iter().any(|e| e.detail.contains("保安甲")));
}

#[test]
fn a_field_changed_here_and_not_pushed_keeps_its_value_on_pull() {
    let server = FakeServer::default();
    let (mut a, mut b) = two_desks(&server);
    let unit = estate::units(a.store.conn(), &a.estate.id).unwrap()[0].clone();
    let sup = a.supervisor.clone();
    let set_area = |store: &mut Store, area: f64| {
        store
            .write(&sup, |w| {
                w.tx.execute(
                    "UPDATE units SET area_m2 = ?1 WHERE id = ?2",
                    rusqlite::params![area, unit.id],
                )?;
                Ok(())
            })
            .unwrap()
    };
    set_area(&mut a.store, 90.0);
    run(&server, &mut a.store).unwrap();
    set_area(&mut b, 120.0);
    // B pulls before pushing: A's value is skipped while B's own waits in the outbox.
    let reply = server
        .desk(&b)
        .pull(&PullRequest {
            protocol: 1,
            after: sync::state(b.conn()).unwrap().unwrap().pulled,
            limit: 100,
        })
        .unwrap();
    sync::apply(&mut b, &reply).unwrap();
    let area = |s: &Store| -> f64 {
        s.conn()
            .query_row("SELECT area_m2 FROM units WHERE id = ?1", [&unit.id], |r| {
                r.get(0)
            })
            .unwrap()
    };
    assert_eq!(area(&b), 120.0);
    sync_both(&server, &mut b, &mut a.store);
    assert_eq!(area(&a.store), 120.0);
    assert_eq!(area(&b), 120.0);
}

#[test]
fn a_refused_change_is_set_aside_and_the_rest_goes_on() {
    let server = FakeServer::default();
    let (mut a, mut b) = two_desks(&server);
    // An estate this desk's credential does not cover (written behind the set-up's back).
    let other = a
        .store
        .write(&Actor::system(), |w| {
            estate::create_estate(
                w,
                &EstateInput {
                    name: Some("别的小区".into()),
                    code: Some("BD".into()),
                    slip_title: None,
                },
            )
        })
        .unwrap();
    let clerk = a.clerk.clone();
    let i = record(&mut a.store, &clerk, "之后的登记");
    let report = run(&server, &mut a.store).unwrap();
    assert_eq!(report.push_refused, 1);
    assert_eq!(sync::status(&a.store).unwrap().pending_changes, 0);
    assert!(
        sync::refused(&a.store, &a.clerk).is_err(),
        "supervisors only"
    );
    let set_aside = sync::refused(&a.store, &a.supervisor).unwrap();
    assert_eq!(set_aside.len(), 1);
    assert_eq!(set_aside[0].direction, "push");
    assert_eq!(set_aside[0].table, "estates");
    assert_eq!(set_aside[0].row_id, other.id);
    assert!(set_aside[0].reason.contains("无权"));
    run(&server, &mut b).unwrap();
    assert!(intake::get(b.conn(), &i.no).is_ok(), "the rest went on");
    assert!(estate::estate(b.conn(), &other.id).is_err());

    // A supervisor settles it with a note: still listed, no longer counted.
    let id = set_aside[0].id;
    let before = snapshot(&a.store);
    assert!(sync::settle(&mut a.store, &a.clerk, id, Some("已处理")).is_err());
    assert_invalid(
        sync::settle(&mut a.store, &a.supervisor, id, Some("  ")),
        "note",
        "处理说明",
    );
    assert!(sync::settle(&mut a.store, &a.supervisor, id + 100, Some("已处理")).is_err());
    assert_eq!(
        snapshot(&a.store),
        before,
        "refused attempts change nothing"
    );
    sync::settle(
        &mut a.store,
        &a.supervisor,
        id,
        Some("别的小区是误建的，已停用"),
    )
    .unwrap();
    assert_eq!(sync::status(&a.store).unwrap().refused, 0);
    let listed = sync::refused(&a.store, &a.supervisor).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].settled_by.as_deref(),
        Some(a.supervisor.name.as_str())
    );
    assert_eq!(
        listed[0].settle_note.as_deref(),
        Some("别的小区是误建的，已停用")
    );
    assert!(listed[0].settled_at.is_some());
    assert!(
        sync::settle(&mut a.store, &a.supervisor, id, Some("再次")).is_err(),
        "settled once"
    );
    let audited: i64 = a
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'sync_settled' AND entity_id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1);
    assert!(a.store.verify().unwrap().ok());
}

#[test]
fn applying_a_pull_twice_changes_nothing() {
    let server = FakeServer::default();
    let (mut a, mut b) = two_desks(&server);
    let clerk = a.clerk.clone();
    record(&mut a.store, &clerk, "重复拉取");
    run(&server, &mut a.store).unwrap();
    let reply = server
        .desk(&b)
        .pull(&PullRequest {
            protocol: 1,
            after: sync::state(b.conn()).unwrap().unwrap().pulled,
            limit: 1000,
        })
        .unwrap();
    assert!(!reply.changes.is_empty());
    let first = sync::apply(&mut b, &reply).unwrap();
    assert!(first.applied > 0);
    let once = snapshot(&b);
    assert_eq!(sync::apply(&mut b, &reply).unwrap(), Default::default());
    assert_eq!(snapshot(&b), once);
    // Even with the cursor wound back, the same changes find everything as they say.
    let mut again = reply.clone();
    for c in &mut again.changes {
        c.server_seq += 1_000;
    }
    again.cursor += 1_000;
    let second = sync::apply(&mut b, &again).unwrap();
    assert_eq!(second.applied, 0);
    assert_eq!(second.refused, 0);
    assert_eq!(register(&b), register(&a.store));
}

#[test]
fn an_offline_run_changes_nothing() {
    let server = FakeServer::default();
    let (mut a, _b) = two_desks(&server);
    let clerk = a.clerk.clone();
    record(&mut a.store, &clerk, "离线登记");
    server.set_offline(true);
    let before = snapshot(&a.store);
    let report = run(&server, &mut a.store).unwrap();
    assert!(report.offline);
    assert!(report.offline_reason.unwrap().contains("refused"));
    assert_eq!(snapshot(&a.store), before);
    server.set_offline(false);
    let report = run(&server, &mut a.store).unwrap();
    assert!(!report.offline);
    assert!(report.pushed > 0);
    assert_eq!(sync::status(&a.store).unwrap().pending_changes, 0);
}

#[test]
fn the_second_desk_numbers_with_its_prefix() {
    let server = FakeServer::default();
    let (mut a, mut b) = two_desks(&server);
    assert_eq!(sync::state(b.conn()).unwrap().unwrap().desk_prefix, "B");
    let clerk = a.clerk.clone();
    let on_b = record(&mut b, &clerk, "B 台登记");
    let on_a = record(&mut a.store, &clerk, "A 台登记");
    let on_b2 = record(&mut b, &clerk, "B 台再登记");
    // The desk's letter leads the sequence; its counter is its own (B's first is 1 after A's).
    assert!(
        on_b.no.starts_with("LH-DJ2026-B0") && on_b.no.ends_with('1'),
        "{}",
        on_b.no
    );
    assert!(
        on_b2.no.starts_with("LH-DJ2026-B0") && on_b2.no.ends_with('2'),
        "{}",
        on_b2.no
    );
    assert!(
        !on_a.no.contains("-B"),
        "the first desk's numbers never change: {}",
        on_a.no
    );
    sync_both(&server, &mut a.store, &mut b);
    for s in [&a.store, &b] {
        for no in [&on_a.no, &on_b.no, &on_b2.no] {
            assert_eq!(intake::get(s.conn(), no).unwrap().no, *no);
        }
    }
}

#[test]
fn each_desk_chain_verifies_and_a_break_is_found() {
    let server = FakeServer::default();
    let (mut a, mut b) = two_desks(&server);
    let clerk = a.clerk.clone();
    record(&mut b, &clerk, "B 台登记");
    sync_both(&server, &mut a.store, &mut b);
    for s in [&a.store, &b] {
        let v = s.verify().unwrap();
        assert!(v.ok(), "{:?}", v.problem());
        assert_eq!(
            sync::status(s).unwrap().pending_audit,
            0,
            "the chain reached the server"
        );
    }
    // Another desk's entries form their own chain beside this desk's.
    let s = &b;
    s.conn()
        .execute(
            "INSERT INTO audit_log(at, actor_id, actor_name, action, entity, entity_id, detail,
                                   prev_hash, hash, desk_id, chain_seq)
             VALUES ('2026-11-23T01:00:00.000Z', 'x', 'x', 'insert', 'unit', 'u', '{}', '',
                     ?1, 'other-desk', 1)",
            [frontdesk_sync_proto::chain_hash(
                "",
                "2026-11-23T01:00:00.000Z",
                "x",
                "x",
                "insert",
                "unit",
                "u",
                "{}",
            )],
        )
        .unwrap();
    assert!(
        s.verify().unwrap().ok(),
        "a second chain starts from genesis"
    );
    s.conn()
        .execute(
            "INSERT INTO audit_log(at, actor_id, actor_name, action, entity, entity_id, detail,
                                   prev_hash, hash, desk_id, chain_seq)
             VALUES ('t', 'x', 'x', 'insert', 'unit', 'u', '{}', 'wrong', 'wrong', 'other-desk', 2)",
            [],
        )
        .unwrap();
    assert!(s.verify().unwrap().audit_first_broken.is_some());
}

#[test]
fn a_pulled_change_that_does_not_fit_the_schema_is_set_aside() {
    let server = FakeServer::default();
    let (a, mut b) = two_desks(&server);
    let pulled = sync::state(b.conn()).unwrap().unwrap().pulled;
    let unit = estate::units(a.store.conn(), &a.estate.id).unwrap()[0].clone();
    let change = |seq: i64, table: &str, field: &str, value: serde_json::Value| ServerChange {
        server_seq: pulled + seq,
        desk_id: "other".into(),
        change: RowChange {
            desk_seq: seq,
            estate_id: a.estate.id.clone(),
            table: table.into(),
            row_id: unit.id.clone(),
            op: RowOp::Update,
            fields: [(field.to_string(), value)].into_iter().collect(),
            at: "2026-11-23T01:00:00.000Z".into(),
        },
    };
    let mut reply = PullReply {
        changes: vec![
            change(1, "sqlite_master", "sql", "x".into()),
            change(2, "units", "bogus", "x".into()),
            change(3, "counters", "value", 1.into()),
            change(4, "staff", "failed_logins", 9.into()),
            change(5, "units", "area_m2", serde_json::json!({ "a": 1 })),
            change(6, "units", "area_m2", serde_json::json!(77.5)),
            change(7, "units", "area_m2", serde_json::json!(1.0)),
        ],
        cursor: pulled + 7,
        more: false,
    };
    // The last names an estate this desk does not sync.
    reply.changes[6].change.estate_id = "another-estate".into();
    let out = sync::apply(&mut b, &reply).unwrap();
    assert_eq!(out.refused, 6);
    assert_eq!(out.applied, 1, "the rest goes on");
    let reasons: Vec<String> = sync::refused(&b, &Actor::system())
        .unwrap()
        .into_iter()
        .map(|r| r.reason)
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("未知的表")),
        "{reasons:?}"
    );
    assert!(reasons.iter().any(|r| r.contains("bogus")), "{reasons:?}");
    let area: f64 = b
        .conn()
        .query_row("SELECT area_m2 FROM units WHERE id = ?1", [&unit.id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(area, 77.5);
    assert!(reasons.iter().any(|r| r.contains("无权")), "{reasons:?}");
    assert_eq!(sync::state(b.conn()).unwrap().unwrap().pulled, pulled + 7);
}

#[test]
fn run_before_enrolment_is_refused_in_chinese() {
    let d = desk();
    let server = FakeServer::default();
    let link = Link {
        server: &server,
        desk_id: "x".into(),
    };
    let mut store = d.store;
    let err = sync::run(&mut store, &link).unwrap_err();
    assert!(err.to_string().contains("尚未加入同步"), "{err}");
}

#[test]
fn a_database_from_before_sync_keeps_its_chain_and_continues_it() {
    // A desk file at schema 16 with an audit chain of three entries, as an older FrontDesk left it.
    let dir = scratch("sync-upgrade");
    let path = dir.join("old.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for sql in [
            include_str!("../src/store/migrations/0001_core.sql"),
            include_str!("../src/store/migrations/0002_customers.sql"),
            include_str!("../src/store/migrations/0003_intake.sql"),
            include_str!("../src/store/migrations/0004_complaints.sql"),
            include_str!("../src/store/migrations/0005_repairs.sql"),
            include_str!("../src/store/migrations/0006_search.sql"),
            include_str!("../src/store/migrations/0007_grading.sql"),
            include_str!("../src/store/migrations/0008_deadlines.sql"),
            include_str!("../src/store/migrations/0009_repair_policy_version.sql"),
            include_str!("../src/store/migrations/0010_complaint_risks.sql"),
            include_str!("../src/store/migrations/0011_duty.sql"),
            include_str!("../src/store/migrations/0012_claims.sql"),
            include_str!("../src/store/migrations/0013_attachments.sql"),
            include_str!("../src/store/migrations/0014_repair_visits.sql"),
            include_str!("../src/store/migrations/0015_repair_prints.sql"),
            include_str!("../src/store/migrations/0016_household_visits.sql"),
        ] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch("PRAGMA user_version = 16").unwrap();
        let mut prev = String::new();
        for i in 0..3 {
            let at = format!("2026-11-2{i}T01:00:00.000Z");
            let hash = frontdesk_sync_proto::chain_hash(
                &prev, &at, "system", "系统", "login", "staff", "s", "{}",
            );
            conn.execute(
                "INSERT INTO audit_log(at, actor_id, actor_name, action, entity, entity_id, detail,
                                       prev_hash, hash)
                 VALUES (?1, 'system', '系统', 'login', 'staff', 's', '{}', ?2, ?3)",
                rusqlite::params![at, prev, hash],
            )
            .unwrap();
            prev = hash;
        }
    }
    let mut store = Store::open(&path).unwrap();
    assert!(
        store.verify().unwrap().ok(),
        "the old chain verifies unchanged"
    );
    let seqs: Vec<(String, i64)> = store
        .conn()
        .prepare("SELECT desk_id, chain_seq FROM audit_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(seqs, [("".into(), 1), ("".into(), 2), ("".into(), 3)]);
    // The next entry continues this desk's chain.
    store
        .write(&Actor::system(), |w| {
            w.audit("test", "staff", "s", serde_json::json!({}))
        })
        .unwrap();
    let v = store.verify().unwrap();
    assert!(v.ok(), "{:?}", v.problem());
    assert_eq!(v.audit_entries, 4);
    let last: i64 = store
        .conn()
        .query_row("SELECT max(chain_seq) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(last, 4);
    drop(store);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_desk_enrolled_by_another_program_captures_this_ones_next_write() {
    let dir = scratch("sync-two-programs");
    let (db, d) = file_db(&dir);
    let mut app = Store::open(&db).unwrap();
    let mut cli = Store::open(&db).unwrap();
    let server = FakeServer::default();
    sync::enrol(
        &mut cli,
        &d.supervisor,
        &server.enrol(&d.estate.id),
        "s",
        "A",
    )
    .unwrap();
    let before = sync::status(&cli).unwrap().pending_changes;
    let clerk = d.clerk.clone();
    record(&mut app, &clerk, "应用里登记");
    let after = sync::pending(&cli, 100_000).unwrap();
    assert_eq!(after.changes.len() as i64, before + 1);
    assert_eq!(after.changes.last().unwrap().table, "intakes");
    drop((app, cli));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn joining_checks_the_form_asks_the_server_and_enrols_by_right() {
    let server = FakeServer::default();
    let mut a = desk();
    let eid = a.estate.id.clone();
    let ok = |_: &str, r: &frontdesk_sync_proto::EnrolRequest| {
        assert_eq!(r.code, "ABCD-1234");
        Ok(server.enrol(&eid))
    };
    // Each field named.
    for (server_url, code, name, field) in [
        ("sync.example.com", "ABCD-1234", "前台1", "server"),
        ("https://sync.example.com", " ", "前台1", "code"),
        ("https://sync.example.com", "ABCD-1234", "", "name"),
    ] {
        let e = sync::join(
            &mut a.store,
            Some(&a.supervisor),
            server_url,
            code,
            name,
            ok,
        )
        .unwrap_err();
        assert!(
            matches!(&e, frontdesk::Error::Invalid { field: f, .. } if *f == field),
            "{e:?}"
        );
    }
    // A desk in use: a clerk may not, nobody signed in may not.
    let clerk = a.clerk.clone();
    let e = sync::join(
        &mut a.store,
        Some(&clerk),
        "https://sync.example.com",
        "ABCD-1234",
        "前台1",
        ok,
    );
    assert!(matches!(e, Err(frontdesk::Error::Denied(_))), "{e:?}");
    let e = sync::join(
        &mut a.store,
        None,
        "https://sync.example.com",
        "ABCD-1234",
        "前台1",
        ok,
    );
    assert!(matches!(e, Err(frontdesk::Error::SignedOut)), "{e:?}");
    // An unreachable server or a used code: said in Chinese, nothing enrolled.
    let down = |_: &str, _: &frontdesk_sync_proto::EnrolRequest| {
        Err(TransportError::Unreachable("connection refused".into()))
    };
    let e = sync::join(
        &mut a.store,
        Some(&a.supervisor),
        "https://sync.example.com",
        "ABCD-1234",
        "前台1",
        down,
    )
    .unwrap_err();
    assert!(e.to_string().contains("无法连接同步服务器"), "{e}");
    let used = |_: &str, _: &frontdesk_sync_proto::EnrolRequest| {
        Err(TransportError::Refused(ErrorReply {
            code: "bad_code".into(),
            message: "加入码无效或已用过".into(),
            entry: None,
        }))
    };
    let e = sync::join(
        &mut a.store,
        Some(&a.supervisor),
        "https://sync.example.com",
        "ABCD-1234",
        "前台1",
        used,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("同步服务器拒绝加入：加入码无效或已用过"),
        "{e}"
    );
    assert!(sync::state(a.store.conn()).unwrap().is_none());
    // The supervisor joins; the address is kept without its trailing slash.
    let r = sync::join(
        &mut a.store,
        Some(&a.supervisor),
        "https://sync.example.com/",
        "ABCD-1234",
        "前台1",
        ok,
    )
    .unwrap();
    assert_eq!(r.desk_prefix, "");
    let st = sync::state(a.store.conn()).unwrap().unwrap();
    assert_eq!(
        (st.server_url.as_str(), st.desk_name.as_str()),
        ("https://sync.example.com", "前台1")
    );
    let again = sync::join(
        &mut a.store,
        Some(&a.supervisor),
        "https://sync.example.com",
        "ABCD-1234",
        "前台1",
        ok,
    );
    assert!(
        matches!(again, Err(frontdesk::Error::State(_))),
        "{again:?}"
    );
    // A new computer with no estate joins with nobody signed in; its first run brings the register.
    let mut b = empty_desk();
    let r = sync::join(
        &mut b,
        None,
        "https://sync.example.com",
        "ABCD-1234",
        "前台2",
        ok,
    )
    .unwrap();
    assert_eq!(r.desk_prefix, "B");
    run(&server, &mut a.store).unwrap();
    let report = sync::run_enrolled(&mut b, |url, token| {
        assert_eq!((url, token), ("https://sync.example.com", "token"));
        server.desk_for(&r.desk_id)
    })
    .unwrap();
    assert!(report.pulled.applied > 0);
    assert!(
        report.words().starts_with("同步完成：上传"),
        "{}",
        report.words()
    );
    assert!(!estate::estates(b.conn()).unwrap().is_empty());
}

impl FakeServer {
    /// Enrols a read-only desk (the head office) for `estates`; it reserves no prefix.
    fn enrol_read_only(&self, estates: &[&str]) -> EnrolReply {
        let desk_id = uuid::Uuid::now_v7().to_string();
        let estates: Vec<EstateGrant> = estates
            .iter()
            .map(|e| EstateGrant {
                estate_id: e.to_string(),
                access: Access::Read,
            })
            .collect();
        self.0
            .borrow_mut()
            .grants
            .insert(desk_id.clone(), estates.clone());
        EnrolReply {
            desk_id,
            desk_prefix: String::new(),
            token: "token".into(),
            estates,
        }
    }
}

/// Data rows of a register sheet (below its title, scope and header), as text by header.
fn sheet_rows(path: &std::path::Path, name: &str) -> Vec<BTreeMap<String, String>> {
    use crate::documents_xlsx::{sheet, text};
    let rows = sheet(path, name);
    let header: Vec<String> = rows[2].iter().map(text).collect();
    rows[3..]
        .iter()
        .filter(|r| text(&r[0]).parse::<u64>().is_ok())
        .map(|r| header.iter().cloned().zip(r.iter().map(text)).collect())
        .collect()
}

#[test]
fn the_head_office_reads_every_estate_writes_nothing_and_its_company_month_is_their_sum() {
    let server = FakeServer::default();
    // Estate LH: the demo desk.
    let mut lh = empty_desk();
    frontdesk::demo::load(&mut lh, frontdesk::demo::DEMO_SEED).unwrap();
    let lh_estate = estate::only_estate(lh.conn()).unwrap();
    sync::enrol(
        &mut lh,
        &Actor::system(),
        &server.enrol(&lh_estate.id),
        "s",
        "龙湖前台",
    )
    .unwrap();
    // Estate XY on a desk of its own, whose supervisor has LH's supervisor's login.
    let mut xy = empty_desk();
    frontdesk::setup::init(&mut xy, "心怡苑", "XY", None, "wang", "王经理", "xy-secret").unwrap();
    let xy_estate = estate::only_estate(xy.conn()).unwrap();
    let boss = frontdesk::auth::login(&mut xy, "wang", "xy-secret").unwrap();
    xy.write(&boss, |w| {
        estate::add_unit(w, &xy_estate.id, UNITS[0], None)
    })
    .unwrap();
    for (content, category) in [
        ("电梯停运半天", "物业管理"),
        ("保安态度差", "物业管理"),
        ("墙面开裂", "工程质量"),
    ] {
        let i = record(&mut xy, &boss, content);
        let eid = xy_estate.id.clone();
        xy.write(&boss, |w| {
            complaints::open(
                w,
                &eid,
                &ComplaintInput {
                    intake: Some(i.no.clone()),
                    category: Some(category.into()),
                    ..ComplaintInput::default()
                },
            )
        })
        .unwrap();
    }
    sync::enrol(
        &mut xy,
        &boss,
        &server.enrol(&xy_estate.id),
        "s",
        "心怡苑前台",
    )
    .unwrap();
    run(&server, &mut lh).unwrap();
    run(&server, &mut xy).unwrap();

    // The head office, read-only for both, pulls both registers whole.
    let mut ho = empty_desk();
    let grants = server.enrol_read_only(&[&lh_estate.id, &xy_estate.id]);
    sync::enrol(&mut ho, &Actor::system(), &grants, "s", "总部").unwrap();
    let report = run(&server, &mut ho).unwrap();
    assert_eq!(
        report.pulled.refused,
        0,
        "{:?}",
        sync::refused(&ho, &Actor::system()).unwrap().first()
    );
    assert!(frontdesk::store::read_only(ho.conn()).unwrap());
    assert!(!frontdesk::store::read_only(lh.conn()).unwrap());
    let (on_ho, on_lh, on_xy) = (register(&ho), register(&lh), register(&xy));
    for table in [
        "estates",
        "staff",
        "intakes",
        "complaints",
        "events",
        "customers",
    ] {
        let both: BTreeMap<_, _> = on_lh[table]
            .iter()
            .chain(&on_xy[table])
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        assert_eq!(on_ho[table], both, "{table}");
    }
    assert!(ho.verify().unwrap().ok());

    // Signing in: a login both estates have needs the estate's code.
    assert_invalid(
        frontdesk::auth::login(&mut ho, "wang", "xy-secret"),
        "login",
        "LH、XY都有“wang”，请写作 小区代码/登录名，如 LH/wang",
    );
    let lh_boss =
        frontdesk::auth::login(&mut ho, "LH/wang", frontdesk::demo::DEMO_PASSWORD).unwrap();
    assert_eq!(lh_boss.estate_id, lh_estate.id);
    let xy_boss = frontdesk::auth::login(&mut ho, "xy/wang", "xy-secret").unwrap();
    assert_eq!(xy_boss.estate_id, xy_estate.id);

    // It writes nothing: a registration is refused in Chinese and nothing changes.
    let before = snapshot(&ho);
    let refused = ho.write(&xy_boss, |w| {
        intake::record(w, &xy_estate.id, &intake_call("总部想登记"))
    });
    assert!(
        matches!(&refused, Err(frontdesk::Error::Denied(m)) if m.contains("总部只读")),
        "{refused:?}"
    );
    assert_eq!(snapshot(&ho), before);
    assert_eq!(sync::status(&ho).unwrap().pending_changes, 0);

    // The company's month: a summary per estate with the 合计, the company's figures, a sheet
    // per estate; each estate's figures equal its own desk's month workbook, the company's their
    // sum.
    let dir = scratch("head-office-month");
    let month = frontdesk::time::Period::month(&t0().format("%Y-%m").to_string()).unwrap();
    let now = ho.now();
    let company = frontdesk::documents::company_month_end(ho.conn(), &lh_boss, &month, now, &dir)
        .unwrap()
        .path;
    assert_eq!(
        crate::documents_xlsx::sheet_names(&company),
        ["全公司", "全公司分项", "LH 龙湖花园", "XY 心怡苑"]
    );
    let own = |store: &Store, eid: &str, name: &str| {
        frontdesk::documents::xlsx::month_workbook(
            store.conn(),
            eid,
            &month,
            now,
            frontdesk::documents::Disclosure::Masked,
            &dir.join(name),
            &mut |_, _| {},
        )
        .unwrap()
        .path
    };
    let figures = |sheet: &str| -> BTreeMap<(String, String), i64> {
        sheet_rows(&company, sheet)
            .into_iter()
            .map(|r| {
                (
                    (r["分组"].clone(), r["项目"].clone()),
                    r["件数"].parse().unwrap(),
                )
            })
            .collect()
    };
    let mut summed: BTreeMap<(String, String), i64> = BTreeMap::new();
    let summary = sheet_rows(&company, "全公司");
    for (store, e, sheet) in [
        (&lh, &lh_estate, "LH 龙湖花园"),
        (&xy, &xy_estate, "XY 心怡苑"),
    ] {
        let own = own(store, &e.id, &format!("{}.xlsx", e.code));
        let in_company = figures(sheet);
        let mut complaints = 0;
        for (own_sheet, group) in [
            ("按等级", "投诉·等级"),
            ("按类别", "投诉·类别"),
            ("按部门", "投诉·责任部门"),
            ("按渠道", "登记·渠道"),
        ] {
            let key = sheet_rows(&own, own_sheet)[0]
                .keys()
                .find(|k| !["序号", "件数", "占比", "平均处理时长（小时）"].contains(&k.as_str()))
                .unwrap()
                .clone();
            for r in sheet_rows(&own, own_sheet) {
                let n: i64 = r["件数"].parse().unwrap();
                assert_eq!(
                    in_company[&(group.to_string(), r[&key].clone())],
                    n,
                    "{sheet} {group} {}",
                    r[&key]
                );
                if group == "投诉·等级" {
                    complaints += n;
                }
            }
        }
        assert!(complaints > 0, "{sheet} has complaints this month");
        let line = summary.iter().find(|l| l["小区"] == e.name).unwrap();
        assert_eq!(line["投诉"], complaints.to_string(), "{sheet}");
        for (k, n) in in_company {
            *summed.entry(k).or_default() += n;
        }
    }
    assert_eq!(figures("全公司分项"), summed);
    let total = summary.iter().find(|l| l["小区"] == "合计").unwrap();
    for column in [
        "户数",
        "登记",
        "投诉",
        "一般",
        "重要",
        "热点",
        "重大",
        "已结案",
        "升级上报",
    ] {
        let sum: i64 = summary
            .iter()
            .filter(|l| l["小区"] != "合计")
            .map(|l| l[column].parse::<i64>().unwrap())
            .sum();
        assert_eq!(total[column], sum.to_string(), "合计 {column}");
    }

    // Its session views either estate; a desk of one estate views no other.
    let mut s = frontdesk::app::Session::new(ho);
    s.sign_in("LH/wang", frontdesk::demo::DEMO_PASSWORD)
        .unwrap();
    assert_eq!(s.estate().unwrap().code, "LH");
    assert_eq!(s.view_estate("XY").unwrap().name, "心怡苑");
    let listed = s
        .seen(frontdesk::privacy::View::List, |st, eid| {
            complaints::list(st.conn(), eid, &complaints::ComplaintFilter::default())
        })
        .unwrap();
    assert_eq!(listed.len(), 3);
    assert!(s.write(|_, _| Ok(())).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_unit_added_on_both_desks_is_set_aside_in_words_and_each_keeps_its_own() {
    let server = FakeServer::default();
    let (mut a, mut b) = two_desks(&server);
    let eid = a.estate.id.clone();
    let sup = a.supervisor.clone();
    for store in [&mut a.store, &mut b] {
        store
            .write(&sup, |w| estate::add_unit(w, &eid, "9-9-909", None))
            .unwrap();
    }
    sync_both(&server, &mut a.store, &mut b);
    for store in [&a.store, &b] {
        let aside = sync::refused(store, &sup).unwrap();
        assert_eq!(aside.len(), 1, "{aside:?}");
        assert_eq!(aside[0].table, "units");
        assert_eq!(aside[0].table_label, "房号");
        assert!(
            aside[0].reason.contains("与本机已有的房号重复")
                && aside[0].reason.contains("units.code"),
            "{}",
            aside[0].reason
        );
        assert_eq!(
            estate::units(store.conn(), &eid)
                .unwrap()
                .iter()
                .filter(|u| u.code == "9-9-909")
                .count(),
            1
        );
    }
}
