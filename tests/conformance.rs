//! Runs the cross-language conformance vectors in `tests/vectors/` (see
//! `tests/support/lib.rs` for the format). Set `TCRULES_BLESS=1` to rewrite each vector's
//! `expected` from the current code after reviewing a change; the hand-written `checks`
//! are never rewritten.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;
use tcrules::RuleId;

fn vectors() -> Vec<(PathBuf, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, v)
        })
        .collect()
}

#[test]
fn every_vector_passes_its_checks_and_matches_expected() {
    let bless = std::env::var_os("TCRULES_BLESS").is_some();
    let mut failures = Vec::new();
    let all = vectors();
    assert!(all.len() >= 40, "only {} vectors", all.len());
    for (path, mut v) in all {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let output = tcrules_suite::run(v["kind"].as_str().unwrap(), &v["input"], &v["policy"]);
        let checks = v["checks"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: no checks"));
        assert!(
            !checks.is_empty(),
            "{name}: a vector needs hand-written checks"
        );
        if let Err(e) = tcrules_suite::check(&output, checks) {
            failures.push(format!("{name}: {e}"));
            continue;
        }
        if bless {
            v["expected"] = output;
            std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap() + "\n").unwrap();
        } else if v["expected"] != output {
            failures.push(format!(
                "{name}: output differs from expected\n  got: {}",
                serde_json::to_string(&output).unwrap()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_id_has_a_vector() {
    let covered: BTreeSet<String> = vectors()
        .iter()
        .filter_map(|(_, v)| v["rule"].as_str().map(str::to_owned))
        .collect();
    let missing: Vec<&str> = RuleId::ALL
        .iter()
        .map(|r| r.as_str())
        .filter(|r| !covered.contains(*r))
        .collect();
    assert!(missing.is_empty(), "rules without a vector: {missing:?}");
}
