//! The JSON boundary: every capability as `kind` + JSON input → canonical JSON output.
//!
//! Bindings that speak JSON (WASM, the conformance suites) call this one dispatcher, so
//! the answer for the same input is the same in every language: [`call`] takes and gives
//! values, [`call_str`] JSON text (the faster way from text to text). Kinds and their
//! inputs:
//!
//! | kind | input fields | output |
//! |---|---|---|
//! | `evaluation` | `project`, `rates` | [`evaluation::evaluate`] |
//! | `schedule` | `project`, `rates` | [`evaluation::schedule`] |
//! | `appraisal` | `proposal`, `rates` | [`appraisal::appraise`] |
//! | `delivery` | `portfolio`, `group_by`, `period` | [`delivery::delivery`] |
//! | `delivery_series` | `portfolio`, `group_by`, `year` | [`delivery::ytd_series`] |
//! | `integration` | `portfolio` | [`integration::report`] |
//! | `portfolio` | `portfolio`, `periods` (optional) | [`portfolio::report`] |
//! | `report` | `portfolio`, `options` (optional) | [`report::report`] |
//! | `findings` | `projects` (rows of text cells in the flat layout), `records`, `period` (both optional; `all` by default), `rates` | [`crate::finding_rows::of_text_rows`] |
//! | `policy` | `text` (a policy file's text) | the edition's stamp |
//! | `read_portfolio` | `text` (JSON text) | `{"ok": true}` once validated |
//! | `iati` | `text` (an IATI activity file), `rates`, `as_of` (a date: ask whether finished activities publish their evaluation), `periods` (`"published"`, `"calendar"` or `{"fiscal": 4}`) | [`crate::iati::read_with`] |
//!
//! The portfolio kinds (`delivery` to `report`, and `read_portfolio`) need the
//! `portfolio-kinds` feature and `iati` the `iati` feature (both on by default); a build
//! without them answers those kinds with an `invalid_value` error at `kind`.
//!
//! [`read`] and [`read_str`] are the same boundary for a file's bytes, in any
//! [`io::Format`].
//!
//! `rates` and `periods` may be absent. Error paths are relative to the object the error
//! is in (`budget.amount` of the project), as the rule functions report them; an absent
//! input field is named itself (`project`).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::io::Format;
use crate::money::Rates;
use crate::{appraisal, evaluation, io, Error, Policy, Project, Proposal};
#[cfg(feature = "portfolio-kinds")]
use crate::{
    delivery::{self, GroupBy},
    integration,
    period::ReportingPeriod,
    portfolio::{self, YearRange},
    report::{self, ReportOptions},
    Portfolio,
};

/// Every kind [`call`] understands.
pub const KINDS: &[&str] = &[
    "evaluation",
    "schedule",
    "appraisal",
    "delivery",
    "delivery_series",
    "delivery_by",
    "findings",
    "integration",
    "portfolio",
    "report",
    "policy",
    "read_portfolio",
    "iati",
];

/// Runs `kind` on `input` under `policy`.
///
/// ```
/// use serde_json::json;
/// let input = json!({"project": {"id": "P1", "title": "T", "start": "2024-01-01",
///     "end": "2025-06-30", "budget": {"amount": "350000.00", "currency": "USD"}}});
/// let out = tcrules::api::call("evaluation", &input, &tcrules::Policy::default()).unwrap();
/// assert_eq!(out["requirements"]["class"], "medium");
/// assert_eq!(out["requirements"]["independent_evaluation"], false);
/// let err = tcrules::api::call("evaluation", &json!({}), &tcrules::Policy::default()).unwrap_err();
/// assert_eq!((err.code(), err.path()), ("invalid_json", "project"));
/// ```
pub fn call(kind: &str, input: &Value, policy: &Policy) -> Result<Value, Error> {
    dispatch(kind, Source::Value(input), policy)
}

/// Runs `kind` on the JSON text `input` under `policy`, answering JSON text: the answer
/// of [`call`] on the parsed text, errors included, with each object's members in the
/// order its type declares them (the answer of [`call`] has them sorted).
///
/// The text is read in one pass straight into the kind's input types; only input that
/// does not read that way (a bad field, an unknown, repeated or missing one) is read as
/// [`call`] reads it, for the same error.
///
/// ```
/// use tcrules::{api, Policy};
/// let input = r#"{"project": {"id": "P1", "title": "T", "start": "2024-01-01",
///     "end": "2025-06-30", "budget": {"amount": "350000.01", "currency": "USD"}}}"#;
/// let out = api::call_str("evaluation", input, &Policy::default()).unwrap();
/// assert!(out.contains(r#""independent_evaluation":true"#));
/// let e = api::call_str("evaluation", r#"{"project": {"id": 1}}"#, &Policy::default()).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("invalid_json", "id"));
/// ```
pub fn call_str(kind: &str, input: &str, policy: &Policy) -> Result<String, Error> {
    io::json::check_size(input)?;
    dispatch(kind, Source::Text(input), policy)
}

/// Where a call's input comes from.
#[derive(Clone, Copy)]
enum Source<'a> {
    Text(&'a str),
    Value(&'a Value),
}

impl Source<'_> {
    /// Reads a kind's input: text in one pass if it reads, else field by field. The pass
    /// is serde_json's alone, and its error is not used: only the read field by field
    /// names paths (found from where in the text an error stopped, see `io::json`).
    fn read<I: Input>(self) -> Result<I, Error> {
        match self {
            // A struct also reads from a JSON array; inputs are objects only.
            Source::Text(text) if text.trim_start().starts_with('{') => {
                io::json::from_str(text).or_else(|_| self.fields())
            }
            _ => self.fields(),
        }
    }

    /// Reads a kind's input field by field from the parsed value: unknown top-level
    /// fields ignored, the last of repeated keys kept, the fields in a fixed order and
    /// each object's members sorted, so that the first error is always the same one.
    fn fields<I: Input>(self) -> Result<I, Error> {
        match self {
            Source::Text(text) => I::from_fields(&io::json::parse_value(text)?),
            Source::Value(value) => I::from_fields(value),
        }
    }
}

/// A kind's input fields.
trait Input: DeserializeOwned {
    fn from_fields(input: &Value) -> Result<Self, Error>;
}

/// Reads one input field (absent is `null`). Paths stay relative to the object read
/// (`budget.amount`), as the rules' own errors are; only an unreadable field itself is
/// named.
fn field<T: DeserializeOwned>(input: &Value, name: &str) -> Result<T, Error> {
    io::json::read_value(input.get(name).unwrap_or(&Value::Null)).map_err(|e| {
        if e.path().is_empty() {
            e.at(name)
        } else {
            e
        }
    })
}

/// Declares kinds' inputs, each field in the order a read field by field takes them
/// (`Option` fields may be absent or `null`). The one-pass read refuses unknown fields (and
/// serde refuses repeated and missing ones), which the read field by field ignores, keeps
/// the last of, or reports as [`call`] does.
macro_rules! inputs {
    ($($(#[$doc:meta])* $name:ident { $($field:ident: $ty:ty),+ $(,)? })+) => {$(
        $(#[$doc])*
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $name {
            $($field: $ty),+
        }

        impl Input for $name {
            fn from_fields(input: &Value) -> Result<Self, Error> {
                Ok($name {
                    $($field: field(input, stringify!($field))?),+
                })
            }
        }
    )+};
}

inputs! {
    /// `evaluation` and `schedule`.
    ProjectInput { rates: Option<Rates>, project: Project }
    /// `appraisal`.
    ProposalInput { rates: Option<Rates>, proposal: Proposal }
    /// `policy` and `read_portfolio`.
    TextInput { text: String }
}

#[cfg(feature = "portfolio-kinds")]
inputs! {
    /// `delivery`.
    DeliveryInput { portfolio: Portfolio, group_by: GroupBy, period: ReportingPeriod }
    /// `delivery_series`.
    SeriesInput { portfolio: Portfolio, group_by: GroupBy, year: i32 }
    /// `delivery_by`: `by` the keys, `ytd` year-to-date sums.
    ByInput { portfolio: Portfolio, by: Vec<String>, ytd: Option<bool> }
    /// `integration`.
    PortfolioInput { portfolio: Portfolio }
    /// `portfolio`.
    PeriodsInput { portfolio: Portfolio, periods: Option<Vec<YearRange>> }
    /// `report`.
    ReportInput { portfolio: Portfolio, options: Option<ReportOptions> }
}

#[cfg(all(feature = "portfolio-kinds", feature = "csv"))]
inputs! {
    /// `findings`.
    FindingsInput {
        rates: Option<Rates>,
        projects: Vec<crate::finding_rows::TextRow>,
        records: Option<Vec<crate::model::FinancialRecord>>,
        period: Option<ReportingPeriod>,
    }
}

#[cfg(feature = "iati")]
inputs! {
    /// `iati`.
    IatiInput {
        text: String,
        rates: Option<Rates>,
        as_of: Option<String>,
        periods: Option<crate::iati::Periods>
    }
}

/// What an answer is written as: a value, or JSON text.
trait Output: Sized {
    fn of<T: Serialize + ?Sized>(answer: &T) -> Result<Self, Error>;
}

impl Output for Value {
    fn of<T: Serialize + ?Sized>(answer: &T) -> Result<Self, Error> {
        serde_json::to_value(answer).map_err(write_error)
    }
}

impl Output for String {
    fn of<T: Serialize + ?Sized>(answer: &T) -> Result<Self, Error> {
        serde_json::to_string(answer).map_err(write_error)
    }
}

fn write_error(e: serde_json::Error) -> Error {
    Error::Io {
        path: String::new(),
        message: e.to_string(),
    }
}

/// The answer of `read_portfolio`.
#[cfg(feature = "portfolio-kinds")]
#[derive(Serialize)]
struct Validated {
    ok: bool,
}

fn dispatch<O: Output>(kind: &str, input: Source<'_>, policy: &Policy) -> Result<O, Error> {
    match kind {
        "evaluation" => {
            let ProjectInput { project, rates } = input.read()?;
            O::of(&evaluation::evaluate(
                &project,
                policy,
                &rates.unwrap_or_default(),
            ))
        }
        "schedule" => {
            let ProjectInput { project, rates } = input.read()?;
            O::of(&evaluation::schedule(
                &project,
                policy,
                &rates.unwrap_or_default(),
            )?)
        }
        "appraisal" => {
            let ProposalInput { proposal, rates } = input.read()?;
            O::of(&appraisal::appraise(
                &proposal,
                policy,
                &rates.unwrap_or_default(),
            )?)
        }
        #[cfg(feature = "portfolio-kinds")]
        "delivery" => {
            let DeliveryInput {
                portfolio: p,
                group_by,
                period,
            } = input.read()?;
            O::of(&delivery::delivery(
                &p.projects,
                &p.records,
                group_by,
                period,
                policy,
                &p.rates,
            )?)
        }
        #[cfg(feature = "portfolio-kinds")]
        "delivery_by" => {
            let ByInput {
                portfolio: p,
                by,
                ytd,
            } = input.read()?;
            let by: Vec<&str> = by.iter().map(String::as_str).collect();
            O::of(&crate::delivery_by::delivery_by(
                &p.projects,
                &p.records,
                &by,
                ytd.unwrap_or(false),
                policy,
                &p.rates,
            )?)
        }
        #[cfg(all(feature = "portfolio-kinds", feature = "csv"))]
        "findings" => {
            let FindingsInput {
                rates,
                projects,
                records,
                period,
            } = input.read()?;
            let records = records
                .as_deref()
                .map(|r| (r, period.unwrap_or(ReportingPeriod::All)));
            O::of(&crate::finding_rows::of_text_rows(
                &projects,
                records,
                policy,
                &rates.unwrap_or_default(),
            )?)
        }
        #[cfg(feature = "portfolio-kinds")]
        "delivery_series" => {
            let SeriesInput {
                portfolio: p,
                group_by,
                year,
            } = input.read()?;
            O::of(&delivery::ytd_series(
                &p.projects,
                &p.records,
                group_by,
                year,
                &p.rates,
            )?)
        }
        #[cfg(feature = "portfolio-kinds")]
        "integration" => {
            let PortfolioInput { portfolio } = input.read()?;
            O::of(&integration::report(&portfolio, policy)?)
        }
        #[cfg(feature = "portfolio-kinds")]
        "portfolio" => {
            let PeriodsInput { portfolio, periods } = input.read()?;
            O::of(&portfolio::report(&portfolio, periods.as_deref(), policy)?)
        }
        #[cfg(feature = "portfolio-kinds")]
        "report" => {
            // `ReportOptions` ignores unknown fields, and what serde_json skips it does not
            // check as a parse into a value does (nesting depth, number range).
            let ReportInput { portfolio, options } = input.fields()?;
            O::of(&report::report(
                &portfolio,
                policy,
                &options.unwrap_or_default(),
            ))
        }
        "policy" => {
            let TextInput { text } = input.read()?;
            O::of(Policy::from_json(&text)?.stamp())
        }
        #[cfg(feature = "portfolio-kinds")]
        "read_portfolio" => {
            let TextInput { text } = input.read()?;
            io::json::read_portfolio(&text)?;
            O::of(&Validated { ok: true })
        }
        #[cfg(feature = "iati")]
        "iati" => {
            let IatiInput {
                text,
                rates,
                as_of,
                periods,
            } = input.read()?;
            let options = crate::iati::ReadOptions {
                as_of: as_of.as_deref().map(crate::iati::as_of).transpose()?,
                periods: periods.unwrap_or_default(),
            };
            read_iati_as(
                text.as_bytes(),
                &rates.unwrap_or_default(),
                policy,
                &options,
            )
        }
        #[cfg(not(all(feature = "portfolio-kinds", feature = "csv")))]
        "findings" => Err(left_out(
            "kind",
            "answers no findings table",
            "portfolio-kinds",
        )),
        #[cfg(not(feature = "portfolio-kinds"))]
        "delivery" | "delivery_series" | "delivery_by" | "integration" | "portfolio" | "report"
        | "read_portfolio" => Err(left_out(
            "kind",
            "answers no portfolio kind",
            "portfolio-kinds",
        )),
        #[cfg(not(feature = "iati"))]
        "iati" => Err(left_out("kind", "reads no IATI", "iati")),
        other => {
            // An unknown kind is named only once its input is known to be JSON.
            if let Source::Text(text) = input {
                io::json::parse_value(text)?;
            }
            Err(Error::Invalid {
                path: "kind".into(),
                message: format!("unknown kind {other:?}; one of {}", KINDS.join(", ")),
            })
        }
    }
}

/// Reads a file's bytes in `format` (`json`, `csv`, `iati` or `policy`, see
/// [`io::Format`]), as the command line reads files: a JSON portfolio, validated, or a CSV
/// table (recognized by its header) gives the canonical portfolio; a policy edition its
/// stamp; an IATI file the rules applied to every activity ([`crate::iati::read`], with
/// `rates`). Bytes that are not UTF-8 are the format's own error, except that an IATI file
/// may be UTF-16, in the encoding its XML declaration names, or gzip-compressed.
///
/// ```
/// use tcrules::{api, money::Rates, Policy};
/// let csv = b"id,title,start,end,budget_amount,budget_currency\nP1,T,2024-01-01,2025-06-30,1,USD\n";
/// let out = api::read("csv", csv, &Rates::usd_only(), &Policy::default()).unwrap();
/// assert_eq!(out["projects"][0]["id"], "P1");
/// let e = api::read("json", b"{\"projects\": [\xFF]}", &Rates::usd_only(), &Policy::default()).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("invalid_json", ""));
/// ```
pub fn read(format: &str, bytes: &[u8], rates: &Rates, policy: &Policy) -> Result<Value, Error> {
    read_as(format, bytes, rates, policy)
}

/// [`read`], answering JSON text, with object members in the order the types declare them.
///
/// ```
/// use tcrules::{api, money::Rates, Policy};
/// let csv = b"id,title,start,end,budget_amount,budget_currency\nP1,T,2024-01-01,2025-06-30,1,USD\n";
/// let out = api::read_str("csv", csv, &Rates::usd_only(), &Policy::default()).unwrap();
/// assert!(out.starts_with(r#"{"rates":{},"projects":[{"id":"P1","title":"T","#));
/// ```
pub fn read_str(
    format: &str,
    bytes: &[u8],
    rates: &Rates,
    policy: &Policy,
) -> Result<String, Error> {
    read_as(format, bytes, rates, policy)
}

/// Reads an IATI activity file's bytes as [`read_str`] does, with the reader's options
/// (the as-of date of IATI-EVAL-DOC, the kind of year of delivery); the report as JSON
/// text, for the bindings' IATI readers.
///
/// ```
/// use tcrules::{api, iati::{Periods, ReadOptions}, money::Rates, Policy};
/// let options = ReadOptions { as_of: None, periods: Periods::Fiscal(13) };
/// let e = api::read_iati(b"<iati-activities/>", &Rates::usd_only(), &Policy::default(), &options).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("invalid_value", "periods"));
/// ```
#[cfg(feature = "iati")]
pub fn read_iati(
    bytes: &[u8],
    rates: &Rates,
    policy: &Policy,
    options: &crate::iati::ReadOptions,
) -> Result<String, Error> {
    read_iati_as(bytes, rates, policy, options)
}

#[cfg(feature = "iati")]
fn read_iati_as<O: Output>(
    bytes: &[u8],
    rates: &Rates,
    policy: &Policy,
    options: &crate::iati::ReadOptions,
) -> Result<O, Error> {
    rates.validate("rates")?;
    let options = crate::iati::ReadOptions {
        periods: options.periods.validate()?,
        ..*options
    };
    O::of(&crate::iati::read_with(bytes, rates, policy, &options))
}

// Only the IATI reader takes rates and the policy.
#[cfg_attr(not(feature = "iati"), allow(unused_variables))]
fn read_as<O: Output>(
    format: &str,
    bytes: &[u8],
    rates: &Rates,
    policy: &Policy,
) -> Result<O, Error> {
    match format.parse::<Format>()? {
        Format::Json => O::of(&io::json::read_portfolio(Format::Json.text(bytes)?)?),
        #[cfg(feature = "csv")]
        Format::Csv => {
            let options = io::csv::Options {
                labels: policy.spec().labels.clone(),
                ..io::csv::Options::default()
            };
            O::of(&io::csv::read_table_with(
                &io::table_text(bytes, None)?,
                &options,
            )?)
        }
        #[cfg(not(feature = "csv"))]
        Format::Csv => Err(left_out("format", "reads no CSV", "csv")),
        Format::Policy => O::of(Policy::from_json(Format::Policy.text(bytes)?)?.stamp()),
        #[cfg(feature = "iati")]
        Format::Iati => read_iati_as(bytes, rates, policy, &Default::default()),
        #[cfg(not(feature = "iati"))]
        Format::Iati => Err(left_out("format", "reads no IATI", "iati")),
    }
}

/// Reads a table file (CSV text, or an Excel or OpenDocument workbook's sheet, told from
/// its content: [`io::table_text`]) as [`read`] reads a `csv` file, with what a caller
/// says of it: `options` (day or month first, the column mapping) and `sheet` (default:
/// the first). Answers the canonical portfolio holding the table, as JSON text.
///
/// ```
/// use tcrules::{api, io::{csv::Options, Columns}};
/// let text = b"Project ID;title;start;end;Budget;budget_currency\nP1;T;31/01/2024;2025-06-30;1.250,00;eur\n";
/// let options = Options { columns: Columns::new([("Project ID", "id"), ("Budget", "budget_amount")]).unwrap(), ..Options::default() };
/// let out = api::read_table_str(text, &options, None).unwrap();
/// assert!(out.contains(r#""id":"P1""#) && out.contains(r#""amount":"1250.00""#), "{out}");
/// ```
#[cfg(feature = "csv")]
pub fn read_table_str(
    bytes: &[u8],
    options: &io::csv::Options,
    sheet: Option<&str>,
) -> Result<String, Error> {
    let text = io::table_text(bytes, sheet)?;
    String::of(&io::csv::read_table_with(&text, options)?)
}

/// Builds that leave a feature out (a smaller WebAssembly module) still name its kinds and
/// formats, and say which feature they need.
#[cfg(any(
    not(feature = "csv"),
    not(feature = "iati"),
    not(feature = "portfolio-kinds")
))]
fn left_out(path: &str, what: &str, feature: &str) -> Error {
    Error::invalid(
        path,
        format!("this build {what} (the `{feature}` feature is off)"),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
mod tests {
    use super::*;
    use crate::testing::{mutate, written, Rng};
    use serde_json::json;

    /// `call_str` on `text` gives what `call` gives on the parsed text: the same value, or
    /// the same error (code, path and message).
    fn assert_same(kind: &str, text: &str, policy: &Policy) {
        let by_value = io::json::parse_value(text).and_then(|v| call(kind, &v, policy));
        let by_text = call_str(kind, text, policy)
            .map(|out| serde_json::from_str::<Value>(&out).expect("call_str writes JSON"));
        match (by_text, by_value) {
            (Ok(a), Ok(b)) => assert!(a == b, "{kind} {text}: answers differ"),
            (Err(a), Err(b)) => assert_eq!(a.info(), b.info(), "{kind} {text}"),
            (a, b) => panic!("{kind} {text}: {a:?} but {b:?}"),
        }
    }

    #[test]
    fn text_answers_as_value_for_every_vector_and_its_mutants() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors");
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut count = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let vector: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let kind = vector["kind"].as_str().unwrap();
            let policy = match &vector["policy"] {
                Value::Null => Policy::default(),
                p => Policy::from_json(&p.to_string()).unwrap(),
            };
            assert_same(kind, &vector["input"].to_string(), &policy);
            for _ in 0..20 {
                let mut input = vector["input"].clone();
                mutate(&mut input, &mut rng);
                let mut text = String::new();
                written(&input, &mut rng, &mut text);
                assert_same(kind, &text, &policy);
            }
            count += 1;
        }
        assert!(count > 100, "only {count} vectors");
    }

    #[test]
    fn input_that_does_not_read_in_one_pass_answers_as_value() {
        let policy = Policy::default();
        let proposal = r#"{"id": "P", "title": "T"}"#;
        for text in [
            // Repeated, unknown and missing fields; not an object; the first error is the
            // one `call` reads first (rates before the proposal, members sorted).
            format!(r#"{{"proposal": {proposal}, "proposal": {proposal}}}"#),
            format!(r#"{{"proposal": 1, "proposal": {proposal}}}"#),
            r#"{"proposal": {"id": "P", "title": "T", "title": "U"}}"#.to_owned(),
            format!(r#"{{"proposal": {proposal}, "note": "x"}}"#),
            format!(
                r#"{{"proposal": {proposal}, "note": [{}]}}"#,
                "[".repeat(130) + &"]".repeat(130)
            ),
            format!(r#"{{"proposal": {proposal}, "note": 1e400}}"#),
            format!(r#"[{proposal}]"#),
            "{}".to_owned(),
            r#"{"rates": {"EUR": "x"}, "proposal": {"id": 1}}"#.to_owned(),
            r#"{"proposal": {"title": 1, "id": 2}}"#.to_owned(),
            r#"{"proposal": {"id": "P", "title": "T"}"#.to_owned(),
            // Text after the input.
            format!(r#"{{"proposal": {proposal}}} x"#),
            format!(r#"{{"proposal": {proposal}}} {{}}"#),
        ] {
            assert_same("appraisal", &text, &policy);
        }
        // Unknown options of a report are ignored, but must still be JSON.
        let portfolio = include_str!("../../data/example/portfolio.json");
        for options in [
            r#"{"x": 1}"#,
            r#"{"x": 1e400}"#,
            r#"{"delivery_group_by": "unit"}"#,
        ] {
            let text = format!(r#"{{"portfolio": {portfolio}, "options": {options}}}"#);
            assert_same("report", &text, &policy);
        }
        assert_same("nope", "{", &policy);
        assert_same("nope", "{}", &policy);
        assert_eq!(
            call_str("appraisal", "[]", &policy).unwrap_err().info(),
            call("appraisal", &json!([]), &policy).unwrap_err().info()
        );
    }
}
