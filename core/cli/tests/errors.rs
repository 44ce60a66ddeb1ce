//! Every error class the program can meet, provoked with a small bad file: the exit code,
//! and a message on stderr that names the code and the file or field at fault. The
//! snapshots pin the messages word for word.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

mod support;

use std::collections::BTreeSet;

use support::{dir_with, tcrules, tcrules_in};

/// A bad input, the command that reads it, and what it must answer.
struct Case {
    files: &'static [(&'static str, &'static [u8])],
    args: &'static [&'static str],
    /// The error's code (`Error::code`).
    code: &'static str,
    /// What stderr must name besides the code: the file, or the field of a merged input.
    names: &'static str,
}

/// One file per error class, each read by the command that meets it.
const CASES: &[Case] = &[
    Case {
        files: &[],
        args: &["evaluation", "missing.json"],
        code: "io",
        names: "missing.json: No such file",
    },
    Case {
        files: &[],
        args: &["iati", "missing.xml"],
        code: "io",
        names: "missing.xml",
    },
    Case {
        files: &[],
        args: &["--policy", "missing.json", "policy"],
        code: "io",
        names: "missing.json",
    },
    Case {
        files: &[("truncated.json", br#"{"projects": ["#)],
        args: &["evaluation", "truncated.json"],
        code: "invalid_json",
        names: "truncated.json",
    },
    Case {
        files: &[("latin1.json", b"{\"name\": \"Gen\xe8ve\"}")],
        args: &["report", "latin1.json"],
        code: "invalid_json",
        names: "latin1.json",
    },
    Case {
        files: &[("proposal.json", br#"{"id": "PR-1", "title": "T", "budget": 3}"#)],
        args: &["appraise", "proposal.json"],
        code: "invalid_json",
        names: "proposal.json",
    },
    Case {
        files: &[("rates.json", br#"{"XYZ": "1.1"}"#)],
        args: &["--rates", "rates.json", "evaluation"],
        code: "invalid_json",
        names: "rates.json",
    },
    Case {
        files: &[("table.csv", b"name,amount\nx,1\n")],
        args: &["evaluation", "table.csv"],
        code: "invalid_csv",
        names: "table.csv",
    },
    Case {
        files: &[(
            "projects.csv",
            b"id,title,start,end,budget_amount,budget_currency\nP1,T,2024-01-01,2025-06-30,1,XYZ\n",
        )],
        args: &["evaluation", "projects.csv"],
        code: "unknown_currency",
        names: "projects.csv",
    },
    Case {
        files: &[(
            "projects.csv",
            b"id,title,start,end,budget_amount,budget_currency\nP1,T,2025-07-01,2025-06-30,1,USD\n",
        )],
        args: &["evaluation", "projects.csv"],
        code: "end_before_start",
        names: "projects.csv",
    },
    Case {
        files: &[(
            "projects.csv",
            b"id,title,start,end,budget_amount,budget_currency\nP1,T,2024-01-01,2025-06-30,-1,USD\n",
        )],
        args: &["evaluation", "projects.csv"],
        code: "negative_amount",
        names: "projects.csv",
    },
    Case {
        files: &[(
            "projects.csv",
            b"id,title,start,end,budget_amount,budget_currency\n\
              P1,T,2024-01-01,2025-06-30,1,USD\nP1,U,2024-01-01,2025-06-30,1,USD\n",
        )],
        args: &["evaluation", "projects.csv"],
        code: "duplicate_id",
        names: "projects.csv",
    },
    Case {
        files: &[(
            "records.csv",
            b"project,month,source,currency,allocation,expenditure\nP1,2024-01,xbtc,EUR,100,50\n",
        )],
        args: &["delivery", "records.csv"],
        code: "missing_rate",
        names: "records[0].allocation",
    },
    Case {
        files: &[(
            "records.csv",
            b"project,month,source,currency,allocation,expenditure\n\
              P1,2024-01,xbtc,USD,79228162514264337593543950335,1\n\
              P1,2024-02,xbtc,USD,79228162514264337593543950335,1\n",
        )],
        args: &["delivery", "records.csv"],
        code: "overflow",
        names: "records[1]",
    },
    Case {
        files: &[(
            "orphan.json",
            br#"{"records": [{"project": "P9", "month": "2024-01", "source": "xbtc",
                "allocation": {"amount": "1", "currency": "USD"},
                "expenditure": {"amount": "1", "currency": "USD"}}]}"#,
        )],
        args: &["portfolio", "orphan.json"],
        code: "unknown_project",
        names: "records[0].project",
    },
    Case {
        files: &[],
        args: &["delivery", "--by", "donors"],
        code: "invalid_value",
        names: "group_by",
    },
    Case {
        files: &[("projects.json", b"{}")],
        args: &["delivery", "projects.json"],
        code: "invalid_value",
        names: "no delivery records",
    },
    Case {
        files: &[("rates.json", br#"{"EUR": "0"}"#)],
        args: &["--rates", "rates.json", "evaluation"],
        code: "invalid_value",
        names: "rates.json",
    },
    // A non-positive rate inside an input portfolio: the message names the currency but
    // not the file (as the program always has).
    Case {
        files: &[("portfolio.json", br#"{"rates": {"EUR": "-1.2"}}"#)],
        args: &["evaluation", "portfolio.json"],
        code: "invalid_value",
        names: "EUR: exchange rate must be positive",
    },
    Case {
        files: &[("policy.json", br#"{"name": "x"}"#)],
        args: &["--policy", "policy.json", "report"],
        code: "invalid_policy",
        names: "policy.json",
    },
    Case {
        files: &[(
            "policy.json",
            br#"{"name": "x", "version": "1", "extends": "ilo-2007"}"#,
        )],
        args: &["--policy", "policy.json", "policy"],
        code: "invalid_policy",
        names: "policy.json: error [invalid_policy] extends",
    },
    Case {
        files: &[("policy.json", &[b' '; (1 << 20) + 1])],
        args: &["--policy", "policy.json", "policy"],
        code: "too_large",
        names: "policy.json",
    },
];

#[test]
fn each_error_exits_1_naming_code_and_place() {
    let mut transcripts = Vec::new();
    for case in CASES {
        let dir = dir_with(case.files);
        let run = tcrules_in(dir.path(), case.args);
        let what = format!("{:?}: {}", case.args, run.stderr);
        assert_eq!(run.code, Some(1), "{what}");
        assert_eq!(run.stdout, "", "{what}");
        assert!(run.stderr.starts_with("tcrules: "), "{what}");
        assert!(
            run.stderr.contains(&format!("error [{}] ", case.code)),
            "{what}"
        );
        assert!(run.stderr.contains(case.names), "{what}");
        assert_eq!(run.stderr.lines().count(), 1, "{what}");
        transcripts.push(run.transcript());
    }
    insta::assert_snapshot!("errors", transcripts.join("\n"));
}

/// The IATI reader reports what it cannot read in its output, row by row, and the exit
/// status says whether there is any: 1 when the file could not be read (not XML, wrong
/// root, empty, an encoding refused), 3 when some activities could not be, 0 when all
/// were; the first error on stderr, as JSON with `--format json`.
#[test]
fn iati_exit_status_says_what_could_not_be_read() {
    const ONE: &str = r#"<iati-activity default-currency="USD"><iati-identifier>A-1</iati-identifier>
<activity-date type="2" iso-date="2024-01-01"/><activity-date type="3" iso-date="2024-12-31"/>
<policy-marker vocabulary="1" code="1" significance=""/></iati-activity>"#;
    let good = format!(r#"<iati-activities version="2.03">{ONE}</iati-activities>"#);
    let bad = format!(
        r#"<iati-activities version="2.03">{ONE}<iati-activity><iati-identifier>A-2</iati-identifier>
<budget><value>350,000.00</value></budget></iati-activity></iati-activities>"#
    );
    let truncated = &good[..good.len() - 40];
    let klingon = format!(r#"<?xml version="1.0" encoding="x-klingon"?>{good}"#);
    let utf16: Vec<u8> = good.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let files: &[(&str, &[u8])] = &[
        ("html.xml", b"<html><body/></html>"),
        ("empty.xml", b""),
        ("klingon.xml", klingon.as_bytes()),
        ("truncated.xml", truncated.as_bytes()),
        ("bad.xml", bad.as_bytes()),
        ("good.xml", good.as_bytes()),
        ("utf16.xml", &utf16),
    ];
    let dir = dir_with(files);
    let mut transcripts = Vec::new();
    let cases: [(&[&str], i32); 9] = [
        (&["iati", "html.xml"], 1),
        (&["iati", "empty.xml"], 1),
        (&["iati", "klingon.xml"], 1),
        (&["iati", "truncated.xml"], 1),
        (&["iati", "bad.xml"], 1),
        (&["iati", "good.xml"], 0),
        (&["iati", "utf16.xml"], 0),
        (&["--format", "json", "iati", "html.xml"], 1),
        (&["--format", "json", "iati", "bad.xml"], 1),
    ];
    for (args, code) in cases {
        // A fixed as-of date keeps the evaluation-evidence findings the same every day.
        let args = [args, &["--as-of", "2026-12-01"]].concat();
        let run = tcrules_in(dir.path(), &args);
        assert_eq!(run.code, Some(code), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains('\0'));
        if code == 0 {
            assert_eq!(run.stderr, "");
        } else if args[0] == "--format" {
            let e: serde_json::Value = serde_json::from_str(&run.stderr).unwrap();
            let e = &e["error"];
            assert!(e["code"].is_string() && e["file"].is_string(), "{e}");
            // stdout is still the whole report.
            let r: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
            assert!(r["activities"].is_array());
        } else {
            assert!(run.stderr.starts_with("tcrules: "), "{}", run.stderr);
            assert_eq!(run.stderr.lines().count(), 1);
        }
        if args[0] != "--format" {
            transcripts.push(run.transcript());
        }
    }
    // Streamed, the exit status and the error are the same; JSON Lines ends with the
    // summary, CSV gives it on stderr.
    for (file, code, read, in_error) in [
        ("bad.xml", 1, 2, 1),
        ("good.xml", 0, 1, 0),
        ("truncated.xml", 1, 1, 1),
        ("html.xml", 1, 0, 0),
    ] {
        let run = tcrules_in(
            dir.path(),
            &["iati", file, "--format", "jsonl", "--as-of", "never"],
        );
        assert_eq!(run.code, Some(code), "{file}: {}", run.stderr);
        let lines: Vec<serde_json::Value> = run
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let (summary, rows) = lines.split_last().unwrap();
        assert_eq!(rows.len(), read, "{file}");
        assert_eq!(summary["summary"]["activities"], read, "{file}");
        assert_eq!(summary["summary"]["in_error"], in_error, "{file}");
        assert_eq!(run.stderr.is_empty(), code == 0, "{file}: {}", run.stderr);
        if code != 0 {
            let e: serde_json::Value = serde_json::from_str(&run.stderr).unwrap();
            assert!(e["error"]["code"].is_string(), "{file}: {e}");
        }
        let run = tcrules_in(
            dir.path(),
            &["iati", file, "--format", "csv", "--as-of", "never"],
        );
        assert_eq!(run.code, Some(code), "{file}: {}", run.stderr);
        assert_eq!(
            run.stdout.lines().count(),
            read + 1,
            "{file}: header and rows"
        );
        assert!(
            run.stderr.starts_with(&format!(
                "IATI 2.03: {read} activities, {in_error} with errors"
            )) || file == "html.xml",
            "{file}: {}",
            run.stderr
        );
    }
    insta::assert_snapshot!("iati_exit_status", transcripts.join("\n"));
}

/// Command-line mistakes are clap's: exit 2, with a usage hint.
#[test]
fn usage_errors_exit_2() {
    let mut transcripts = Vec::new();
    for args in [
        &["frobnicate"][..],
        &["delivery", "--through-month", "13"],
        &["delivery", "--year", "last"],
        &["schedule", "--from", "2008-13-01"],
        &["portfolio", "--periods", "2000-1999"],
        &["--format", "xml", "report"],
        &["appraise"],
    ] {
        let run = tcrules(args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
        transcripts.push(run.transcript());
    }
    insta::assert_snapshot!("usage_errors", transcripts.join("\n"));
}

/// Every code `tcrules::Error` has is provoked above, or shown to be reported in-band.
#[test]
fn every_error_code_is_covered() {
    let mut covered: BTreeSet<&str> = CASES.iter().map(|c| c.code).collect();
    covered.insert("invalid_xml");
    let all: BTreeSet<&str> = tcrules::Error::CODES.iter().copied().collect();
    assert_eq!(covered, all);
}
