//! The conformance-vector runner shared by the Rust suites.
//!
//! A vector (`tests/vectors/*.json`) is a language-neutral case:
//!
//! ```json
//! {
//!   "name": "eval-independent-350000.01",
//!   "rule": "EVAL-INDEPENDENT",
//!   "description": "US$350,000.01 is strictly over the threshold",
//!   "kind": "evaluation",
//!   "policy": null,
//!   "input": {"project": {...}, "rates": {}},
//!   "checks": [{"rule": "EVAL-INDEPENDENT", "status": "fail", "missing": ["evaluation_plan"]}],
//!   "expected": {...}
//! }
//! ```
//!
//! `policy` is `null` (the default `ilo-2006`) or a policy edition object (it may use
//! `extends`). `checks` are written by hand from RULES.md; `expected` is the exact
//! canonical JSON every binding must produce (regenerated with `TCRULES_BLESS=1` after a
//! reviewed change). Kinds and their inputs:
//!
//! | kind | input | output |
//! |---|---|---|
//! | `evaluation` | `project`, `rates` | `evaluation::evaluate` |
//! | `schedule` | `project`, `rates` | `evaluation::schedule` |
//! | `appraisal` | `proposal`, `rates` | `appraisal::appraise` |
//! | `delivery` | `portfolio`, `group_by`, `period` | `delivery::delivery` |
//! | `delivery_series` | `portfolio`, `group_by`, `year` | `delivery::ytd_series` |
//! | `integration` | `portfolio` | `integration::report` |
//! | `portfolio` | `portfolio`, `periods` (optional) | `portfolio::report` |
//! | `policy` | `text` (a policy file's text) | the policy's stamp |
//! | `read_portfolio` | `text` (JSON text) | the portfolio's validation (`{"ok": true}`) |
//!
//! Any error becomes `{"error": {"code", "path", "message"}}`.

use serde_json::{json, Value};
use tcrules::{
    appraisal, delivery, evaluation, integration, io, portfolio, Error, Policy, Portfolio,
};

/// Runs one vector's `kind` on its `input` under `policy`, giving the canonical output.
pub fn run(kind: &str, input: &Value, policy: &Value) -> Value {
    match run_inner(kind, input, policy) {
        Ok(v) => v,
        Err(e) => json!({ "error": e.info() }),
    }
}

fn field<T: serde::de::DeserializeOwned>(input: &Value, name: &str) -> Result<T, Error> {
    io::json::from_value(input.get(name).cloned().unwrap_or(Value::Null)).map_err(|e| e.at(name))
}

fn opt_field<T: serde::de::DeserializeOwned + Default>(input: &Value, name: &str) -> Result<T, Error> {
    match input.get(name) {
        None | Some(Value::Null) => Ok(T::default()),
        Some(_) => field(input, name),
    }
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, Error> {
    serde_json::to_value(v).map_err(|e| Error::Io { path: String::new(), message: e.to_string() })
}

fn run_inner(kind: &str, input: &Value, policy: &Value) -> Result<Value, Error> {
    let policy = match policy {
        Value::Null => Policy::default(),
        p => Policy::from_json(&p.to_string())?,
    };
    match kind {
        "evaluation" => {
            let rates = opt_field(input, "rates")?;
            to_value(&evaluation::evaluate(&field(input, "project")?, &policy, &rates))
        }
        "schedule" => {
            let rates = opt_field(input, "rates")?;
            to_value(&evaluation::schedule(&field(input, "project")?, &policy, &rates)?)
        }
        "appraisal" => {
            let rates = opt_field(input, "rates")?;
            to_value(&appraisal::appraise(&field(input, "proposal")?, &policy, &rates)?)
        }
        "delivery" => {
            let p: Portfolio = field(input, "portfolio")?;
            let r = delivery::delivery(
                &p.projects,
                &p.records,
                field(input, "group_by")?,
                field(input, "period")?,
                &policy,
                &p.rates,
            )?;
            to_value(&r)
        }
        "delivery_series" => {
            let p: Portfolio = field(input, "portfolio")?;
            to_value(&delivery::ytd_series(&p.projects, &p.records, field(input, "group_by")?, field(input, "year")?, &p.rates)?)
        }
        "integration" => to_value(&integration::report(&field(input, "portfolio")?, &policy)?),
        "portfolio" => {
            let p: Portfolio = field(input, "portfolio")?;
            let periods: Option<Vec<portfolio::YearRange>> = opt_field(input, "periods")?;
            to_value(&portfolio::report(&p, periods.as_deref(), &policy)?)
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
        other => Err(Error::Invalid { path: "kind".into(), message: format!("unknown vector kind {other:?}") }),
    }
}

/// Every finding in an output, wherever it sits.
pub fn findings(output: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    collect(output, &mut out);
    out
}

fn collect<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(map) => {
            if map.contains_key("rule") && map.contains_key("status") && map.contains_key("citation") {
                out.push(v);
            } else {
                map.values().for_each(|x| collect(x, out));
            }
        }
        Value::Array(items) => items.iter().for_each(|x| collect(x, out)),
        _ => {}
    }
}

/// Whether `actual` contains everything in `expected` (objects by key, recursively;
/// everything else equal).
pub fn contains(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e.iter().all(|(k, v)| a.get(k).is_some_and(|x| contains(x, v))),
        (a, e) => a == e,
    }
}

/// Checks a vector's hand-written `checks` against an output: each check names a rule (or
/// `error`) and the fields its finding must have; some finding of that rule must match.
pub fn check(output: &Value, checks: &[Value]) -> Result<(), String> {
    for c in checks {
        if let Some(err) = c.get("error") {
            let actual = output.get("error").ok_or_else(|| format!("expected error {err}, got a result"))?;
            if !contains(actual, err) {
                return Err(format!("expected error {err}, got {actual}"));
            }
            continue;
        }
        if let Some(path) = c.get("output") {
            // {"output": {...}} checks a subset of the whole output.
            if !contains(output, path) {
                return Err(format!("output does not contain {path}"));
            }
            continue;
        }
        let all = findings(output);
        if !all.iter().any(|f| contains(f, c)) {
            let rule = c.get("rule").cloned().unwrap_or_default();
            let same: Vec<String> = all
                .iter()
                .filter(|f| f.get("rule") == Some(&rule))
                .map(|f| format!("{} {}", f.get("status").unwrap_or(&Value::Null), f.get("message").unwrap_or(&Value::Null)))
                .collect();
            return Err(format!("no finding matches {c}; findings of {rule}: {same:?}"));
        }
    }
    Ok(())
}
