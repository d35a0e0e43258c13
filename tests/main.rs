//! The core's integration tests: one binary, a module per area, shared helpers in `common`.

mod common;

mod app;
mod attachments;
mod backup;
mod calendar;
mod claims;
mod complaints;
mod customers;
mod deadlines;
mod documents;
mod documents_pdf;
mod documents_xlsx;
mod duty;
mod estate;
mod followups;
mod fuzz;
mod grading;
mod household_visits;
mod import;
pub mod intake;
mod kpi;
mod privacy;
mod queues;
mod repair_visits;
pub mod repairs;
mod search;
mod slips;
mod store;
mod sync;
mod vocabulary;
mod windows;
