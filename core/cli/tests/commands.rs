//! Every command on the example data shipped in the repository, as a table and as JSON,
//! with `--policy` and `--rates`; the snapshots (`snapshots/`) pin what the program prints.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

mod support;

use std::io::Read as _;
use std::process::Stdio;

use support::{dir_with, repo, tcrules, tcrules_in};

const PROPOSALS: &str = "core/data/example/proposals";
const WHAT_IF: &str = "core/policies/what-if-1m.json";
/// The date IATI evaluation evidence is judged at, fixed so that snapshots stay put.
const AS_OF: &str = "2026-12-01";

/// Snapshots the transcript of `tcrules args…` run at the repository root.
macro_rules! check {
    ($name:literal, $($arg:expr),+ $(,)?) => {
        insta::assert_snapshot!($name, tcrules(&[$($arg),+]).transcript())
    };
}

#[test]
fn report() {
    check!("report_table", "report");
    check!("report_json", "--format", "json", "report");
    check!(
        "report_explicit_input",
        "report",
        "core/data/example/portfolio.json"
    );
}

#[test]
fn evaluation() {
    check!("evaluation_table", "evaluation");
    check!("evaluation_json", "evaluation", "--format", "json");
    check!(
        "evaluation_what_if_policy",
        "--policy",
        WHAT_IF,
        "evaluation"
    );
}

#[test]
fn schedule() {
    check!("schedule_table", "schedule");
    check!(
        "schedule_first_quarter",
        "schedule",
        "--from",
        "2008-01-01",
        "--to",
        "2008-03-31"
    );
    check!(
        "schedule_json",
        "schedule",
        "--from",
        "2008-01-01",
        "--to",
        "2008-12-31",
        "--format",
        "json"
    );
}

#[test]
fn delivery() {
    check!("delivery_table", "delivery");
    // No records in the year: undefined, and the not-applicable finding says why.
    check!(
        "delivery_year_without_records",
        "delivery",
        "--year",
        "2030"
    );
    // 2008: co-funded projects under their donors jointly; MIG-AFG's July record after
    // its end counted and flagged.
    check!(
        "delivery_by_donor_2008",
        "delivery",
        "--year",
        "2008",
        "--by",
        "donor"
    );
    check!("delivery_json", "delivery", "--format", "json");
    check!(
        "delivery_unit_ytd",
        "delivery",
        "--by",
        "unit",
        "--year",
        "2008",
        "--through-month",
        "6"
    );
    check!(
        "delivery_region_series",
        "delivery",
        "--by",
        "region",
        "--series"
    );
    check!(
        "delivery_series_json",
        "delivery",
        "--by",
        "portfolio",
        "--series",
        "--format",
        "json"
    );
}

#[test]
fn integration() {
    check!("integration_table", "integration");
    check!("integration_json", "integration", "--format", "json");
}

#[test]
fn portfolio() {
    check!("portfolio_table", "portfolio");
    check!(
        "portfolio_periods",
        "portfolio",
        "--periods",
        "1995-1999,2000-2004"
    );
    check!("portfolio_json", "portfolio", "--format", "json");
}

#[test]
fn appraise() {
    check!(
        "appraise_ready",
        "appraise",
        &format!("{PROPOSALS}/ready.json")
    );
    check!(
        "appraise_fails_gender",
        "appraise",
        &format!("{PROPOSALS}/fails-gender.json")
    );
    check!(
        "appraise_fails_tripartism",
        "appraise",
        &format!("{PROPOSALS}/fails-tripartism.json")
    );
    check!(
        "appraise_json",
        "--format",
        "json",
        "appraise",
        &format!("{PROPOSALS}/ready.json")
    );
}

#[test]
fn iati() {
    check!(
        "iati_2_03",
        "iati",
        "core/data/iati/ilo-activities-2.03.xml",
        "--as-of",
        AS_OF
    );
    check!(
        "iati_1_05",
        "iati",
        "core/data/iati/ilo-activities-1.05.xml",
        "--as-of",
        AS_OF
    );
    check!(
        "iati_json",
        "iati",
        "core/data/iati/ilo-activities-2.03.xml",
        "--as-of",
        AS_OF,
        "--format",
        "json"
    );
    check!(
        "iati_csv",
        "iati",
        "core/data/iati/text-dates-1.01.xml",
        "--as-of",
        AS_OF,
        "--format",
        "csv"
    );
    check!(
        "iati_calendar_years",
        "iati",
        "core/data/iati/text-dates-1.01.xml",
        "--as-of",
        "never",
        "--periods",
        "calendar"
    );
}

#[test]
fn policy() {
    check!("policy_table", "policy");
    check!("policy_json", "policy", "--format", "json");
    check!("policy_what_if", "--policy", WHAT_IF, "policy");
    check!(
        "policy_what_if_json",
        "policy",
        "--policy",
        WHAT_IF,
        "--format",
        "json"
    );
}

/// `--by` several keys: delivery by unit and year, and by region and quarter year to date
/// (issue 16); a key that is nothing the records or projects have is a usage error naming
/// it.
#[test]
fn delivery_by_keys() {
    check!("delivery_by_unit_year", "delivery", "--by", "unit,year");
    check!(
        "delivery_by_region_quarter_ytd",
        "delivery",
        "--by",
        "region,quarter",
        "--ytd"
    );
    check!(
        "delivery_by_unit_year_json",
        "delivery",
        "--by",
        "unit,year",
        "--format",
        "json"
    );
    check!("delivery_by_unknown_key", "delivery", "--by", "unit,colour");
}

/// `--rates FILE` as a CSV table of dated rates: each EUR amount at its own month's rate;
/// a month before the first listed rate is an error naming the currency and the month.
#[test]
fn rates_dated_csv() {
    let dir = dir_with(&[
        (
            "rates.csv",
            b"currency,month,rate\nEUR,2007-01,1.3\nEUR,2008-07-01,1.5\n",
        ),
        ("late.csv", b"currency,month,rate\nEUR,2009-01,1.5\n"),
    ]);
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let (rates, late) = (path("rates.csv"), path("late.csv"));
    let run = |args: &[&str]| {
        tcrules(args)
            .transcript()
            .replace(&rates, "RATES.csv")
            .replace(&late, "LATE.csv")
    };
    insta::assert_snapshot!(
        "rates_dated_delivery",
        run(&["--rates", &rates, "delivery", "--by", "project,year"])
    );
    insta::assert_snapshot!(
        "rates_dated_missing_month",
        run(&["--rates", &late, "evaluation"])
    );
}

/// `--rates` adds to the input's rates and wins over them (the example has EUR at 1.47),
/// for the portfolio commands and for the IATI reader, which has no rates of its own.
#[test]
fn rates() {
    let dir = dir_with(&[("rates.json", br#"{"EUR": "1.2"}"#)]);
    let rates = dir.path().join("rates.json");
    let rates = rates.to_str().unwrap();
    // The temporary directory differs from run to run.
    let run = |args: &[&str]| tcrules(args).transcript().replace(rates, "RATES.json");
    insta::assert_snapshot!("rates_evaluation", run(&["--rates", rates, "evaluation"]));
    insta::assert_snapshot!(
        "rates_iati",
        run(&[
            "iati",
            "core/data/iati/ilo-activities-2.03.xml",
            "--as-of",
            AS_OF,
            "--rates",
            rates
        ])
    );
    let with = tcrules(&["--rates", rates, "report"]);
    let without = tcrules(&["report"]);
    assert_eq!(
        (with.code, without.code),
        (Some(0), Some(0)),
        "{}",
        with.stderr
    );
    assert_ne!(with.stdout, without.stdout, "--rates changes the figures");
}

/// Several inputs make one portfolio: the first name stands (`Portfolio::merge`'s tests
/// cover the notes, which no output shows), projects and records are appended, a later
/// file's rate wins over an earlier one's and `--rates` over both; CSV tables are
/// recognized by their extension (any case) and header.
#[test]
fn inputs_merge() {
    let a = br#"{"name": "A", "rates": {"EUR": "1.2", "CHF": "1.1"},
        "projects": [{"id": "P1", "title": "Pay equity", "start": "2024-01-01", "end": "2025-06-30",
            "budget": {"amount": "300000", "currency": "EUR"}}]}"#;
    let b = br#"{"name": "B", "notes": "from B", "rates": {"EUR": "1.5"},
        "projects": [{"id": "P2", "title": "Migration", "start": "2024-01-01", "end": "2024-06-30",
            "budget": {"amount": "100000", "currency": "CHF"}}]}"#;
    let projects = b"id,title,start,end,budget_amount,budget_currency,unit\n\
        P3,Forced labour,2023-01-01,2026-12-31,2000000,USD,FUNDAMENTALS\n";
    let records = b"project,month,source,currency,allocation,expenditure\n\
        P3,2024-01,xbtc,USD,1000,650\n\
        P1,2024-02,xbtc,EUR,1000,500\n";
    let dir = dir_with(&[
        ("a.json", a),
        ("b.json", b),
        ("projects.csv", projects),
        ("records.CSV", records),
        ("rates.json", br#"{"CHF": "1.25"}"#),
    ]);
    let files = ["a.json", "b.json", "projects.csv", "records.CSV"];
    let run = |args: &[&str]| tcrules_in(dir.path(), &[args, &files].concat()).transcript();
    insta::assert_snapshot!("merge_evaluation", run(&["evaluation"]));
    insta::assert_snapshot!(
        "merge_rates_option",
        run(&["--rates", "rates.json", "evaluation"])
    );
    insta::assert_snapshot!("merge_delivery", run(&["delivery", "--by", "unit"]));
    insta::assert_snapshot!("merge_report", run(&["report"]));
}

#[test]
fn help_and_version() {
    check!("help", "--help");
    check!("help_delivery", "delivery", "--help");
    check!("help_portfolio", "help", "portfolio");
    // Every argument has its help, and the commands that read tables list their columns.
    for command in [
        "report",
        "evaluation",
        "schedule",
        "integration",
        "appraise",
        "iati",
        "policy",
        "columns",
        "template",
    ] {
        let run = tcrules(&[command, "--help"]);
        assert!(
            !run.stdout.contains("  \n"),
            "an argument without help: {}",
            run.stdout
        );
        insta::assert_snapshot!(format!("help_{command}"), run.transcript());
    }
    check!("version", "--version");
    check!("no_command", "--format", "json");
}

/// A reader that stops early (`tcrules report | head`) ends the program quietly: exit 0,
/// nothing on stderr. The JSON report is larger than a pipe's buffer, so the program is
/// still writing when the pipe closes.
#[test]
fn closed_pipe_is_quiet() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("tcrules"))
        .current_dir(repo())
        .args(["--format", "json", "report"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The read end is dropped here.
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
    assert_eq!(stderr, "");
    assert_eq!(&first[..1], b"{");
}
