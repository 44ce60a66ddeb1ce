//! `tcrules iati`: evaluation requirements, delivery by year and the gender marker of
//! every activity of an IATI activity file. What the reader cannot read is part of its
//! report, printed after the findings, and the exit status says whether there is any
//! ([`EXIT_STATUS`]).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;
use tcrules::error::ErrorInfo;
use tcrules::iati::{self, IatiReport, Periods, ReadOptions, Rows};
use tcrules::policy::PolicyStamp;
use tcrules::{Error, Policy};

use crate::exit::Outcome;
use crate::failure::{self, Failure};
use crate::options::{Options, Output};
use crate::render::{self, rate, say, usd};
use crate::{inputs, tables};

/// The exit status, as `tcrules iati --help` gives it.
pub const EXIT_STATUS: &str = "\
Exit status:
  0  every activity was read (its findings may still fail or warn)
  1  the file could not be read, or not to its end (missing, empty, not XML, not an IATI
     activity file, an encoding that is not read, too large, broken outside any activity),
     or some activities have errors, which their rows name (one that could not be read,
     the file broken inside one, a value with no exchange rate: see --rates)
  2  a usage error
  3  with --fail-on, findings of that status or worse";

#[derive(clap::Args)]
pub struct Args {
    /// The IATI activity file: XML in UTF-8, UTF-16 or a declared encoding, or gzip of it.
    file: PathBuf,
    /// The date at which to ask whether each finished activity publishes its evaluation (a
    /// document-link of category A07), once it ended more than the policy's months before
    /// (12 in ilo-2006): a date YYYY-MM-DD, `today`, or `never` not to ask.
    #[arg(long, value_name = "DATE", default_value = "today", value_parser = as_of)]
    as_of: AsOf,
    /// The years delivery is grouped by: `published` (the publisher's own budget year,
    /// twelve months from the month its earliest budget starts), `calendar`, or `fiscal:M`
    /// (years from month M: fiscal:4 is April–March).
    #[arg(long, value_name = "YEARS", default_value = "published")]
    periods: Periods,
}

/// `--as-of`: a date, or none when the question is not asked.
#[derive(Clone, Copy)]
struct AsOf(Option<NaiveDate>);

fn as_of(s: &str) -> Result<AsOf, Error> {
    match s.trim().to_ascii_lowercase().as_str() {
        "today" => Ok(AsOf(Some(chrono::Utc::now().date_naive()))),
        "never" => Ok(AsOf(None)),
        date => date
            .parse()
            .map(|d| AsOf(Some(d)))
            .map_err(|_| Error::Invalid {
                path: "--as-of".into(),
                message: format!("{s:?} is not a date (YYYY-MM-DD), today or never"),
            }),
    }
}

pub fn run(args: &Args, options: &Options, policy: &Policy) -> Result<Outcome, Failure> {
    let input = inputs::iati(&args.file)?;
    let rates = inputs::rates(options.rates.as_deref())?;
    let read = ReadOptions {
        as_of: args.as_of.0,
        periods: args.periods,
    };
    if options.streams() {
        return stream(&args.file, options, Rows::new(input, &rates, policy, &read));
    }
    let r = iati::read_with(input, &rates, policy, &read);
    let in_error = r.activities.iter().filter(|a| a.error.is_some()).count();
    let first_row = r.activities.iter().find_map(|a| a.error.as_ref());
    let incomplete = say_first_problem(
        &args.file,
        options,
        r.errors.first(),
        first_row,
        (in_error, r.activities.len()),
    );
    let outcome =
        Outcome::of(r.activities.iter().flat_map(|a| a.findings.iter())).unevaluated_if(incomplete);
    if options.json() {
        render::json(&r)?;
        return Ok(outcome);
    }
    activities(&r);
    say!();
    tables::findings(
        r.activities
            .iter()
            .flat_map(|a| a.findings.iter())
            .filter(|f| f.needs_action()),
    );
    for e in &r.errors {
        say!("error [{}] {}", e.code, e.message);
    }
    Ok(outcome)
}

/// One row per activity; one the reader gave up on has its name and error only.
fn activities(r: &IatiReport) {
    let table: Vec<Vec<String>> = r
        .activities
        .iter()
        .map(|a| {
            let name = a.identifier.clone().unwrap_or_else(|| a.activity.clone());
            let error = a
                .error
                .as_ref()
                .map(|e| format!("error [{}] {}", e.code, e.message))
                .unwrap_or_default();
            let Some(class) = a.duration_class else {
                let mut row = vec![name];
                row.resize(7, String::new());
                row.push(error);
                return row;
            };
            let delivery: Vec<String> = a
                .delivery
                .iter()
                .map(|g| format!("{} {}", g.group, rate(g.rate_percent)))
                .collect();
            let known = |b: Option<bool>| match b {
                Some(true) => "yes",
                Some(false) => "no",
                None => "?",
            };
            vec![
                name,
                class.as_str().to_owned(),
                a.evaluations
                    .iter()
                    .map(|d| d.kind.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                a.budget_usd.as_ref().map_or_else(|| "?".to_owned(), usd),
                known(a.independent_evaluation).to_owned(),
                delivery.join(", "),
                a.gender_marker
                    .map_or_else(|| "none".to_owned(), |m| m.to_string()),
                error,
            ]
        })
        .collect();
    say!("IATI {}", r.version.as_deref().unwrap_or("(no version)"));
    render::table(
        &[
            "activity",
            "class",
            "evaluations",
            "budget US$",
            "independent",
            "delivery % by year",
            "gender marker",
            "error",
        ],
        &table,
    );
}

/// What `--format jsonl` writes after the rows: the file's version, how many activities
/// were read and how many are in error, the problem outside any activity that ended the
/// reading (if any), and the policy stamp.
#[derive(Serialize)]
struct Summary<'a> {
    version: Option<&'a str>,
    activities: usize,
    in_error: usize,
    errors: &'a [ErrorInfo],
    policy: &'a PolicyStamp,
}

/// Where streamed rows go: a CSV table, or JSON Lines.
enum Sink<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Lines(W),
}

/// Writes each row as it is read (JSON Lines or CSV), so that memory holds one activity
/// and the identifiers seen, however long the file; the summary comes last (on stdout for
/// JSON Lines, on stderr for CSV, whose readers expect rows only).
fn stream<R: BufRead>(
    file: &Path,
    options: &Options,
    mut rows: Rows<'_, R>,
) -> Result<Outcome, Failure> {
    let write_error = |e: &dyn std::fmt::Display| Error::Io {
        path: "stdout".into(),
        message: e.to_string(),
    };
    let csv = options.format == Output::Csv;
    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut sink = if csv {
        let mut table = csv::Writer::from_writer(stdout);
        table
            .write_record(iati::COLUMNS)
            .map_err(|e| write_error(&e))?;
        Sink::Csv(Box::new(table))
    } else {
        Sink::Lines(stdout)
    };
    let (mut outcome, mut read, mut in_error) = (Outcome::default(), 0usize, 0usize);
    let mut first: Option<ErrorInfo> = None;
    let mut errors = Vec::new();
    for row in rows.by_ref() {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                errors.push(e.info());
                continue;
            }
        };
        read += 1;
        outcome = outcome.and(Outcome::of(&row.findings));
        if let Some(e) = &row.error {
            in_error += 1;
            first.get_or_insert_with(|| e.clone());
        }
        match &mut sink {
            Sink::Csv(table) => table
                .write_record(row.cells())
                .map_err(|e| write_error(&e))?,
            Sink::Lines(out) => {
                serde_json::to_writer(&mut *out, &row).map_err(|e| write_error(&e))?;
                out.write_all(b"\n").map_err(|e| write_error(&e))?;
            }
        }
    }
    let summary = Summary {
        version: rows.version(),
        activities: read,
        in_error,
        errors: &errors,
        policy: rows.policy().stamp(),
    };
    match sink {
        Sink::Csv(mut table) => {
            table.flush().map_err(|e| write_error(&e))?;
            let _ = writeln!(
                std::io::stderr(),
                "IATI {}: {read} activities, {in_error} with errors",
                summary.version.unwrap_or("(no version)")
            );
        }
        Sink::Lines(mut out) => {
            serde_json::to_writer(&mut out, &serde_json::json!({ "summary": summary }))
                .map_err(|e| write_error(&e))?;
            out.write_all(b"\n").map_err(|e| write_error(&e))?;
            out.flush().map_err(|e| write_error(&e))?;
        }
    }
    let incomplete = say_first_problem(
        file,
        options,
        errors.first(),
        first.as_ref(),
        (in_error, read),
    );
    Ok(outcome.unevaluated_if(incomplete))
}

/// Nothing lost is not nothing wrong: a file read only in part (`file_error`), or an
/// activity in error (`first_row` of `in_error` of `read`), leaves the run incomplete, and
/// stderr names the first such error. Whether there was one.
fn say_first_problem(
    file: &Path,
    options: &Options,
    file_error: Option<&ErrorInfo>,
    first_row: Option<&ErrorInfo>,
    (in_error, read): (usize, usize),
) -> bool {
    let (lead, e) = match (file_error, first_row) {
        (Some(e), _) => (String::new(), e),
        (None, Some(e)) => (
            format!("{in_error} of {read} activities have errors; the first: "),
            e,
        ),
        (None, None) => return false,
    };
    let _ = writeln!(
        std::io::stderr(),
        "{}",
        failure::line(file, &lead, e, options.json_errors())
    );
    true
}
