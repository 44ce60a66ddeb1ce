//! Core errors as Python exceptions.
//!
//! The exception classes live in the pure-Python module `tcrules.errors`, which maps each
//! core code (`missing_rate`, `invalid_policy`, ...) to its class; raising goes through
//! its `from_info(code, path, message)` so there is one mapping, in one place.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// The Python exception for a core error: `tcrules.errors.from_info(code, path, message)`.
pub(crate) fn to_py(py: Python<'_>, e: &tcrules::Error) -> PyErr {
    let info = e.info();
    let exception = py
        .import("tcrules.errors")
        .and_then(|m| m.getattr("from_info"))
        .and_then(|f| f.call1((info.code, info.path, info.message.clone())));
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
