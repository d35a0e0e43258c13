//! The first set-up every desk runs once ([`init`]): the estate, its default departments and the
//! first supervisor, who then adds the staff and the units. Until a supervisor saves a policy, the
//! estate runs on the seeds' defaults ([`crate::policy`]).
//!
//! Invariants: a database is set up once — [`init`] (and the demo and practice desks of
//! [`crate::demo`], through `refuse_if_set_up`) refuse a database that already has an estate, so a
//! desk never gets a second estate and nothing real is mixed with demo data; the set-up is one write
//! by the system actor (all of it or nothing), with the same checks as the estate's own operations
//! (estate name and code, the supervisor's login and password).

use crate::error::{Error, Result};
use crate::estate::{self, Estate, EstateInput, StaffInput};
use crate::store::Store;
use crate::Actor;

/// The departments a new estate starts with.
pub const DEFAULT_DEPARTMENTS: &[&str] =
    &["客服中心", "工程维修部", "保安部", "保洁绿化", "财务部"];

/// Refuses a database that already has an estate.
pub(crate) fn refuse_if_set_up(store: &Store) -> Result<()> {
    if !estate::estates(store.conn())?.is_empty() {
        return Err(Error::State("数据库中已有小区，不能重复初始化".into()));
    }
    Ok(())
}

/// Creates the estate, its default departments and the first supervisor.
pub fn init(
    store: &mut Store,
    name: &str,
    code: &str,
    slip_title: Option<&str>,
    admin_login: &str,
    admin_name: &str,
    admin_password: &str,
) -> Result<Estate> {
    refuse_if_set_up(store)?;
    store.write(&Actor::system(), |w| {
        let e = estate::create_estate(
            w,
            &EstateInput {
                name: Some(name.into()),
                code: Some(code.into()),
                slip_title: slip_title.map(str::to_string),
            },
        )?;
        for d in DEFAULT_DEPARTMENTS {
            estate::add_department(w, &e.id, Some(d))?;
        }
        estate::add_staff(
            w,
            &e.id,
            &StaffInput {
                login: Some(admin_login.into()),
                name: Some(admin_name.into()),
                role: Some("supervisor".into()),
                department: Some("客服中心".into()),
                phone: None,
                password: Some(admin_password.into()),
            },
        )?;
        Ok(e)
    })
}
