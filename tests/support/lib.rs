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
//! The kinds and their inputs are those of `tcrules::api::call`.
//!
//! Any error becomes `{"error": {"code", "path", "message"}}`.

use serde_json::{json, Value};
use tcrules::Policy;

/// The example portfolio shipped in the repository (`core/data/example/portfolio.json`).
pub fn example_portfolio() -> tcrules::Result<tcrules::Portfolio> {
    tcrules::io::json::read_portfolio(include_str!("../../core/data/example/portfolio.json"))
}

/// Runs one vector's `kind` on its `input` under `policy` (`null` for the default),
/// giving the canonical output; any error becomes `{"error": {code, path, message}}`.
pub fn run(kind: &str, input: &Value, policy: &Value) -> Value {
    let policy = match policy {
        Value::Null => Ok(Policy::default()),
        p => Policy::from_json(&p.to_string()),
    };
    match policy.and_then(|p| tcrules::api::call(kind, input, &p)) {
        Ok(v) => v,
        Err(e) => json!({ "error": e.info() }),
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
            if map.contains_key("rule")
                && map.contains_key("status")
                && map.contains_key("citation")
            {
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
        (Value::Object(a), Value::Object(e)) => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|x| contains(x, v))),
        (a, e) => a == e,
    }
}

/// Checks a vector's hand-written `checks` against an output: each check names a rule (or
/// `error`) and the fields its finding must have; some finding of that rule must match.
pub fn check(output: &Value, checks: &[Value]) -> Result<(), String> {
    for c in checks {
        if let Some(err) = c.get("error") {
            let actual = output
                .get("error")
                .ok_or_else(|| format!("expected error {err}, got a result"))?;
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
                .map(|f| {
                    format!(
                        "{} {}",
                        f.get("status").unwrap_or(&Value::Null),
                        f.get("message").unwrap_or(&Value::Null)
                    )
                })
                .collect();
            return Err(format!(
                "no finding matches {c}; findings of {rule}: {same:?}"
            ));
        }
    }
    Ok(())
}
