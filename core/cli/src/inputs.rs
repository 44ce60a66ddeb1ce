//! Reading the files a command names: portfolios (JSON or CSV), proposals, rates, policy
//! editions and IATI files. Errors name the file, or carry its path themselves (`io`).

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use tcrules::io::{csv, json, Format};
use tcrules::money::Rates;
use tcrules::{Error, Policy, Portfolio, Proposal};

use crate::failure::{in_file, Failure};
use crate::options::Options;

/// The example portfolio shipped in the repository, built in so that every command runs
/// without an input file.
const EXAMPLE: &str = include_str!("../../data/example/portfolio.json");

fn io_error(path: &Path, e: &std::io::Error) -> Error {
    Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// The text of a file in `format`; bytes that are not UTF-8 are the format's error.
fn read(path: &Path, format: Format) -> Result<String, Failure> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, &e))?;
    let text = format.text(&bytes).map_err(in_file(path))?;
    Ok(text.to_owned())
}

/// The policy edition of `--policy`, or the built-in ilo-2006.
pub fn policy(path: Option<&Path>) -> Result<Policy, Failure> {
    match path {
        None => Ok(Policy::default()),
        Some(path) => Policy::from_json(&read(path, Format::Policy)?).map_err(in_file(path)),
    }
}

/// A rates file as written, its rates not yet checked (a merge checks them).
fn rates_file(path: &Path) -> Result<Rates, Failure> {
    json::from_str(&read(path, Format::Json)?).map_err(in_file(path))
}

/// The exchange rates of `--rates`, or US dollars only: for the commands whose input has
/// no rates of its own (a proposal, an IATI file).
pub fn rates(path: Option<&Path>) -> Result<Rates, Failure> {
    path.map_or_else(|| Ok(Rates::usd_only()), rates_file)
}

/// Reads the inputs into one portfolio ([`Portfolio::merge`], in the order given), or the
/// example without any; `--rates` then wins over the inputs' rates. JSON portfolios and
/// CSV tables are told apart by the extension; CSV tables by their header, and read as
/// `--day-first` or `--month-first` says.
pub fn portfolio(inputs: &[PathBuf], options: &Options) -> Result<Portfolio, Failure> {
    let mut portfolio = if inputs.is_empty() {
        json::read_portfolio(EXAMPLE)?
    } else {
        Portfolio::default()
    };
    for path in inputs {
        let is_csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let text = read(path, if is_csv { Format::Csv } else { Format::Json })?;
        let p = if is_csv {
            csv::read_table_with(&text, options.csv())
        } else {
            json::from_str::<Portfolio>(&text)
        }
        .map_err(in_file(path))?;
        // A refused rate names its currency, not the file: the message as it has always been.
        portfolio.merge(p)?;
    }
    if let Some(path) = options.rates.as_deref() {
        let rates = rates_file(path)?;
        portfolio.rates.merge(&rates).map_err(in_file(path))?;
    }
    Ok(portfolio)
}

/// A proposal to appraise: JSON, or the proposal template filled and saved as CSV (a
/// `.csv` name; `tcrules::template::read_file`).
pub fn proposal(path: &Path) -> Result<Proposal, Failure> {
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        let bytes = std::fs::read(path).map_err(|e| io_error(path, &e))?;
        return tcrules::template::read_file(&bytes).map_err(in_file(path));
    }
    json::from_str(&read(path, Format::Json)?).map_err(in_file(path))
}

/// An IATI file, opened for the reader to stream.
pub fn iati(path: &Path) -> Result<BufReader<File>, Failure> {
    let file = File::open(path).map_err(|e| io_error(path, &e))?;
    Ok(BufReader::new(file))
}
