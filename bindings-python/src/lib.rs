//! `tcrules._tcrules`: the private native module behind the Python package `tcrules`.
//!
//! Glue only: it holds no rule logic and no columnar engine. Single calls go through the
//! core's JSON boundary [`tcrules::api::call_str`] (JSON text in and out, so Python gets
//! byte for byte what Rust and WASM get), and batches through the columnar engine
//! `tcrules_arrow` ([`batch`]). The GIL is released while the core works. Errors are
//! raised as the exception classes of `tcrules.errors`, with the core's code, path and
//! message.

mod batch;
mod error;
mod iati;

use pyo3::prelude::*;
use serde_json::{json, Value};
use tcrules::{api, io, Error, Policy};

use crate::error::detached;

/// A validated policy edition: build once, evaluate many.
#[pyclass(frozen, module = "tcrules._tcrules", name = "Policy")]
pub(crate) struct PyPolicy(Policy);

#[pymethods]
impl PyPolicy {
    /// The default edition, `ilo-2006`.
    #[new]
    fn new() -> Self {
        PyPolicy(Policy::default())
    }

    /// Reads an edition from JSON text: a complete edition, or `"extends": "ilo-2006"`
    /// with the fields it changes.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        detached(py, || Policy::from_json(text)).map(PyPolicy)
    }

    /// The edition's name.
    #[getter]
    fn name(&self) -> &str {
        &self.0.stamp().name
    }

    /// The edition's version.
    #[getter]
    fn version(&self) -> &str {
        &self.0.stamp().version
    }

    /// `sha256:` and the hex digest of the edition's canonical JSON.
    #[getter]
    fn hash(&self) -> &str {
        &self.0.stamp().hash
    }

    /// The edition's canonical JSON (what the hash is taken over), pretty-printed.
    fn to_json(&self) -> String {
        self.0.to_json_pretty()
    }
}

/// Runs `kind` (one of `tcrules::api::KINDS`) on JSON `input` under `policy`; returns
/// the core's JSON answer, the same text Rust and WASM get ([`api::call_str`]).
#[pyfunction]
fn call(py: Python<'_>, kind: &str, input: &str, policy: PyRef<'_, PyPolicy>) -> PyResult<String> {
    let policy = &policy.0;
    detached(py, || api::call_str(kind, input, policy))
}

/// Runs `kind` on each input of a JSON array; returns a JSON array with one output per
/// input, in order, an input that fails giving `{"error": {code, path, message}}`.
#[pyfunction]
fn call_many(
    py: Python<'_>,
    kind: &str,
    inputs: &str,
    policy: PyRef<'_, PyPolicy>,
) -> PyResult<String> {
    let policy = &policy.0;
    detached(py, || {
        let Value::Array(inputs) = io::json::parse_value(inputs)? else {
            return Err(Error::Invalid {
                path: String::new(),
                message: "expected a JSON array of inputs".into(),
            });
        };
        let outputs: Vec<Value> = inputs
            .iter()
            .map(|input| {
                api::call(kind, input, policy).unwrap_or_else(|e| json!({"error": e.info()}))
            })
            .collect();
        Ok(Value::Array(outputs).to_string())
    })
}

fn to_json<T: serde::Serialize>(value: &T) -> tcrules::Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Io {
        path: String::new(),
        message: e.to_string(),
    })
}

/// Reads a file's bytes in `format` (`json`, `csv`, `iati` or `policy`) as
/// `tcrules::api::read` does; returns the canonical JSON answer.
#[pyfunction]
fn read(
    py: Python<'_>,
    format: &str,
    data: &[u8],
    rates: &str,
    policy: PyRef<'_, PyPolicy>,
) -> PyResult<String> {
    let policy = &policy.0;
    detached(py, || {
        let rates = io::json::from_str(rates).map_err(|e| e.at("rates"))?;
        Ok(api::read(format, data, &rates, policy)?.to_string())
    })
}

/// The text of a file's bytes in `format`: UTF-8, a byte-order mark skipped; other bytes
/// raise the format's error.
#[pyfunction]
fn text(py: Python<'_>, format: &str, data: &[u8]) -> PyResult<String> {
    detached(py, || {
        Ok(format.parse::<io::Format>()?.text(data)?.to_owned())
    })
}

/// Reads and validates a portfolio from JSON text; returns its canonical JSON.
#[pyfunction]
fn read_portfolio(py: Python<'_>, text: &str) -> PyResult<String> {
    detached(py, || to_json(&io::json::read_portfolio(text)?))
}

/// Reads a CSV table (`projects`, `records` or `approvals`) in the core's layout; returns
/// the canonical JSON array of its rows. `day_first`: how dates written with numbers read;
/// `columns`: the column mapping's JSON; `policy`: the edition whose own spellings of the
/// vocabulary are read too (`io::csv::Options`).
#[pyfunction]
#[pyo3(signature = (table, text, day_first=None, columns=None, policy=None))]
fn read_csv(
    py: Python<'_>,
    table: &str,
    text: &str,
    day_first: Option<bool>,
    columns: Option<&str>,
    policy: Option<PyRef<'_, PyPolicy>>,
) -> PyResult<String> {
    let labels = policy
        .map(|p| p.0.spec().labels.clone())
        .unwrap_or_default();
    detached(py, || {
        let options = io::csv::Options {
            day_first,
            columns: batch::mapping(columns)?,
            labels,
        };
        match table {
            "projects" => to_json(&io::csv::read_projects_with(text, &options)?),
            "records" => to_json(&io::csv::read_records_with(text, &options)?),
            "approvals" => to_json(&io::csv::read_approvals_with(text, &options)?),
            other => Err(Error::Invalid {
                path: "table".into(),
                message: format!("unknown table {other:?}; one of projects, records, approvals"),
            }),
        }
    })
}

/// The text of a table file's bytes, told from its content: a workbook's sheet (`sheet`,
/// or the first) as CSV text, or the file's own text (`io::table_text`).
#[pyfunction]
#[pyo3(signature = (data, sheet=None))]
fn table_text(py: Python<'_>, data: &[u8], sheet: Option<&str>) -> PyResult<String> {
    detached(py, || Ok(io::table_text(data, sheet)?.into_owned()))
}

/// The format of a file's bytes, told from its content (`io::Format::sniff`).
#[pyfunction]
fn sniff(data: &[u8]) -> &'static str {
    io::Format::sniff(data).as_str()
}

/// The example portfolio shipped in the repository, as JSON text.
#[pyfunction]
fn example_portfolio() -> &'static str {
    include_str!("../../core/data/example/portfolio.json")
}

/// Every rule as `(id, title)`, in catalogue order.
#[pyfunction]
fn rules() -> Vec<(&'static str, &'static str)> {
    tcrules::RuleId::ALL
        .iter()
        .map(|r| (r.as_str(), r.title()))
        .collect()
}

/// Every kind `call` understands.
#[pyfunction]
fn kinds() -> Vec<&'static str> {
    api::KINDS.to_vec()
}

#[pymodule]
fn _tcrules(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<PyPolicy>()?;
    m.add_function(wrap_pyfunction!(call, m)?)?;
    m.add_function(wrap_pyfunction!(call_many, m)?)?;
    m.add_function(wrap_pyfunction!(read, m)?)?;
    m.add_function(wrap_pyfunction!(text, m)?)?;
    m.add_function(wrap_pyfunction!(read_portfolio, m)?)?;
    m.add_function(wrap_pyfunction!(read_csv, m)?)?;
    m.add_function(wrap_pyfunction!(table_text, m)?)?;
    m.add_function(wrap_pyfunction!(sniff, m)?)?;
    m.add_function(wrap_pyfunction!(example_portfolio, m)?)?;
    m.add_function(wrap_pyfunction!(rules, m)?)?;
    m.add_function(wrap_pyfunction!(kinds, m)?)?;
    m.add_function(wrap_pyfunction!(batch::project_table, m)?)?;
    m.add_function(wrap_pyfunction!(batch::due_table, m)?)?;
    m.add_function(wrap_pyfunction!(batch::delivery_table, m)?)?;
    m.add_function(wrap_pyfunction!(batch::findings_table, m)?)?;
    m.add_class::<iati::IatiStream>()?;
    m.add_function(wrap_pyfunction!(iati::iati_stream, m)?)?;
    m.add_function(wrap_pyfunction!(iati::read_iati, m)?)?;
    m.add_function(wrap_pyfunction!(iati::iati_empty, m)?)?;
    m.add_function(wrap_pyfunction!(batch::delivery_by, m)?)?;
    Ok(())
}
