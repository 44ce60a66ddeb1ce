//! # tcrules
//!
//! The portfolio rules of technical (development) cooperation as tested functions with
//! explanations and citations. The rules come from International Labour Conference,
//! 95th Session (2006), Report VI, *The role of the ILO in technical cooperation*
//! (cited as R6 §N) and the ILO Development Cooperation page (DC).
//!
//! | family | module | what it answers |
//! |---|---|---|
//! | EVAL | [`evaluation`] | which evaluations a project needs and when (R6 §143) |
//! | DLV | [`delivery`] | how much of its resources a project, unit or region delivered (R6 §140) |
//! | INT | [`integration`] | whether RB, RBTC and XB resources are integrated (R6 §59–64, §162) |
//! | PF | [`portfolio`] | approvals, shares and concentration (R6 Table V.1, Annexes 1–2) |
//! | APR | [`appraisal`] | whether a proposal is ready for submission (DC, R6 §68, §305) |
//!
//! Every rule returns [`Finding`]s that name the rule, status, severity, the facts
//! compared, the citation and the [`Policy`] edition that produced them.
//!
//! Inputs come as canonical JSON ([`io::json`]), flat CSV tables ([`io::csv`]) or IATI
//! activity files, the open standard donors and agencies publish in ([`iati`]);
//! [`api`] is the JSON boundary every binding calls.
//!
//! Cargo features, all on by default: `csv` and `iati`, the CSV and IATI readers (with
//! the `csv` and `quick-xml` crates); `portfolio-kinds`, the JSON boundary's portfolio
//! kinds (`delivery` to `report`; the rule functions are there without it); `schema`, the
//! JSON Schemas of the input types; `template`, the proposal template for spreadsheets
//! ([`template`]: written with `rust_xlsxwriter`, read back from cells or CSV). The smallest WebAssembly module leaves out all but the
//! boundary's proposal and project kinds. The `tcrules` program is its own crate,
//! `tcrules-cli` (`core/cli`).
//!
//! ```
//! use tcrules::{evaluation, Policy, Project, money::Rates};
//! let project: Project = serde_json::from_str(r#"{
//!     "id": "P1", "title": "Promoting pay equity",
//!     "start": "2024-01-01", "end": "2025-06-30",
//!     "budget": {"amount": "412000", "currency": "USD"}
//! }"#).unwrap();
//! let req = evaluation::requirements(&project, &Policy::default(), &Rates::usd_only()).unwrap();
//! assert!(req.mid_term_evaluation && req.independent_evaluation);
//! ```

pub mod api;
pub mod appraisal;
pub mod delivery;
pub mod delivery_by;
pub mod error;
pub mod evaluation;
pub mod finding;
#[cfg(feature = "csv")]
pub mod finding_rows;
#[cfg(feature = "iati")]
pub mod iati;
pub mod integration;
pub mod io;
pub mod model;
pub mod money;
pub mod period;
pub mod policy;
pub mod portfolio;
pub mod report;
pub mod rule;
#[cfg(feature = "schema")]
pub mod schema;
#[cfg(feature = "template")]
pub mod template;
#[cfg(test)]
mod testing;

pub use error::{Error, ErrorInfo, Result};
pub use finding::{Fact, Finding, Sink};
pub use model::{Portfolio, Project, Proposal};
pub use policy::{Policy, PolicyStamp};
pub use rule::{RuleId, Severity, Status};
