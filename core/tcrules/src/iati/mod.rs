//! IATI activity files: the open standard in which donors and agencies publish their
//! activities (XML, version 2.03 and the older 1.0x).
//!
//! [`Activities`] streams a file over any [`BufRead`](std::io::BufRead), one `iati-activity` at a time, in
//! bounded memory; [`read`] applies the rules to every activity and gives one
//! [`IatiRow`] per activity: duration class, required evaluations, independent
//! evaluation, delivery by year and the gender marker finding, or the error that kept the
//! activity from being read. A malformed activity is an error in its own row; the rest of
//! the file still imports.
//!
//! | IATI | read as |
//! |---|---|
//! | `activity-date` type 1 / 2 (v1 `start-planned` / `start-actual`), its `@iso-date` or (v1) its text | planned / actual start; actual wins |
//! | `activity-date` type 3 / 4 (v1 `end-planned` / `end-actual`) | planned / actual end; actual wins |
//! | `budget` type 1 original, 2 revised (v1 `Original`, `Revised`); status 1 indicative, 2 committed | per period, the latest revised budget supersedes the original; a period over one year is an `IATI-BUDGET-PERIOD` finding |
//! | `transaction` type 1 incoming funds, 2 outgoing commitment, 3 disbursement, 4 expenditure, 11 incoming commitment, ... (v1 `IF`, `C`, `D`, `E`, ...) | all kept; disbursements and expenditure are delivered against the budgets |
//! | `participating-org` role 1 (v1 `Funding`) | the donors |
//! | `policy-marker` code 1, vocabulary 1 (v1 `DAC`) or none | the gender equality marker, significance 0, 1 or 2 |
//! | `value/@currency`, else the activity's `@default-currency`; `value/@value-date` | the money, and the date of its exchange rate (kept; conversion uses the caller's one rate per currency) |
//!
//! | `document-link` with `category/@code` A07 | a published evaluation (IATI-EVAL-DOC, judged at an as-of date) |
//!
//! Delivery of a year is the disbursements and expenditure dated in it over the budgets
//! whose period starts in it, for every year up to the latest disbursement or expenditure.
//! A year is the publisher's budget year by default (twelve months from the month the
//! earliest budget period starts: April–March for a publisher whose budgets run so), or
//! calendar or fiscal years as asked ([`Periods`]). [`Rows`] gives the rows one at a time
//! as they are read, so that output can be written in bounded memory.
//!
//! A file is read as published: gzip-compressed or not, in UTF-8, UTF-16 (with or without
//! a byte order mark) or the encoding its XML declaration names (`ISO-8859-1`, ...), which
//! is decoded; an encoding no one knows is refused with its name. Amounts are kept with
//! their sign (reversals and corrections are negative), IATI 1.0x dates may be the
//! element's text and budget types words (`Original`, `Revised`), and an empty or unknown
//! optional attribute is a note on its activity ([`IatiNote`], an `IATI-DATA` finding),
//! not a rejection of it.
//!
//! Hostile input is refused, never expanded: a `DOCTYPE` is an error (so no entity can be
//! declared, which defeats "billion laughs"), only the five predefined entities and
//! character references are read, a gzip file inflates at most [`MAX_GZIP_RATIO`] times
//! its size, and nesting, token and text sizes are capped ([`MAX_DEPTH`], [`MAX_TOKEN_BYTES`], [`MAX_TEXT_BYTES`],
//! [`MAX_ITEMS`]). Errors carry XPath-style paths counted from 1, as XPath counts:
//! `iati-activity[3]/budget[1]/value/@currency`. A file that is not well-formed XML stops
//! being read where it breaks: inside an activity, that activity's row has the
//! `invalid_xml` error; outside one, the report's `errors` has it.

mod encoding;
mod flat;
mod model;
mod periods;
mod reader;
mod rules;

pub use encoding::{MAX_GZIP_RATIO, MIN_INFLATED_BYTES};
pub use flat::COLUMNS;
pub use model::*;
pub use periods::Periods;
pub use reader::{
    Activities, EVALUATION_CATEGORY, MAX_DEPTH, MAX_ITEMS, MAX_TEXT_BYTES, MAX_TOKEN_BYTES,
};
pub use rules::{as_of, read, read_with, IatiReport, IatiRow, ReadOptions, Rows};
