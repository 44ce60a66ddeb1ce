//! `tcrules schedule`: the evaluations falling due between two dates, in date order.

use std::path::PathBuf;

use chrono::NaiveDate;
use tcrules::{evaluation, Policy};

use crate::exit::Outcome;
use crate::failure::{Failure, Misuse};
use crate::inputs;
use crate::options::Options;
use crate::render::{self, say};

#[derive(clap::Args)]
pub struct Args {
    /// Portfolio JSON files or CSV tables (see below); none: the example portfolio.
    #[arg(value_name = "FILE")]
    inputs: Vec<PathBuf>,
    /// First date (YYYY-MM-DD); default: the earliest.
    #[arg(long)]
    from: Option<NaiveDate>,
    /// Last date (YYYY-MM-DD), not before --from; default: the latest.
    #[arg(long)]
    to: Option<NaiveDate>,
}

/// `--to` before `--from` is a period that holds nothing: a usage error rather than an
/// empty table.
pub fn misuse(args: &Args) -> Option<Misuse> {
    match (args.from, args.to) {
        (Some(from), Some(to)) if to < from => Some(Misuse {
            command: "schedule",
            argument: "--to",
            message: format!("--to {to} is before --from {from}"),
        }),
        _ => None,
    }
}

/// The schedule leaves out a project that could not be evaluated: its error follows the
/// table, and the run exits 1. Findings are not shown, so `--fail-on` has none to count.
pub fn run(args: &Args, options: &Options, policy: &Policy) -> Result<Outcome, Failure> {
    let p = inputs::portfolio(&args.inputs, options, policy)?;
    let rows = evaluation::evaluate_all(&p.projects, policy, &p.rates);
    let errors: Vec<_> = rows
        .iter()
        .filter_map(|r| r.error.as_ref().map(|e| (&r.project, e)))
        .collect();
    let outcome = Outcome::default().unevaluated_if(!errors.is_empty());
    let due = evaluation::due_between(
        &rows,
        args.from.unwrap_or(NaiveDate::MIN),
        args.to.unwrap_or(NaiveDate::MAX),
    );
    if options.json() {
        let items: Vec<_> = due
            .iter()
            .map(|(p, d)| serde_json::json!({"project": p, "kind": d.kind, "date": d.date}))
            .collect();
        render::json(&items)?;
        return Ok(outcome);
    }
    let table: Vec<Vec<String>> = due
        .iter()
        .map(|(p, d)| vec![d.date.to_string(), p.clone(), d.kind.label().to_owned()])
        .collect();
    render::table(&["due", "project", "evaluation"], &table);
    for (project, e) in errors {
        say!("{project}: error [{}] {}", e.code, e.message);
    }
    Ok(outcome)
}
