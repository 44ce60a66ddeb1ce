//! # tcrules-arrow
//!
//! The columnar engine of [`tcrules`]: tables of projects and of monthly records as Arrow
//! record batches in, result columns (or a report) out, for a million rows at a time. The
//! rules are the core's; this crate reads Arrow columns as the core's values, runs the
//! core on every row (sharing the rows among the machine's cores) and writes the answers
//! as Arrow columns. The Python package calls it on pandas, polars and pyarrow tables;
//! Rust users call it on their own record batches.
//!
//! | call | in | out |
//! |---|---|---|
//! | [`project_batch`] | a project table | one result row per project, in order: requirements, findings or schedule ([`ProjectBatch`]) |
//! | [`due_between`] | a project table | the evaluations falling due in a period, in date order |
//! | [`delivery`] | a records table (and a projects table) | the delivery report by group |
//! | [`delivery_by`] | a records table (and a projects table) | delivery by any keys (columns, project attributes, time keys), one row per group |
//!
//! Tables are in the core's flat layout ([`tcrules::io::csv`]): `id`, `title`, `start`,
//! `end`, `budget_amount`, `budget_currency` and the optional project columns; `project`,
//! `month`, `source`, `currency`, `allocation`, `expenditure` for records. A table with
//! its own headers is read through a column mapping ([`Table::with_columns`] with a
//! [`tcrules::io::Columns`]): its columns keep their names, errors name them, and a table
//! lacking columns is one error naming every missing one with the closest header
//! suggested; a delivery grouping whose column the projects table lacks is such an error
//! too, never every record unassigned. Cells may be typed as a data scientist's table has
//! them:
//!
//! | value | Arrow types read |
//! |---|---|
//! | date | date32, date64, timestamps at midnight (any unit; without a time zone or in UTC, the stored value; in another zone, local midnight), ISO text |
//! | amount | decimal128 (exact), integers, float64/float32 (from the shortest repr that round-trips; NaN and infinity rejected), text |
//! | text | any string, dictionary or other type that casts to a string |
//!
//! A bad cell is its row's error (`error_code`, `error_message`, `error_field`), never the
//! batch's; a table missing a column, or with a column of a type that holds no such
//! values, is an error for the whole call. Errors are the core's ([`tcrules::Error`]).
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{ArrayRef, Date32Array, Decimal128Array, RecordBatch, StringArray};
//! use tcrules::{money::Rates, Policy};
//! use tcrules_arrow::{project_batch, ProjectBatch, Table, TextLayout};
//!
//! let days = |v: Vec<i32>| -> ArrayRef { Arc::new(Date32Array::from(v)) };
//! let budgets = Decimal128Array::from(vec![35_000_000_i128, 35_000_001])
//!     .with_precision_and_scale(12, 2)
//!     .unwrap();
//! let projects = RecordBatch::try_from_iter([
//!     ("start", days(vec![19_723, 19_723])), // 2024-01-01
//!     ("end", days(vec![20_269, 20_269])),   // 2025-06-30
//!     ("budget_amount", Arc::new(budgets) as ArrayRef),
//! ])
//! .unwrap();
//! let rates = Rates::usd_only();
//! let out = project_batch(&Table::from(projects), ProjectBatch::Requirements,
//!     &Policy::default(), &rates, TextLayout::Strings).unwrap();
//! assert_eq!(out.num_rows(), 2);
//! let class = out.column_by_name("duration_class").unwrap();
//! let class = class.as_any().downcast_ref::<StringArray>().unwrap();
//! assert_eq!(class.value(0), "medium");
//! ```

mod batch;
mod codes;
mod columns;
mod delivery;
mod delivery_by;
mod distinct;
mod finding_columns;
mod findings;
mod iati;
mod output;
mod parallel;
mod projects;
mod requirements;
mod table;

pub use batch::{due_between, project_batch, ProjectBatch, TextLayout};
pub use delivery::delivery;
pub use delivery_by::delivery_by;
pub use finding_columns::COLUMNS as FINDINGS_COLUMNS;
pub use findings::findings;
pub use iati::{iati_batch, BUDGET_SCALE};
pub use table::Table;
