//! Core errors as Python exceptions.
//!
//! The exception classes live in the pure-Python module `tcrules.errors`, which maps each
//! core code (`missing_rate`, `invalid_policy`, ...) to its class; raising goes through
//! its `from_info(code, path, message, errors, omitted)` so there is one mapping, in one
//! place. `errors` lists each error of an error that stands for several (every bad cell of
//! a table) as `(code, path, message)`, and `omitted` counts those beyond the list.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// The Python exception for a core error: `tcrules.errors.from_info(code, path, message,
/// errors, omitted)`.
pub(crate) fn to_py(py: Python<'_>, e: &tcrules::Error) -> PyErr {
    let info = e.info();
    let listed: Vec<(String, String, String)> = info
        .errors
        .into_iter()
        .map(|e| (e.code, e.path, e.message))
        .collect();
    let exception = py
        .import("tcrules.errors")
        .and_then(|m| m.getattr("from_info"))
        .and_then(|f| {
            f.call1((
                info.code,
                info.path,
                info.message.clone(),
                listed,
                info.omitted,
            ))
        });
    match exception {
        Ok(value) => PyErr::from_value(value),
        Err(_) => PyRuntimeError::new_err(info.message),
    }
}

/// Runs `f` with the GIL released and raises its error as the matching exception.
pub(crate) fn detached<T: Send>(
    py: Python<'_>,
    f: impl Send + FnOnce() -> tcrules::Result<T>,
) -> PyResult<T> {
    py.detach(f).map_err(|e| to_py(py, &e))
}
