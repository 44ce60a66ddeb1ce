//! The bad-input corpus (`tests/bad-inputs/`): every file is read through the core's file
//! entry point (`tcrules::api::read`) in the format its manifest entry names, and must
//! fail with exactly the error the manifest (`expected.json`) gives: `code` and `path`,
//! and for an IATI file the `identifier` of the activity whose row carries it (`null` for
//! an error outside any activity). The Python and WASM suites run the same manifest.
//! `TCRULES_BLESS=1` rewrites the codes and paths from the current code after review
//! (a new file's format is taken from its name: `json-`, `csv-`, `policy-`, `iati-`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{json, Map, Value};
use tcrules::money::Rates;
use tcrules::{api, Policy};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/bad-inputs")
}

/// The errors reading `bytes` as `kind` gives: the call's error, or for an IATI file
/// every row's error and the file's.
fn errors(kind: &str, bytes: &[u8]) -> Vec<Value> {
    match api::read(kind, bytes, &Rates::usd_only(), &Policy::default()) {
        Err(e) => vec![json!({"code": e.code(), "path": e.path()})],
        Ok(report) if kind == "iati" => {
            let rows = report["activities"].as_array().unwrap().iter();
            let in_rows = rows.filter(|r| !r["error"].is_null()).map(|r| {
                json!({"code": r["error"]["code"], "path": r["error"]["path"], "identifier": r["identifier"]})
            });
            let in_file = report["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| json!({"code": e["code"], "path": e["path"], "identifier": null}));
            in_rows.chain(in_file).collect()
        }
        Ok(_) => Vec::new(),
    }
}

#[test]
fn every_bad_input_fails_with_its_expected_error() {
    let manifest_path = dir().join("expected.json");
    let mut manifest: BTreeMap<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap_or("{}".into()))
            .unwrap();
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f != "expected.json")
        .collect();
    files.sort();
    let bless = std::env::var_os("TCRULES_BLESS").is_some();
    let mut failures = Vec::new();
    for file in &files {
        let bytes = std::fs::read(dir().join(file)).unwrap();
        let kind = match manifest.get(file).and_then(|e| e["kind"].as_str()) {
            Some(kind) => kind.to_owned(),
            None => file.split('-').next().unwrap().to_owned(),
        };
        let got = errors(&kind, &bytes);
        if bless {
            let [one] = &got[..] else {
                panic!(
                    "{file}: {} errors, a corpus file needs exactly one: {got:?}",
                    got.len()
                )
            };
            let mut entry = Map::new();
            entry.insert("kind".into(), kind.into());
            entry.extend(one.as_object().unwrap().clone());
            manifest.insert(file.clone(), Value::Object(entry));
            continue;
        }
        let Some(expected) = manifest.get(file) else {
            failures.push(format!("{file}: not in expected.json"));
            continue;
        };
        let mut want = expected.as_object().unwrap().clone();
        want.remove("kind");
        if got != [Value::Object(want.clone())] {
            failures.push(format!("{file}: expected {want:?}, got {got:?}"));
        }
    }
    for file in manifest.keys() {
        if !files.contains(file) {
            failures.push(format!("{file}: in expected.json but not in the corpus"));
        }
    }
    if bless {
        let text = serde_json::to_string_pretty(&manifest).unwrap() + "\n";
        std::fs::write(&manifest_path, text).unwrap();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_corpus_covers_every_format() {
    let manifest: BTreeMap<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(dir().join("expected.json")).unwrap())
            .unwrap();
    for kind in ["json", "csv", "policy", "iati"] {
        let n = manifest.values().filter(|e| e["kind"] == kind).count();
        assert!(n >= 8, "only {n} bad inputs of kind {kind}");
    }
}
