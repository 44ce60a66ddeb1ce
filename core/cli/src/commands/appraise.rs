//! `tcrules appraise`: whether a proposal is ready for submission (DC, R6 §68, §305).

use std::path::PathBuf;

use tcrules::{appraisal, Policy};

use crate::exit::Outcome;
use crate::failure::Failure;
use crate::options::Options;
use crate::render::{self, say};
use crate::{inputs, tables};

#[derive(clap::Args)]
pub struct Args {
    /// The proposal: JSON, shaped as the examples in core/data/example/proposals, or the
    /// proposal template (`tcrules template proposal`) filled, as a workbook (.xlsx) or
    /// CSV (.csv).
    proposal: PathBuf,
}

pub fn run(args: &Args, options: &Options, policy: &Policy) -> Result<Outcome, Failure> {
    let proposal = inputs::proposal(&args.proposal)?;
    let rates = inputs::rates(options.rates.as_deref())?;
    let a = appraisal::appraise(&proposal, policy, &rates)?;
    let outcome = Outcome::of(&a.findings);
    if options.json() {
        render::json(&a)?;
        return Ok(outcome);
    }
    say!(
        "{}: {} — verdict {}, score {}/100",
        proposal.id,
        proposal.title,
        a.verdict.as_str(),
        a.score
    );
    // Each check that does not pass says how to fix it, as the appraisal page does.
    tables::findings_with_help(a.findings.iter());
    Ok(outcome)
}
