//! `tcrules appraise`: whether a proposal is ready for submission (DC, R6 §68, §305).

use std::path::PathBuf;

use tcrules::{appraisal, Policy};

use crate::failure::Failure;
use crate::options::Options;
use crate::render::{self, say};
use crate::{inputs, tables};

#[derive(clap::Args)]
pub struct Args {
    proposal: PathBuf,
}

pub fn run(args: &Args, options: &Options, policy: &Policy) -> Result<(), Failure> {
    let proposal = inputs::proposal(&args.proposal)?;
    let rates = inputs::rates(options.rates.as_deref())?;
    let a = appraisal::appraise(&proposal, policy, &rates)?;
    if options.json() {
        return render::json(&a);
    }
    say!(
        "{}: {} — verdict {}, score {}/100",
        proposal.id,
        proposal.title,
        a.verdict.as_str(),
        a.score
    );
    tables::findings(a.findings.iter());
    Ok(())
}
