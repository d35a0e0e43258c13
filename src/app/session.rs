//! A session: one desk's database, open, and the clerk signed in on it (nobody yet, before
//! signing in or after signing out).
//!
//! Invariants:
//! - Every read or write for a clerk goes through the session, as that clerk, in that clerk's
//!   estate (on a read-only head office, the estate the clerk chose to view,
//!   [`Session::view_estate`]); without a clerk it fails with [`Error::SignedOut`].
//! - Personal data leaves only redacted for the clerk's role ([`Session::seen`],
//!   [`Session::write_seen`]); [`Session::read`] and [`Session::write`] take only values with
//!   none ([`Plain`]). Full phone numbers in a document need [`Session::disclosure`], which the
//!   core grants to supervisors only and records in the audit log.
//! - Each write is one transaction ([`Store::write`]).

use crate::actor::Actor;
use crate::auth;
use crate::documents::{self, Disclosure};
use crate::error::{Error, Result};
use crate::estate::{self, Estate};
use crate::privacy::{self, Plain, Redact, View};
use crate::store::{Store, Write};

use super::upkeep::{self, Upgrade};
use super::Paths;

/// The open database and who is signed in.
pub struct Session {
    store: Store,
    clerk: Option<Actor>,
    upgraded: Option<Upgrade>,
}

impl Session {
    /// A session on an open store, nobody signed in.
    pub fn new(store: Store) -> Session {
        Session {
            store,
            clerk: None,
            upgraded: None,
        }
    }

    /// Opens (creating the data folder and the database when missing) the desk's database; one
    /// an older FrontDesk wrote is backed up and then migrated ([`upkeep::open_store`]).
    pub fn open(paths: &Paths) -> Result<Session> {
        std::fs::create_dir_all(&paths.data_dir)?;
        let (store, upgraded) = upkeep::open_store(paths)?;
        Ok(Session {
            upgraded,
            ..Session::new(store)
        })
    }

    /// The upgrade this session's opening made (the schema versions and the backup before it).
    pub fn upgraded(&self) -> Option<&Upgrade> {
        self.upgraded.as_ref()
    }

    /// Opens the desk's database, which must already exist (a command that needs a desk set up).
    pub fn open_existing(paths: &Paths) -> Result<Session> {
        if !paths.database.exists() {
            return Err(Error::State(format!(
                "数据目录 {} 中没有数据库，请先完成设置（frontdesk init）或载入演示数据（frontdesk demo）",
                paths.data_dir.display()
            )));
        }
        Session::open(paths)
    }

    /// Signs a staff member in (the password checked, failures counted, the sign-in audited).
    pub fn sign_in(&mut self, login: &str, password: &str) -> Result<Actor> {
        let actor = auth::login(&mut self.store, login, password)?;
        self.clerk = Some(actor.clone());
        Ok(actor)
    }

    /// Signs the clerk out: the next read or write needs a sign-in.
    pub fn sign_out(&mut self) {
        self.clerk = None;
    }

    /// The signed-in clerk.
    pub fn clerk(&self) -> Result<&Actor> {
        self.clerk.as_ref().ok_or(Error::SignedOut)
    }

    /// The signed-in clerk, if any.
    pub fn signed_in(&self) -> Option<&Actor> {
        self.clerk.as_ref()
    }

    /// The store, for what needs no clerk (set-up, demo data, the database's check, who may
    /// sign in) and for the faces' reads of values without personal data.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The store, to write without a clerk (set-up, demo data).
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// The clerk's estate (on the head office, the one viewed).
    pub fn estate(&self) -> Result<Estate> {
        estate::estate(self.store.conn(), &self.clerk()?.estate_id)
    }

    /// The estate the desk shows: the clerk's (on the head office, the one viewed), else the
    /// desk's only estate, else its first (a head office before sign-in); `None` before set-up.
    pub fn shown_estate(&self) -> Result<Option<Estate>> {
        if self.clerk.is_some() {
            return self.estate().map(Some);
        }
        Ok(estate::estates(self.store.conn())?.into_iter().next())
    }

    /// Views another estate this desk holds: on a read-only desk (the head office,
    /// [`crate::store::read_only`]) the signed-in staff member reads any of them, and every read
    /// after is that estate's; elsewhere only the clerk's own estate may be chosen.
    pub fn view_estate(&mut self, id_or_code: &str) -> Result<Estate> {
        let e = estate::estate(self.store.conn(), id_or_code)?;
        let read_only = crate::store::read_only(self.store.conn())?;
        let clerk = self.clerk.as_mut().ok_or(Error::SignedOut)?;
        if e.id != clerk.estate_id && !read_only {
            return Err(Error::Denied(
                "只有总部只读桌面可以查看其他小区的数据".into(),
            ));
        }
        clerk.estate_id = e.id.clone();
        Ok(e)
    }

    /// A read as the clerk, with the store and the estate id; only values without personal data.
    pub fn read<T: Plain>(&self, f: impl FnOnce(&Store, &str) -> Result<T>) -> Result<T> {
        f(&self.store, &self.clerk()?.estate_id)
    }

    /// A read of personal data, as the clerk may see it in `view` ([`crate::privacy`]).
    pub fn seen<T: Redact>(
        &self,
        view: View,
        f: impl FnOnce(&Store, &str) -> Result<T>,
    ) -> Result<T> {
        let clerk = self.clerk()?;
        Ok(privacy::redacted(
            f(&self.store, &clerk.estate_id)?,
            clerk,
            view,
        ))
    }

    /// One write (one transaction) as the clerk, with the estate id; its result has no personal
    /// data.
    pub fn write<T: Plain>(&mut self, f: impl FnOnce(&mut Write, &str) -> Result<T>) -> Result<T> {
        Ok(self.write_as(f)?.0)
    }

    /// One write whose result carries personal data, shown as one record opened.
    pub fn write_seen<T: Redact>(
        &mut self,
        f: impl FnOnce(&mut Write, &str) -> Result<T>,
    ) -> Result<T> {
        let (value, clerk) = self.write_as(f)?;
        Ok(privacy::redacted(value, &clerk, View::Record))
    }

    fn write_as<T>(&mut self, f: impl FnOnce(&mut Write, &str) -> Result<T>) -> Result<(T, Actor)> {
        let clerk = self.clerk()?.clone();
        let value = self.store.write(&clerk, |w| f(w, &clerk.estate_id))?;
        Ok((value, clerk))
    }

    /// How phones appear in `document`: masked, or in full when `full` is asked and the clerk
    /// may (supervisors), which is recorded in the audit log.
    pub fn disclosure(&mut self, full: bool, document: &str) -> Result<Disclosure> {
        if !full {
            return Ok(Disclosure::Masked);
        }
        self.write(|w, eid| documents::unmask(w, eid, document))
    }
}
