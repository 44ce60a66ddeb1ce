//! The IATI reader streamed to Python: batches of rows as pyarrow record batches (built by
//! the columnar engine, [`tcrules_arrow::iati_batch`]), read from a file that is never
//! held in memory, or from bytes.

use std::fs::File;
use std::io::{BufRead, BufReader, Cursor};
use std::path::PathBuf;
use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3_arrow::PyRecordBatch;
use tcrules::iati::{Periods, ReadOptions, Rows};
use tcrules::{io, Error};

use crate::error::{detached, to_py};
use crate::PyPolicy;

type Input = Box<dyn BufRead + Send>;

/// An iterator of record batches of at most `batch_size` activities each. A problem that
/// ends the reading (not XML, not an IATI file) is raised after the batch of the rows read
/// before it.
#[pyclass(module = "tcrules._tcrules", name = "IatiStream")]
pub(crate) struct IatiStream {
    rows: Mutex<Rows<'static, Input>>,
    batch_size: usize,
    pending: Mutex<Option<Error>>,
}

/// Opens a stream over the file at `path`, or over `data`.
#[pyfunction]
#[pyo3(signature = (path, data, rates, policy, batch_size, as_of=None, periods=None))]
#[allow(clippy::too_many_arguments)] // the reader's options, each by name from Python
pub(crate) fn iati_stream(
    py: Python<'_>,
    path: Option<PathBuf>,
    data: Option<Vec<u8>>,
    rates: &str,
    policy: PyRef<'_, PyPolicy>,
    batch_size: usize,
    as_of: Option<&str>,
    periods: Option<&str>,
) -> PyResult<IatiStream> {
    let policy = policy.0.clone();
    detached(py, move || {
        let rates = io::json::from_str(rates).map_err(|e| e.at("rates"))?;
        let periods = periods.map(str::parse::<Periods>).transpose()?;
        let input: Input = match (path, data) {
            (Some(path), _) => {
                let file = File::open(&path).map_err(|e| Error::Io {
                    path: path.display().to_string(),
                    message: e.to_string(),
                })?;
                Box::new(BufReader::new(file))
            }
            (None, data) => Box::new(Cursor::new(data.unwrap_or_default())),
        };
        let options = ReadOptions {
            as_of: as_of.map(tcrules::iati::as_of).transpose()?,
            periods: periods.unwrap_or_default(),
        };
        Ok(IatiStream {
            rows: Mutex::new(Rows::owned(input, rates, policy, &options)),
            batch_size: batch_size.max(1),
            pending: Mutex::new(None),
        })
    })
}

#[pymethods]
impl IatiStream {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        if let Some(e) = self.pending.lock().ok().and_then(|mut p| p.take()) {
            return Err(to_py(py, &e));
        }
        let (rows, error) = py.detach(|| {
            let mut out = Vec::new();
            let Ok(mut rows) = self.rows.lock() else {
                return (out, None);
            };
            while out.len() < self.batch_size {
                match rows.next() {
                    Some(Ok(row)) => out.push(row),
                    Some(Err(e)) => return (out, Some(e)),
                    None => break,
                }
            }
            (out, None)
        });
        match (rows.is_empty(), error) {
            (true, Some(e)) => return Err(to_py(py, &e)),
            (true, None) => return Ok(None),
            (false, Some(e)) => {
                if let Ok(mut pending) = self.pending.lock() {
                    *pending = Some(e);
                }
            }
            (false, None) => {}
        }
        let batch = tcrules_arrow::iati_batch(&rows).map_err(|e| to_py(py, &e))?;
        Ok(Some(PyRecordBatch::new(batch).into_pyarrow(py)?.unbind()))
    }

    /// The file's IATI version, once its root element is read.
    #[getter]
    fn version(&self) -> Option<String> {
        self.rows
            .lock()
            .ok()
            .and_then(|r| r.version().map(str::to_owned))
    }
}

/// Reads a whole IATI file's bytes with the reader's options; returns the report's JSON.
#[pyfunction]
#[pyo3(signature = (data, rates, policy, as_of=None, periods=None))]
pub(crate) fn read_iati(
    py: Python<'_>,
    data: &[u8],
    rates: &str,
    policy: PyRef<'_, PyPolicy>,
    as_of: Option<&str>,
    periods: Option<&str>,
) -> PyResult<String> {
    let policy = &policy.0;
    detached(py, || {
        let rates = io::json::from_str(rates).map_err(|e| e.at("rates"))?;
        let options = ReadOptions {
            as_of: as_of.map(tcrules::iati::as_of).transpose()?,
            periods: periods.map(str::parse).transpose()?.unwrap_or_default(),
        };
        tcrules::api::read_iati(data, &rates, policy, &options)
    })
}

/// A record batch of no activities, with the columns of a stream's batches.
#[pyfunction]
pub(crate) fn iati_empty(py: Python<'_>) -> PyResult<Py<PyAny>> {
    let batch = tcrules_arrow::iati_batch(&[]).map_err(|e| to_py(py, &e))?;
    Ok(PyRecordBatch::new(batch).into_pyarrow(py)?.unbind())
}
