//! Setting up a desk: a fresh estate with its first supervisor ([`init`]), or realistic demo data
//! for one estate ([`load`]).
//!
//! Invariants: both refuse a database that already has an estate, so nothing real is ever mixed
//! with demo data; demo data is deterministic for a seed and dated up to the store's clock.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::estate::{self, Estate, EstateInput, StaffInput};
use crate::store::Store;
use crate::Actor;

/// The seed `frontdesk demo` uses.
pub const DEMO_SEED: u64 = 20261123;

/// The departments a new estate starts with.
pub const DEFAULT_DEPARTMENTS: &[&str] =
    &["客服中心", "工程维修部", "保安部", "保洁绿化", "财务部"];

fn refuse_if_set_up(store: &Store) -> Result<()> {
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

/// What [`load`] created.
#[derive(Debug, Default, Serialize)]
pub struct DemoSummary {
    pub estate: String,
    pub staff_password: String,
    pub units: usize,
    pub customers: usize,
    pub intakes: usize,
    pub complaints: usize,
    pub slips: usize,
    pub repairs: usize,
    pub followups: usize,
}

/// Loads demo data (in progress: estate and staff only).
pub fn load(store: &mut Store, _seed: u64) -> Result<DemoSummary> {
    refuse_if_set_up(store)?;
    Err(Error::State("演示数据尚未完成".into()))
}
