//! The committed JSON Schemas (`core/schema/*.schema.json`) and policy editions
//! (`core/policies/`) are what the code generates. `TCRULES_BLESS=1` rewrites them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

use std::path::PathBuf;

use tcrules::Policy;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn compare_or_bless(path: PathBuf, generated: String, stale: &mut Vec<String>) {
    if std::env::var_os("TCRULES_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    } else if std::fs::read_to_string(&path).ok().as_deref() != Some(generated.as_str()) {
        stale.push(path.display().to_string());
    }
}

#[test]
fn committed_schemas_are_up_to_date() {
    let mut stale = Vec::new();
    for (name, schema) in tcrules::schema::all() {
        let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        compare_or_bless(
            root().join(format!("core/schema/{name}.schema.json")),
            text,
            &mut stale,
        );
    }
    assert!(
        stale.is_empty(),
        "regenerate with TCRULES_BLESS=1: {stale:?}"
    );
}

#[test]
fn committed_default_edition_is_the_built_in_one() {
    let mut stale = Vec::new();
    let text = Policy::default().to_json_pretty() + "\n";
    compare_or_bless(
        root().join("core/policies/ilo-2006.json"),
        text.clone(),
        &mut stale,
    );
    assert!(
        stale.is_empty(),
        "regenerate with TCRULES_BLESS=1: {stale:?}"
    );
    // Reading the committed file gives the same edition, hash included.
    let read = Policy::from_json(&text).unwrap();
    assert_eq!(read.stamp(), Policy::default().stamp());
}

#[test]
fn what_if_edition_changes_only_the_threshold() {
    let text = std::fs::read_to_string(root().join("core/policies/what-if-1m.json")).unwrap();
    let what_if = Policy::from_json(&text).unwrap();
    let base = Policy::default();
    assert_eq!(what_if.stamp().name, "what-if-1m");
    assert_eq!(
        what_if.spec().evaluation.independent_threshold_usd,
        1_000_000.into()
    );
    let mut spec = what_if.spec().clone();
    spec.evaluation.independent_threshold_usd = base.spec().evaluation.independent_threshold_usd;
    spec.name = base.spec().name.clone();
    spec.version = base.spec().version.clone();
    spec.description = base.spec().description.clone();
    assert_eq!(&spec, base.spec());
}

#[test]
fn example_portfolio_matches_the_schema_shape() {
    let text = std::fs::read_to_string(root().join("core/data/example/portfolio.json")).unwrap();
    let p = tcrules::io::json::read_portfolio(&text).unwrap();
    assert!(
        p.projects.len() >= 10,
        "example has {} projects",
        p.projects.len()
    );
}
