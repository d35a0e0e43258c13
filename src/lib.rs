//! FrontDesk (物业前台): the core of the property-management front desk.
//!
//! Everything the desk records and every workflow it runs lives here, with no UI and no IPC: the
//! store and its migrations ([`store`]), a desk's first set-up ([`setup`]), the register
//! ([`estate`], [`customers`], [`intake`], [`complaints`], [`slips`], [`repairs`], [`followups`],
//! the duty log and handover [`duty`], household visits [`household_visits`], compensation
//! claims [`claims`]),
//! search ([`search`]), imports ([`import`]) and demo data ([`demo`]); sync with the company's
//! server ([`sync`], network-free: the transport is given); the company's rules as data:
//! grading and escalation ([`grading`]), the working calendar and deadlines ([`calendar`],
//! [`deadlines`]), work queues ([`queues`]) and KPIs ([`kpi`]); data safety ([`backup`]); the
//! documents it prints and exports ([`documents`]); who may see which personal data ([`privacy`]).
//! The CLI (`src/bin/frontdesk`) and the desktop shell call these functions and nothing else. See
//! `docs/ARCHITECTURE.md`.

pub mod actor;
pub mod app;
pub mod attachments;
pub mod auth;
pub mod backup;
pub mod calendar;
pub mod cases;
pub mod claims;
pub mod complaints;
pub mod customers;
pub mod deadlines;
pub mod demo;
pub mod documents;
pub mod duty;
pub mod error;
pub mod estate;
pub mod followups;
pub mod grading;
pub mod household_visits;
pub mod import;
pub mod intake;
pub mod kpi;
pub mod policy;
pub mod privacy;
pub mod queues;
pub mod repair_visits;
pub mod repairs;
pub mod search;
pub mod setup;
pub mod slips;
pub mod store;
pub mod sync;
pub mod time;
pub mod validate;
pub mod vocab;

pub use actor::Actor;
pub use error::{Error, Result};
pub use store::{Store, Write};

/// Progress of a long operation (an export, an import): called with `(done, total)` rows or
/// pages, in order.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);
