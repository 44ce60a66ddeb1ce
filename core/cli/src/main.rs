//! `tcrules`: the portfolio rules of technical cooperation on the command line.
//!
//! With no input file every command runs on the example portfolio shipped with the crate
//! (real ILO projects from the seeds, R6 Annex 2 approvals).
//!
//! One file per command (`commands/`); they read files through `inputs`, print through
//! `render` and the tables they share in `tables`, and fail with a `failure::Failure`.

mod commands;
mod failure;
mod inputs;
mod options;
mod render;
mod tables;

use std::process::ExitCode;

use clap::Parser;

use commands::Command;
use options::Options;

#[derive(Parser)]
#[command(
    name = "tcrules",
    version,
    about = "Portfolio rules of technical cooperation: evaluation, delivery, integration, portfolio balance and proposal appraisal (ILC 2006 Report VI)"
)]
struct Cli {
    #[command(flatten)]
    options: Options,
    #[command(subcommand)]
    command: Command,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    inputs::set_csv_options(cli.options.csv());
    // The policy edition is read first: a bad one fails every command alike.
    let run = inputs::policy(cli.options.policy.as_deref())
        .and_then(|policy| cli.command.run(&cli.options, &policy));
    match run {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("tcrules: {failure}");
            ExitCode::FAILURE
        }
    }
}
