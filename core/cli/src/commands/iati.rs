//! `tcrules iati`: evaluation requirements, delivery by year and the gender marker of
//! every activity of an IATI activity file. What the reader cannot read is part of its
//! report, printed after the findings.

use std::path::PathBuf;

use tcrules::iati::{self, IatiReport};
use tcrules::Policy;

use crate::exit::Outcome;
use crate::failure::Failure;
use crate::options::Options;
use crate::render::{self, rate, say, usd};
use crate::{inputs, tables};

#[derive(clap::Args)]
pub struct Args {
    /// The IATI activity file (XML).
    file: PathBuf,
}

pub fn run(args: &Args, options: &Options, policy: &Policy) -> Result<Outcome, Failure> {
    let input = inputs::iati(&args.file)?;
    let r = iati::read(input, &inputs::rates(options.rates.as_deref())?, policy);
    let outcome = Outcome::of(r.activities.iter().flat_map(|a| a.findings.iter()));
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
