//! Documents the desk prints and files: the 协调单, the 派工单, the 《客户投诉处理记录表》, the
//! 《维修有偿服务项目及收费标准》 ([`price_list`]), the desk's logs, the month-end workbook and report and the head office's company workbook, as PDF ([`pdf`]) and XLSX ([`xlsx`]).
//! The CLI and the desktop app call these functions and nothing else, so both produce the same files.
//!
//! Invariants:
//! - A document is written to a temporary file beside its target and renamed into place only once
//!   it is complete ([`write_atomic`]): a failed export leaves no half-written file and never
//!   damages an earlier file of the same name.
//! - Phone and id numbers are masked unless the actor has the right to see them in full and asked
//!   for it ([`Disclosure`]); every unmasked export is recorded in the audit log ([`unmask`]).
//! - Long exports report progress through a [`crate::Progress`] callback as `(done, total)`.

mod disclosure;
mod export;
mod io;
pub mod pdf;
pub mod price_list;
mod register;
pub mod xlsx;

pub use disclosure::{unmask, Disclosure};
pub use export::{company_month_end, month_end, MonthEnd};
pub use io::write_atomic;
pub use register::{Exported, Format, Register};
