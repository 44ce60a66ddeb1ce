//! Reading the files a command names: portfolios (JSON or CSV), proposals, rates, policy
//! editions and IATI files. Errors name the file, or carry its path themselves (`io`).

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use tcrules::io::{self, csv, json, Columns, Format};
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

/// A rates file as written, its rates not yet checked (a merge checks them), told from
/// its content, never its name: JSON (`{"EUR": "1.2"}`, rates by month, or rows), or a
/// table of `currency`, `month` (optional: `YYYY-MM` or a date) and `rate`, as CSV text or
/// a workbook's first sheet (month cells typed as dates read as their month).
fn rates_file(path: &Path) -> Result<Rates, Failure> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, &e))?;
    match Format::sniff(&bytes) {
        Format::Csv => io::table_text(&bytes, None).and_then(|text| csv::read_rates(&text)),
        _ => Format::Json.text(&bytes).and_then(json::from_str),
    }
    .map_err(in_file(path))
}

/// The exchange rates of `--rates`, or US dollars only: for the commands whose input has
/// no rates of its own (a proposal, an IATI file).
pub fn rates(path: Option<&Path>) -> Result<Rates, Failure> {
    path.map_or_else(|| Ok(Rates::usd_only()), rates_file)
}

/// The column mapping of `--columns`, or none.
pub fn columns(options: &Options) -> Result<Columns, Failure> {
    match options.columns.as_deref() {
        None => Ok(Columns::default()),
        Some(path) => Columns::from_json(&read(path, Format::Json)?).map_err(in_file(path)),
    }
}

/// How the CSV tables and workbooks are read: `--day-first` or `--month-first`, and the
/// column mapping of `--columns`.
fn table_options(options: &Options, policy: &Policy) -> Result<csv::Options, Failure> {
    Ok(csv::Options {
        columns: columns(options)?,
        labels: policy.spec().labels.clone(),
        ..options.csv()
    })
}

/// Reads the inputs into one portfolio ([`Portfolio::merge`], in the order given), or the
/// example without any; `--rates` then wins over the inputs' rates. Each file's format is
/// told from its content, never its name ([`Format::sniff`]): a JSON portfolio, or a table
/// (CSV text, or an Excel or OpenDocument workbook's sheet, `--sheet` or the first) told
/// apart by its header, read as `--day-first`, `--month-first` and `--columns` say, with
/// the edition's own spellings of the vocabulary (`--policy`'s `labels`).
pub fn portfolio(
    inputs: &[PathBuf],
    options: &Options,
    policy: &Policy,
) -> Result<Portfolio, Failure> {
    let mut portfolio = if inputs.is_empty() {
        json::read_portfolio(EXAMPLE)?
    } else {
        Portfolio::default()
    };
    let tables = table_options(options, policy)?;
    for path in inputs {
        let bytes = std::fs::read(path).map_err(|e| io_error(path, &e))?;
        let p = match Format::sniff(&bytes) {
            Format::Csv => io::table_text(&bytes, options.sheet.as_deref())
                .and_then(|text| csv::read_table_with(&text, &tables)),
            Format::Iati => Err(Error::Invalid {
                path: String::new(),
                message: "an XML file: read IATI activity files with `tcrules iati`".into(),
            }),
            _ => Format::Json
                .text(&bytes)
                .and_then(json::from_str::<Portfolio>),
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

/// Checks that every projects table among the inputs has `column` (as `--columns` maps
/// its headers): grouping by a column the table lacks is an error that names it, never
/// every record "(unassigned)".
pub fn require_project_column(
    inputs: &[PathBuf],
    options: &Options,
    column: &str,
) -> Result<(), Failure> {
    let columns = columns(options)?;
    for path in inputs {
        let bytes = std::fs::read(path).map_err(|e| io_error(path, &e))?;
        if Format::sniff(&bytes) != Format::Csv {
            continue;
        }
        let check = || -> tcrules::Result<()> {
            let text = io::table_text(&bytes, options.sheet.as_deref())?;
            let headers = csv::headers(&text)?;
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            let names = columns
                .for_headers(headers.iter().copied())
                .names(headers.iter().copied());
            if !names.iter().any(|n| n == "budget_amount") {
                return Ok(()); // not a projects table
            }
            csv::require_headers("projects", &[column], &headers, &columns)
        };
        check().map_err(in_file(path))?;
    }
    Ok(())
}

/// A proposal to appraise: JSON, or the proposal template filled, as a workbook (told from
/// its content) or saved as CSV (a `.csv` name): `tcrules::template::read_file`.
pub fn proposal(path: &Path) -> Result<Proposal, Failure> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, &e))?;
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv || io::sheet::is_zip(&bytes) {
        return tcrules::template::read_file(&bytes).map_err(in_file(path));
    }
    Format::Json
        .text(&bytes)
        .and_then(json::from_str)
        .map_err(in_file(path))
}

/// An IATI file, opened for the reader to stream.
pub fn iati(path: &Path) -> Result<BufReader<File>, Failure> {
    let file = File::open(path).map_err(|e| io_error(path, &e))?;
    Ok(BufReader::new(file))
}
