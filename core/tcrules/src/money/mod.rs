//! Money: exact decimal amounts with an ISO 4217 currency ([`amount`]), and the
//! exchange rates the caller supplies, single or dated by month ([`rates`]).
//!
//! Thresholds in the rules are in US dollars (R6 §143). A project budgeted in another
//! currency is converted with a rate table the caller supplies; the engine never fetches
//! rates, and a missing rate is an error naming the currency pair (RULES.md §0). The
//! US-dollar equivalent is the exact product of amount and rate: it is never rounded
//! before a threshold is compared.

pub mod amount;
pub mod rates;

pub use amount::*;
pub use rates::{CurrencyRates, Rates};
