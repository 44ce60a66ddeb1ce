//! The commands, one file each: its arguments (`Args`) and its `run`, which prints and
//! returns what decides the exit code.

mod appraise;
mod columns;
mod delivery;
mod evaluation;
mod iati;
mod integration;
mod policy;
mod portfolio;
mod report;
mod schedule;
mod template;

use clap::Subcommand;
use tcrules::Policy;

use crate::exit::Outcome;
use crate::failure::{Failure, Misuse};
use crate::options::Options;

#[derive(Subcommand)]
pub enum Command {
    /// Every rule family on a portfolio.
    #[command(after_help = columns::help())]
    Report(report::Args),
    /// Evaluation requirements of each project (R6 §143).
    #[command(after_help = columns::help())]
    Evaluation(evaluation::Args),
    /// Evaluations falling due, in date order.
    #[command(after_help = columns::help())]
    Schedule(schedule::Args),
    /// Delivery rates (R6 §140).
    #[command(after_help = columns::help())]
    Delivery(delivery::Args),
    /// Integration of RB, RBTC and extra-budgetary resources (R6 §59–64, §162).
    #[command(after_help = columns::help())]
    Integration(integration::Args),
    /// Portfolio balance: approvals by source (R6 Table V.1), concentration, shares.
    #[command(after_help = columns::help())]
    Portfolio(portfolio::Args),
    /// Appraise a proposal (JSON, or the proposal template filled: .xlsx or .csv).
    Appraise(appraise::Args),
    /// Write a template to fill in a spreadsheet program: `tcrules template proposal >
    /// proposal.xlsx`.
    Template(template::Args),
    /// Evaluation requirements, delivery by year and the gender marker of every activity
    /// of an IATI activity file (XML, version 2.03 or 1.0x).
    #[command(after_help = iati::EXIT_STATUS)]
    Iati(iati::Args),
    /// Show the policy edition in force.
    Policy,
    /// The columns of the CSV tables of projects, records and approvals.
    Columns,
}

impl Command {
    pub fn run(&self, options: &Options, edition: &Policy) -> Result<Outcome, Failure> {
        match self {
            Command::Report(args) => report::run(args, options, edition),
            Command::Evaluation(args) => evaluation::run(args, options, edition),
            Command::Schedule(args) => schedule::run(args, options, edition),
            Command::Delivery(args) => delivery::run(args, options, edition),
            Command::Integration(args) => integration::run(args, options, edition),
            Command::Portfolio(args) => portfolio::run(args, options, edition),
            Command::Appraise(args) => appraise::run(args, options, edition),
            Command::Template(args) => template::run(args, options),
            Command::Iati(args) => iati::run(args, options, edition),
            Command::Policy => policy::run(options, edition),
            Command::Columns => columns::run(options),
        }
    }

    /// The usage error in arguments that each parse alone, if any.
    pub fn misuse(&self, options: &Options) -> Option<Misuse> {
        match self {
            Command::Schedule(args) => schedule::misuse(args),
            Command::Iati(_) => None,
            Command::Template(args) => template::misuse(args, options),
            _ if options.streams() => Some(Misuse {
                command: self.name(),
                argument: "--format",
                message: "--format jsonl and csv stream the rows of `tcrules iati`; this command prints a table or one JSON document (--format json)".to_owned(),
            }),
            _ => None,
        }
    }

    /// The command's name on the command line.
    fn name(&self) -> &'static str {
        match self {
            Command::Report(_) => "report",
            Command::Evaluation(_) => "evaluation",
            Command::Schedule(_) => "schedule",
            Command::Delivery(_) => "delivery",
            Command::Integration(_) => "integration",
            Command::Portfolio(_) => "portfolio",
            Command::Appraise(_) => "appraise",
            Command::Template(_) => "template",
            Command::Iati(_) => "iati",
            Command::Policy => "policy",
            Command::Columns => "columns",
        }
    }
}
