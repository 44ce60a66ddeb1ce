//! `tcrules`: the portfolio rules of technical cooperation on the command line.
//!
//! With no input file every command runs on the example portfolio shipped with the crate
//! (real ILO projects from the seeds, R6 Annex 2 approvals).
//!
//! One file per command (`commands/`); they read files through `inputs`, print through
//! `render` and the tables they share in `tables`, fail with a `failure::Failure`, and
//! return the `exit::Outcome` that decides the exit code.

mod commands;
mod exit;
mod failure;
mod inputs;
mod options;
mod render;
mod tables;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, Parser};

use commands::Command;
use options::Options;

/// The exit codes, at the foot of `tcrules --help` (see `exit`).
const EXIT_CODES: &str =
    "Exit codes: 0 every input evaluated; 1 an input could not be read, or some \
row, project or activity could not be evaluated; 2 usage error; 3 --fail-on: findings of that \
status or worse.";

#[derive(Parser)]
#[command(
    name = "tcrules",
    version,
    about = "Portfolio rules of technical cooperation: evaluation, delivery, integration, portfolio balance and proposal appraisal (ILC 2006 Report VI)",
    after_help = textwrap::fill(EXIT_CODES, 90)
)]
struct Cli {
    #[command(flatten)]
    options: Options,
    #[command(subcommand)]
    command: Command,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e, json_asked(std::env::args_os())),
    };
    let json = cli.options.json_errors();
    if let Some(m) = cli.command.misuse(&cli.options) {
        if json {
            eprintln!("{}", failure::usage_json(m.argument, &m.message));
            return ExitCode::from(exit::USAGE);
        }
        // Built, so that the usage line names the program and the command.
        let mut cli = Cli::command();
        cli.build();
        let mut cmd = cli.find_subcommand(m.command).cloned().unwrap_or(cli);
        let _ = cmd.error(ErrorKind::ArgumentConflict, m.message).print();
        return ExitCode::from(exit::USAGE);
    }
    render::fit_to(render::output_width(cli.options.wide));
    // The policy edition is read first: a bad one fails every command alike.
    let run = inputs::policy(cli.options.policy.as_deref())
        .and_then(|policy| cli.command.run(&cli.options, &policy));
    match run {
        Ok(outcome) => ExitCode::from(outcome.code(cli.options.fail_on)),
        Err(failure) if json => {
            eprintln!("{}", failure.to_json());
            ExitCode::from(exit::INCOMPLETE)
        }
        Err(failure) => {
            eprintln!("tcrules: {failure}");
            ExitCode::from(exit::INCOMPLETE)
        }
    }
}

/// Whether the command line asks for JSON (`--format json` or `--format=json`), read
/// from the raw arguments when clap could not parse them.
fn json_asked(args: impl Iterator<Item = OsString>) -> bool {
    let args: Vec<OsString> = args.collect();
    let json = |v: &OsString| v == "json" || v == "jsonl";
    args.iter()
        .any(|a| a == "--format=json" || a == "--format=jsonl")
        || args
            .windows(2)
            .any(|w| matches!(w, [f, v] if f == "--format" && json(v)))
}

/// Help and version as clap prints them (exit 0); a usage error as clap prints it, or as
/// JSON with the argument at fault (exit 2).
fn clap_error(e: &clap::Error, json: bool) -> ExitCode {
    if !json || !e.use_stderr() {
        e.exit();
    }
    let argument = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s.as_str(),
        Some(ContextValue::Strings(s)) => s.first().map_or("", String::as_str),
        _ => "",
    };
    // `--to <DATE>` is the argument `--to`.
    let argument = argument.split_whitespace().next().unwrap_or_default();
    // The first line of clap's message, which the usage hint follows.
    let text = e.render().to_string();
    let message = text
        .lines()
        .next()
        .map_or("", |l| l.trim_start_matches("error: "));
    eprintln!("{}", failure::usage_json(argument, message));
    ExitCode::from(exit::USAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_asked_in_either_spelling() {
        let asks = |args: &[&str]| json_asked(args.iter().map(OsString::from));
        assert!(asks(&["tcrules", "--format", "json", "frobnicate"]));
        assert!(asks(&["tcrules", "report", "--format=json"]));
        assert!(!asks(&["tcrules", "--format", "table", "report"]));
        assert!(!asks(&["tcrules", "json"]));
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
