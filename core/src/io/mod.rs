//! Reading and writing portfolios: canonical JSON and flat CSV tables.

#[cfg(feature = "csv")]
pub mod csv;
pub mod json;

/// Largest input accepted by the readers, in bytes.
pub const MAX_INPUT_BYTES: usize = 512 << 20;
