//! `tcrules template proposal` and `tcrules appraise` on a filled template (issue 19,
//! item 2): the template filled with the ready example, as a workbook and as CSV, appraises
//! as the example's JSON does.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

#[allow(dead_code)] // the helpers other test files use
mod support;

use support::{dir_with, repo, tcrules, tcrules_in};

const READY: &str = "core/data/example/proposals/ready.json";

#[test]
fn the_template_is_a_workbook_written_to_a_file_or_a_pipe() {
    let dir = dir_with(&[]);
    let run = tcrules_in(
        dir.path(),
        &["template", "proposal", "--output", "blank.xlsx"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let blank = std::fs::read(dir.path().join("blank.xlsx")).unwrap();
    assert!(blank.starts_with(b"PK\x03\x04"));
    let filled = assert_cmd::cargo::cargo_bin_cmd!("tcrules")
        .current_dir(repo())
        .args(["template", "proposal", "--from", READY])
        .output()
        .unwrap();
    assert!(filled.status.success());
    assert!(filled.stdout.starts_with(b"PK\x03\x04") && filled.stdout.len() > blank.len());
}

#[test]
fn a_filled_template_appraises_as_its_json() {
    let template = tcrules(&["--format", "csv", "template", "proposal", "--from", READY]);
    assert_eq!(template.code, Some(0), "{}", template.stderr);
    assert!(template
        .stdout
        .starts_with("Field,Value,About,Key\nID,JOR-PAYEQ-II,"));
    let dir = dir_with(&[("ready.csv", template.stdout.as_bytes())]);
    let json = tcrules(&["--format", "json", "appraise", READY]);
    let csv = tcrules_in(dir.path(), &["--format", "json", "appraise", "ready.csv"]);
    assert_eq!(csv.code, json.code, "{}", csv.stderr);
    assert_eq!(csv.stdout, json.stdout);
    assert!(
        json.stdout.contains("\"verdict\": \"ready\""),
        "{}",
        json.stdout
    );
}

#[test]
fn a_filled_workbook_appraises_as_its_json() {
    let dir = dir_with(&[]);
    let ready = repo().join(READY);
    let ready = ready.to_str().unwrap();
    let written = tcrules_in(
        dir.path(),
        &["template", "proposal", "--from", ready, "-o", "ready.xlsx"],
    );
    assert_eq!(written.code, Some(0), "{}", written.stderr);
    let json = tcrules(&["--format", "json", "appraise", READY]);
    let xlsx = tcrules_in(dir.path(), &["--format", "json", "appraise", "ready.xlsx"]);
    assert_eq!(xlsx.code, json.code, "{}", xlsx.stderr);
    assert_eq!(xlsx.stdout, json.stdout);
    // A blank template is told apart by its content, whatever its name.
    let blank = tcrules_in(dir.path(), &["template", "proposal", "-o", "blank.json"]);
    assert_eq!(blank.code, Some(0));
    let run = tcrules_in(dir.path(), &["appraise", "blank.json"]);
    assert_eq!(run.code, Some(1));
    for said in ["blank.json", "Proposal, row 2, ID: is required and empty"] {
        assert!(run.stderr.contains(said), "{said} in {}", run.stderr);
    }
}

#[test]
fn a_template_with_bad_cells_names_each_one() {
    let text = "Field,Value,About,Key\nID,PR-1,,id\nTitle,,,title\nStart,31/02/2025,,start\n\
                Budget lines\nLabel,Purpose,Amount,Amount › Currency\nTravel,holidays,12.5,USD\n";
    let dir = dir_with(&[("draft.csv", text.as_bytes())]);
    let run = tcrules_in(dir.path(), &["appraise", "draft.csv"]);
    assert_eq!(run.code, Some(1));
    for cell in [
        "Proposal, row 3, Title: is required and empty",
        "Proposal, row 4, Start: \"31/02/2025\" is not a date",
        "Budget lines, row 2, Purpose: \"holidays\" is not one of",
    ] {
        assert!(run.stderr.contains(cell), "{cell} in {}", run.stderr);
    }
    assert!(
        run.stderr.starts_with("tcrules: draft.csv: "),
        "{}",
        run.stderr
    );
}
