//! Tables as spreadsheets save them, through the program (issue 17, items 2, 3 and 5): a
//! `;`-separated file with a byte-order mark, day-first dates, grouped amounts with the
//! decimal comma and labels as people write them; the `--day-first` / `--month-first`
//! choice; and a table with several bad cells answered with all of them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

#[allow(dead_code)] // the helpers other test files use
mod support;

use support::{dir_with, tcrules_in};

/// Saved by a spreadsheet in a decimal-comma locale: BOM, `;`, `31/12/2025`,
/// `1.250.000,00`, "Asia and the Pacific", "XB", lower-case currency codes.
const PROJECTS: &[u8] = "\u{feff}id;title;region;strategic_objective;start;end;budget_amount;budget_currency;donors;funding\n\
P1;Skills for jobs;Asia and the Pacific;Employment;03/04/2024;31/12/2025;1.250.000,00;usd;USDOL|Multi-bilateral donors;\"XB:1.000.000,00:USD;RB:250.000,00:usd\"\n\
P2;Social dialogue in the Gulf;Arab States;SO 4;01.02.2024;30.06.2026;350.000,01;USD;UNDP|UN|local;\n\
P3;Pensions;africa;Social protection;15/01/2024;14/07/2025;180000;USD;;\n"
    .as_bytes();

#[test]
fn a_spreadsheet_table_runs_with_a_date_order() {
    let dir = dir_with(&[("portfolio export.csv", PROJECTS)]);
    let run = |args: &[&str]| tcrules_in(dir.path(), args);
    let day_first = run(&["--day-first", "evaluation", "portfolio export.csv"]);
    assert_eq!(day_first.code, Some(0), "{}", day_first.stderr);
    let json = run(&[
        "--day-first",
        "--format",
        "json",
        "evaluation",
        "portfolio export.csv",
    ]);
    assert!(
        json.stdout.contains("\"budget_usd\": \"1250000.00\""),
        "{}",
        json.stdout
    );
    // The dates that read both ways need the choice: the message names it.
    let unsaid = run(&["evaluation", "portfolio export.csv"]);
    assert_eq!(unsaid.code, Some(1));
    assert!(unsaid.stderr.contains("--day-first"), "{}", unsaid.stderr);
    // Month first, 31/12/2025 is no date.
    let month_first = run(&["--month-first", "evaluation", "portfolio export.csv"]);
    assert_eq!(month_first.code, Some(1));
    assert!(
        month_first.stderr.contains("projects[0].end"),
        "{}",
        month_first.stderr
    );
    let both = run(&[
        "--day-first",
        "--month-first",
        "evaluation",
        "portfolio export.csv",
    ]);
    assert_eq!(both.code, Some(2), "{}", both.stderr);
    insta::assert_snapshot!(
        "spreadsheet",
        [day_first, unsaid, month_first]
            .iter()
            .map(support::Run::transcript)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn every_bad_cell_is_reported() {
    let table = b"id,title,region,start,end,budget_amount,budget_currency,funding\n\
        P1,Pay equity,Africa,2024-01-01,2025-06-30,350000.00,usd,XB:350000:USD\n\
        P2,Forced labour,Oceania,2024-01-01,2025-06-30,\"1,000,000.00\",USD,\n\
        P3,Migration,Americas,2024-13-01,2025-06-30,12.5.0,CHF,\n\
        P4,Child labour,Arab States,2024-01-01,2025-06-30,100,EUR,grants:100:EUR\n";
    let dir = dir_with(&[("projects.csv", table)]);
    let run = tcrules_in(dir.path(), &["evaluation", "projects.csv"]);
    assert_eq!(run.code, Some(1));
    for cell in [
        "projects[1].region",
        "projects[2].start",
        "projects[2].budget_amount",
        "projects[3].funding",
    ] {
        assert!(run.stderr.contains(cell), "{cell}: {}", run.stderr);
    }
    insta::assert_snapshot!("several_bad_cells", run.transcript());
}
