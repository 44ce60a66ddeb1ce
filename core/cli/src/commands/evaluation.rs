//! `tcrules evaluation`: the evaluation requirements of each project (R6 §143).

use std::path::PathBuf;

use tcrules::{evaluation, Policy};

use crate::failure::Failure;
use crate::options::Options;
use crate::render::{self, say};
use crate::{inputs, tables};

#[derive(clap::Args)]
pub struct Args {
    inputs: Vec<PathBuf>,
}

pub fn run(args: &Args, options: &Options, policy: &Policy) -> Result<(), Failure> {
    let p = inputs::portfolio(&args.inputs, options.rates.as_deref())?;
    let rows = evaluation::evaluate_all(&p.projects, policy, &p.rates);
    if options.json() {
        return render::json(&rows);
    }
    tables::evaluations(&rows);
    say!();
    tables::findings(
        rows.iter()
            .flat_map(|r| r.findings.iter())
            .filter(|f| f.needs_action()),
    );
    Ok(())
}
