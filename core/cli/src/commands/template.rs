//! `tcrules template proposal`: the proposal template, an Excel workbook an officer fills
//! and `tcrules appraise` (or the appraisal page) reads back (`tcrules::template`).

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;

use tcrules::{template, Error};

use crate::exit::Outcome;
use crate::failure::{in_file, Failure, Misuse};
use crate::inputs;
use crate::options::{Options, Output};

#[derive(clap::Args)]
pub struct Args {
    /// What the template is for: `proposal`, a proposal for appraisal (a sheet of its
    /// fields and a sheet per list).
    #[arg(value_enum)]
    kind: Kind,
    /// A proposal (JSON, or a filled template) to fill the template with; without it,
    /// the template is blank.
    #[arg(long, value_name = "FILE")]
    from: Option<PathBuf>,
    /// Where to write the workbook (.xlsx; with `--format csv`, the template as CSV text,
    /// its sheets one after another); without it, standard output, which must then not be
    /// a terminal for a workbook (`tcrules template proposal > proposal.xlsx`).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Kind {
    Proposal,
}

pub fn run(args: &Args, options: &Options) -> Result<Outcome, Failure> {
    let Kind::Proposal = args.kind;
    let proposal = args.from.as_deref().map(inputs::proposal).transpose()?;
    let bytes = if options.format == Output::Csv {
        template::write_csv(proposal.as_ref())?.into_bytes()
    } else {
        template::workbook(proposal.as_ref())?
    };
    match &args.output {
        Some(path) => std::fs::write(path, &bytes).map_err(|e| {
            in_file(path)(Error::Io {
                path: String::new(),
                message: format!("could not write the workbook: {e}"),
            })
        })?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|()| out.flush())
                .map_err(|e| Error::Io {
                    path: String::new(),
                    message: format!("could not write the workbook: {e}"),
                })?;
        }
    }
    Ok(Outcome::default())
}

/// A workbook is not written to a terminal: without `--output` (or `--format csv`),
/// standard output must be redirected.
pub fn misuse(args: &Args, options: &Options) -> Option<Misuse> {
    let workbook = options.format != Output::Csv;
    (workbook && args.output.is_none() && std::io::stdout().is_terminal()).then(|| Misuse {
        command: "template",
        argument: "--output",
        message: "the template is an Excel workbook: give --output FILE, or redirect the output to a file (> proposal.xlsx)".to_owned(),
    })
}
