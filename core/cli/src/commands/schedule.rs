//! `tcrules schedule`: the evaluations falling due between two dates, in date order.

use std::path::PathBuf;

use chrono::NaiveDate;
use tcrules::{evaluation, Policy};

use crate::failure::Failure;
use crate::inputs;
use crate::options::Options;
use crate::render;

#[derive(clap::Args)]
pub struct Args {
    inputs: Vec<PathBuf>,
    /// First date (YYYY-MM-DD).
    #[arg(long)]
    from: Option<NaiveDate>,
    /// Last date (YYYY-MM-DD).
    #[arg(long)]
    to: Option<NaiveDate>,
}

pub fn run(args: &Args, options: &Options, policy: &Policy) -> Result<(), Failure> {
    let p = inputs::portfolio(&args.inputs, options.rates.as_deref())?;
    let rows = evaluation::evaluate_all(&p.projects, policy, &p.rates);
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
        return render::json(&items);
    }
    let table: Vec<Vec<String>> = due
        .iter()
        .map(|(p, d)| vec![d.date.to_string(), p.clone(), d.kind.label().to_owned()])
        .collect();
    render::table(&["due", "project", "evaluation"], &table);
    Ok(())
}
