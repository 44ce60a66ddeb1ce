//! `tcrules iati`: evaluation requirements, delivery by year and the gender marker of
//! every activity of an IATI activity file. What the reader cannot read is part of its
//! report, printed after the findings, and the exit status says whether there is any
//! ([`EXIT_STATUS`]).

use std::io::Write as _;
use std::path::PathBuf;

use tcrules::iati::{self, IatiReport};
use tcrules::Policy;

use crate::exit::Outcome;
use crate::failure::{self, Failure};
use crate::options::Options;
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
}

pub fn run(args: &Args, options: &Options, policy: &Policy) -> Result<Outcome, Failure> {
    let input = inputs::iati(&args.file)?;
    let r = iati::read(input, &inputs::rates(options.rates.as_deref())?, policy);
    // Nothing lost is not nothing wrong: a file read only in part, or an activity in
    // error, leaves the run incomplete, and stderr names the first such error.
    let in_error = r.activities.iter().filter(|a| a.error.is_some()).count();
    let first = match r.errors.first() {
        Some(e) => Some((String::new(), e)),
        None => r.activities.iter().find_map(|a| a.error.as_ref()).map(|e| {
            let n = r.activities.len();
            (
                format!("{in_error} of {n} activities have errors; the first: "),
                e,
            )
        }),
    };
    if let Some((lead, e)) = &first {
        let _ = writeln!(
            std::io::stderr(),
            "{}",
            failure::line(&args.file, lead, e, options.json())
        );
    }
    let outcome = Outcome::of(r.activities.iter().flat_map(|a| a.findings.iter()))
        .unevaluated_if(first.is_some());
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
