//! Peak memory of `tcrules iati` on a file of many small activities: streamed (JSON Lines
//! or CSV), the program holds one activity and the identifiers seen (to find duplicates),
//! however many activities the file has; the table and the JSON document hold every row.
//! Its own test binary, so that the peak of this process's children is this run's alone.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::process::{Command, Stdio};

/// Activities in the generated file (about 45 MB of XML).
const ACTIVITIES: usize = 100_000;
/// The bound a streamed run stays under, in MiB: the program itself, one activity, the
/// identifiers seen (about 30 bytes each, in a hash set) and the buffers.
const STREAMED_MIB: i64 = 64;

fn generate(path: &std::path::Path) {
    let mut out = BufWriter::new(File::create(path).unwrap());
    writeln!(out, r#"<iati-activities version="2.03">"#).unwrap();
    for i in 0..ACTIVITIES {
        writeln!(
            out,
            r#"<iati-activity default-currency="USD"><iati-identifier>XM-DAC-41302-{i:07}</iati-identifier><title><narrative>Activity {i}</narrative></title><activity-date type="2" iso-date="2020-01-01"/><activity-date type="3" iso-date="2021-06-30"/><policy-marker vocabulary="1" code="1" significance="1"/><budget><period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/><value>1000</value></budget><transaction><transaction-type code="4"/><transaction-date iso-date="2020-03-15"/><value>600</value></transaction></iati-activity>"#
        )
        .unwrap();
    }
    writeln!(out, "</iati-activities>").unwrap();
    out.flush().unwrap();
}

/// The largest resident set of the children waited for so far, in KiB (Linux).
fn children_peak_kib() -> i64 {
    use nix::sys::resource::{getrusage, UsageWho};
    getrusage(UsageWho::RUSAGE_CHILDREN).unwrap().max_rss()
}

#[test]
fn streamed_output_stays_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.xml");
    generate(&file);
    for format in ["jsonl", "csv"] {
        let out = File::create(dir.path().join(format!("out.{format}"))).unwrap();
        let status = Command::new(env!("CARGO_BIN_EXE_tcrules"))
            .args(["iati", file.to_str().unwrap(), "--as-of", "2026-12-01"])
            .args(["--format", format])
            .stdout(out)
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(0), "{format}");
        // Counted line by line: a child forked while this process held the output would
        // count this process's memory in its own peak.
        let output = File::open(dir.path().join(format!("out.{format}"))).unwrap();
        let rows = BufReader::new(output).lines().count();
        assert_eq!(
            rows,
            ACTIVITIES + 1,
            "{format}: every row, and the summary or header"
        );
    }
    let peak = children_peak_kib() / 1024;
    eprintln!("peak resident memory of the streamed runs: {peak} MiB");
    assert!(
        peak < STREAMED_MIB,
        "streaming {ACTIVITIES} activities peaked at {peak} MiB, over {STREAMED_MIB} MiB"
    );
}
