//! The program as a tool in a pipeline (issue 19, item 6): its exit codes and
//! `--fail-on`, `--to` before `--from` as a usage error, JSON errors on stderr, tables
//! fitted to the terminal's width, and the columns of the CSV tables.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

mod support;

use serde_json::Value;
use support::{dir_with, repo, tcrules, tcrules_with, Run};

const FAILS_GENDER: &str = "core/data/example/proposals/fails-gender.json";
const READY: &str = "core/data/example/proposals/ready.json";

/// Two projects, the second budgeted in euros with no exchange rate: it cannot be
/// evaluated, the first can.
const PROJECTS: &[u8] = b"id,title,start,end,budget_amount,budget_currency\n\
    P1,Pay equity,2024-01-01,2025-06-30,300000,USD\n\
    P2,Migration,2024-01-01,2026-12-31,1000000,EUR\n";

fn run_in(dir: &std::path::Path, args: &[&str]) -> Run {
    tcrules_with(dir, &[], args)
}

/// 0 when everything was evaluated; with `--fail-on`, 3 when the findings include one of
/// that status or worse, in either output format; commands without findings never 3.
#[test]
fn fail_on_exits_3_on_findings() {
    let code = |args: &[&str]| {
        let run = tcrules(args);
        assert_eq!(run.stderr, "", "{args:?}");
        run.code.unwrap()
    };
    assert_eq!(code(&["report"]), 0, "31 failures without --fail-on");
    assert_eq!(code(&["--fail-on", "fail", "report"]), 3);
    assert_eq!(code(&["report", "--fail-on", "warning"]), 3);
    assert_eq!(
        code(&["--format", "json", "--fail-on", "fail", "report"]),
        3
    );
    assert_eq!(code(&["--fail-on", "fail", "appraise", FAILS_GENDER]), 3);
    assert_eq!(code(&["--fail-on", "fail", "appraise", READY]), 0);
    assert_eq!(code(&["--fail-on", "fail", "evaluation"]), 3);
    assert_eq!(code(&["--fail-on", "warning", "policy"]), 0);
    assert_eq!(code(&["--fail-on", "warning", "schedule"]), 0);
    assert_eq!(code(&["--fail-on", "warning", "columns"]), 0);
    // The JSON still goes out whole.
    let run = tcrules(&["--format", "json", "--fail-on", "fail", "report"]);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(report["summary"]["findings"]["fail"].as_u64().unwrap() > 0);
}

/// `--fail-on` takes `fail` or `warning`; anything else is a usage error.
#[test]
fn fail_on_takes_a_status() {
    let run = tcrules(&["--fail-on", "pass", "report"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("[possible values: fail, warning]"));
}

/// A project that could not be evaluated exits 1 in every command that evaluates it,
/// whatever `--fail-on` says; the others are still reported.
#[test]
fn a_project_not_evaluated_exits_1() {
    let dir = dir_with(&[("projects.csv", PROJECTS)]);
    let mut transcripts = Vec::new();
    for args in [
        &["evaluation", "projects.csv"][..],
        &["--fail-on", "fail", "evaluation", "projects.csv"],
        &["schedule", "projects.csv"],
    ] {
        let run = run_in(dir.path(), args);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert!(run.stdout.contains("P1"), "{}", run.stdout);
        assert!(run.stdout.contains("missing_rate"), "{}", run.stdout);
        transcripts.push(run.transcript());
    }
    insta::assert_snapshot!("not_evaluated", transcripts.join("\n"));
    for args in [
        &["report", "projects.csv"][..],
        &["--format", "json", "evaluation", "projects.csv"],
        &["--format", "json", "report", "projects.csv"],
        &["--format", "json", "schedule", "projects.csv"],
    ] {
        let run = run_in(dir.path(), args);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr, "", "{args:?}");
    }
}

/// `--to` before `--from` holds no date: a usage error naming both, in either format;
/// the same day for both is a period of one day.
#[test]
fn to_before_from_is_a_usage_error() {
    let mut transcripts = Vec::new();
    for args in [
        &["schedule", "--from", "2008-03-31", "--to", "2008-01-01"][..],
        &[
            "--format",
            "json",
            "schedule",
            "--from",
            "2008-03-31",
            "--to",
            "2008-01-01",
        ],
    ] {
        let run = tcrules(args);
        assert_eq!(run.code, Some(2), "{args:?}");
        assert_eq!(run.stdout, "");
        assert!(
            run.stderr
                .contains("--to 2008-01-01 is before --from 2008-03-31"),
            "{}",
            run.stderr
        );
        transcripts.push(run.transcript());
    }
    insta::assert_snapshot!("to_before_from", transcripts.join("\n"));
    let one_day = tcrules(&["schedule", "--from", "2008-03-31", "--to", "2008-03-31"]);
    assert_eq!(one_day.code, Some(0), "{}", one_day.stderr);
}

/// With `--format json` every error is one line of JSON on stderr in the shape of the
/// core API's errors, `{"error": {code, path, message}}` (and `file` when the error came
/// from one); usage errors have the code `usage` and the argument as the path.
#[test]
fn json_errors_on_stderr() {
    let dir = dir_with(&[
        ("projects.csv", PROJECTS),
        ("table.csv", b"name,amount\nx,1\n"),
        (
            "bad.csv",
            b"id,title,start,end,budget_amount,budget_currency\nP1,T,2024-01-01,2025-06-30,1,XYZ\n",
        ),
    ]);
    let cases: &[(&[&str], i32, &str, &str)] = &[
        (&["evaluation", "missing.json"], 1, "io", "missing.json"),
        (&["evaluation", "table.csv"], 1, "invalid_csv", ""),
        (
            &["evaluation", "bad.csv"],
            1,
            "unknown_currency",
            "projects[0].budget_currency",
        ),
        (
            &["delivery", "--by", "donors"],
            1,
            "invalid_value",
            "group_by",
        ),
        (&["frobnicate"], 2, "usage", ""),
        (
            &["delivery", "--through-month", "13"],
            2,
            "usage",
            "--through-month",
        ),
        (&["appraise"], 2, "usage", "<PROPOSAL>"),
        (&[], 2, "usage", ""),
    ];
    let mut lines = Vec::new();
    for (args, code, error, path) in cases {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let run = run_in(dir.path(), &all);
        let what = format!("{all:?}: {}", run.stderr);
        assert_eq!(run.code, Some(*code), "{what}");
        assert_eq!(run.stdout, "", "{what}");
        assert_eq!(run.stderr.lines().count(), 1, "{what}");
        let e: Value = serde_json::from_str(&run.stderr).expect(&what);
        assert_eq!(e["error"]["code"], *error, "{what}");
        assert_eq!(e["error"]["path"], *path, "{what}");
        assert!(
            !e["error"]["message"].as_str().unwrap().is_empty(),
            "{what}"
        );
        lines.push(format!("$ tcrules {}\n{}", all.join(" "), run.stderr));
    }
    insta::assert_snapshot!("json_errors", lines.join(""));
    // `--format=json` is the same request.
    let run = run_in(dir.path(), &["--format=json", "frobnicate"]);
    assert!(run.stderr.starts_with(r#"{"error":"#), "{}", run.stderr);
}

/// Tables fit `COLUMNS`: long text wraps onto more lines, and the report's tables and
/// the appraisal's with its "how to fix" lines stay within 80 characters; `--wide`
/// prints the full text as a pipe with no `COLUMNS` gets it; JSON is never wrapped.
#[test]
fn tables_fit_the_width() {
    let root = repo();
    let at_80 = |args: &[&str]| tcrules_with(&root, &[("COLUMNS", "80")], args);
    let appraise = at_80(&["appraise", FAILS_GENDER]);
    assert_eq!(appraise.code, Some(0), "{}", appraise.stderr);
    // The first line is the verdict, not a table.
    for line in appraise.stdout.lines().skip(1) {
        assert!(line.chars().count() <= 80, "{line}");
    }
    assert!(appraise.stdout.contains("how to fix: "));
    insta::assert_snapshot!("appraise_columns_80", appraise.transcript());
    let report = at_80(&["report"]);
    // Past the portfolio's name and the policy stamp, every line is a table's.
    for line in report.stdout.lines().skip(2) {
        assert!(line.chars().count() <= 80, "{line}");
    }
    insta::assert_snapshot!("report_columns_80", report.transcript());
    for args in [&["appraise", FAILS_GENDER][..], &["report"]] {
        let full = tcrules(args).stdout;
        let wide = at_80(&[args, &["--wide"]].concat()).stdout;
        assert_eq!(wide, full, "{args:?}");
        assert!(full.lines().any(|l| l.chars().count() > 200), "{args:?}");
    }
    assert_eq!(
        at_80(&["--format", "json", "report"]).stdout,
        tcrules(&["--format", "json", "report"]).stdout
    );
}

/// `tcrules columns` lists the reader's own columns, in both formats.
#[test]
fn columns_are_the_readers() {
    let run = tcrules(&["columns"]);
    assert_eq!(run.code, Some(0));
    insta::assert_snapshot!("columns", run.transcript());
    let json: Value =
        serde_json::from_str(&tcrules(&["columns", "--format", "json"]).stdout).unwrap();
    let names =
        |table: &str| -> Vec<String> { serde_json::from_value(json[table].clone()).unwrap() };
    use tcrules::io::csv::{APPROVAL_COLUMNS, PROJECT_COLUMNS, RECORD_COLUMNS};
    assert_eq!(names("projects"), PROJECT_COLUMNS);
    assert_eq!(names("records"), RECORD_COLUMNS);
    assert_eq!(names("approvals"), APPROVAL_COLUMNS);
    // The help of a command that reads tables lists them too.
    let help = tcrules(&["evaluation", "--help"]).stdout;
    assert!(help.contains(&RECORD_COLUMNS.join(", ")), "{help}");
}
