//! The JSON boundary: every capability as `kind` + JSON input → canonical JSON output.
//!
//! Bindings that speak JSON (WASM, the conformance suites) call this one dispatcher, so
//! the answer for the same input is byte-for-byte the same in every language. Kinds and
//! their inputs:
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
//! | `policy` | `text` (a policy file's text) | the edition's stamp |
//! | `read_portfolio` | `text` (JSON text) | `{"ok": true}` once validated |
//! | `iati` | `text` (an IATI activity file), `rates` | [`io::iati::read`] |
//!
//! [`read`] is the same boundary for a file's bytes, in any [`io::Format`].
//!
//! `rates` and `periods` may be absent. Error paths are relative to the object the error
//! is in (`budget.amount` of the project), as the rule functions report them; an absent
//! input field is named itself (`project`).

use serde_json::{json, Value};

use crate::io::Format;
use crate::money::Rates;
use crate::{
    appraisal, delivery, evaluation, integration, io, portfolio, report, Error, Policy, Portfolio,
};

/// Every kind [`call`] understands.
pub const KINDS: &[&str] = &[
    "evaluation",
    "schedule",
    "appraisal",
    "delivery",
    "delivery_series",
    "integration",
    "portfolio",
    "report",
    "policy",
    "read_portfolio",
    "iati",
];

/// Reads one input field. Paths stay relative to the object read (`budget.amount`), as
/// the rules' own errors are; only an absent or unreadable field itself is named.
fn field<T: serde::de::DeserializeOwned>(input: &Value, name: &str) -> Result<T, Error> {
    io::json::from_value(input.get(name).cloned().unwrap_or(Value::Null)).map_err(|e| {
        if e.path().is_empty() {
            e.at(name)
        } else {
            e
        }
    })
}

fn opt_field<T: serde::de::DeserializeOwned + Default>(
    input: &Value,
    name: &str,
) -> Result<T, Error> {
    match input.get(name) {
        None | Some(Value::Null) => Ok(T::default()),
        Some(_) => field(input, name),
    }
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, Error> {
    serde_json::to_value(v).map_err(|e| Error::Io {
        path: String::new(),
        message: e.to_string(),
    })
}

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
    match kind {
        "evaluation" => {
            let rates = opt_field(input, "rates")?;
            to_value(&evaluation::evaluate(
                &field(input, "project")?,
                policy,
                &rates,
            ))
        }
        "schedule" => {
            let rates = opt_field(input, "rates")?;
            to_value(&evaluation::schedule(
                &field(input, "project")?,
                policy,
                &rates,
            )?)
        }
        "appraisal" => {
            let rates = opt_field(input, "rates")?;
            to_value(&appraisal::appraise(
                &field(input, "proposal")?,
                policy,
                &rates,
            )?)
        }
        "delivery" => {
            let p: Portfolio = field(input, "portfolio")?;
            let group_by = field(input, "group_by")?;
            let period = field(input, "period")?;
            to_value(&delivery::delivery(
                &p.projects,
                &p.records,
                group_by,
                period,
                policy,
                &p.rates,
            )?)
        }
        "delivery_series" => {
            let p: Portfolio = field(input, "portfolio")?;
            let group_by = field(input, "group_by")?;
            let year = field(input, "year")?;
            to_value(&delivery::ytd_series(
                &p.projects,
                &p.records,
                group_by,
                year,
                &p.rates,
            )?)
        }
        "integration" => to_value(&integration::report(&field(input, "portfolio")?, policy)?),
        "portfolio" => {
            let p: Portfolio = field(input, "portfolio")?;
            let periods: Option<Vec<portfolio::YearRange>> = opt_field(input, "periods")?;
            to_value(&portfolio::report(&p, periods.as_deref(), policy)?)
        }
        "report" => {
            let p: Portfolio = field(input, "portfolio")?;
            let options: report::ReportOptions = opt_field(input, "options")?;
            to_value(&report::report(&p, policy, &options))
        }
        "policy" => {
            let text: String = field(input, "text")?;
            to_value(Policy::from_json(&text)?.stamp())
        }
        "read_portfolio" => {
            let text: String = field(input, "text")?;
            io::json::read_portfolio(&text)?;
            Ok(json!({"ok": true}))
        }
        "iati" => {
            let text: String = field(input, "text")?;
            let rates = opt_field(input, "rates")?;
            read("iati", text.as_bytes(), &rates, policy)
        }
        other => Err(Error::Invalid {
            path: "kind".into(),
            message: format!("unknown kind {other:?}; one of {}", KINDS.join(", ")),
        }),
    }
}

/// Reads a file's bytes in `format` (`json`, `csv`, `iati` or `policy`, see
/// [`io::Format`]), as the command line reads files: a JSON portfolio, validated, or a CSV
/// table (recognized by its header) gives the canonical portfolio; a policy edition its
/// stamp; an IATI file the rules applied to every activity ([`io::iati::read`], with
/// `rates`). Bytes that are not UTF-8 are the format's own error.
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
    match format.parse::<Format>()? {
        Format::Json => to_value(&io::json::read_portfolio(Format::Json.text(bytes)?)?),
        #[cfg(feature = "csv")]
        Format::Csv => to_value(&io::csv::read_table(Format::Csv.text(bytes)?)?),
        #[cfg(not(feature = "csv"))]
        Format::Csv => Err(Error::invalid(
            "format",
            "this build reads no CSV (the `csv` feature is off)",
        )),
        Format::Policy => to_value(Policy::from_json(Format::Policy.text(bytes)?)?.stamp()),
        Format::Iati => {
            rates.validate("rates")?;
            to_value(&io::iati::read(bytes, rates, policy))
        }
    }
}
