//! Codes already read in a column (currencies, months, sources of funds): a column holds
//! a handful, row after row, and looking one up costs less than parsing it again.

use tcrules::money::{Currency, CurrencyRates, Rates, UsdRate};
use tcrules::period::YearMonth;
use tcrules::{Error, Result};

/// Codes already read in a column, one slot per code's key hashed. The key is the length and up to eight bytes that determine a
/// code of that length (the first and last four, overlapping), read as two words, so a
/// code is found with a few loads, one multiplication and one comparison.
pub(crate) struct Codes<T>(Vec<Option<(u64, usize, T)>>);

/// Slots of a [`Codes`]: room for the months of two decades without many collisions.
const CODE_SLOTS: u32 = 8;

impl<T: Clone> Default for Codes<T> {
    fn default() -> Self {
        Codes(vec![None; 1 << CODE_SLOTS])
    }
}

/// The key of a code of at most eight bytes; `None` for longer ones.
fn key(code: &[u8]) -> Option<u64> {
    let word = |at: usize| {
        code.get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map_or(0, |b| u64::from(u32::from_le_bytes(b)))
    };
    let byte = |at: usize| code.get(at).map_or(0, |b| u64::from(*b));
    match code.len() {
        0 => Some(0),
        n @ 1..=3 => Some(byte(0) | byte(n / 2) << 8 | byte(n - 1) << 16),
        n @ 4..=8 => Some(word(0) | word(n - 4) << 32),
        _ => None,
    }
}

// Codes read by their own names (months); the vocabulary is read with an edition's
// spellings (`read_with`).
impl<T: Copy + std::str::FromStr<Err = Error>> Codes<T> {
    pub(crate) fn read(&mut self, code: &str) -> Result<T> {
        self.read_with(code, str::parse)
    }
}

impl<T: Copy> Codes<T> {
    /// The value of `code`, made by `make` the first time it is met in its slot.
    pub(crate) fn read_with(
        &mut self,
        code: &str,
        make: impl FnOnce(&str) -> Result<T>,
    ) -> Result<T> {
        let len = code.len();
        let Some(key) = key(code.as_bytes()) else {
            return make(code);
        };
        let hash = (key ^ len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let slot = (hash >> (64 - CODE_SLOTS)) as usize;
        if let Some(Some((k, n, v))) = self.0.get(slot) {
            if (*k, *n) == (key, len) {
                return Ok(*v);
            }
        }
        let v = make(code)?;
        if let Some(s) = self.0.get_mut(slot) {
            *s = Some((key, len, v));
        }
        Ok(v)
    }
}

/// A currency's rates as a row finds them: US dollars (1), the table's rates for the
/// currency (single, or dated and found by binary search on the month), or none.
#[derive(Clone, Copy)]
pub(crate) enum RateOf<'r> {
    Usd,
    Table(&'r CurrencyRates),
    Missing,
}

impl RateOf<'_> {
    /// The rate in force in `month` (the single rate where `month` is `None`).
    #[inline]
    pub(crate) fn at(self, month: Option<YearMonth>) -> Option<UsdRate> {
        match self {
            RateOf::Usd => Some(UsdRate::ONE),
            RateOf::Table(rates) => rates.usd_rate_at(month),
            RateOf::Missing => None,
        }
    }

    /// The rates of `currency` in `rates`.
    pub(crate) fn of(currency: Currency, rates: &Rates) -> RateOf<'_> {
        if currency == Currency::USD {
            return RateOf::Usd;
        }
        rates.of(currency).map_or(RateOf::Missing, RateOf::Table)
    }
}

/// Currency codes already read (in any case, as the core's table readers read them:
/// [`Currency::any_case`]), each with its rates (if `rates` has any): a row's code is
/// found in its slot, then its month among the currency's sorted months.
#[derive(Default)]
pub(crate) struct Currencies<'r>(Codes<(Currency, RateOf<'r>)>);

impl<'r> Currencies<'r> {
    pub(crate) fn read(&mut self, code: &str, rates: &'r Rates) -> Result<(Currency, RateOf<'r>)> {
        self.0.read_with(code, |code| {
            let currency = Currency::any_case(code)?;
            Ok((currency, RateOf::of(currency, rates)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_told_apart_by_every_byte_and_the_length() {
        // Every code of up to eight bytes over a small alphabet has a key of its own.
        let mut codes = vec![String::new()];
        let mut longest = codes.clone();
        for _ in 0..8 {
            longest = longest
                .iter()
                .flat_map(|c| ["A", "B", "-"].map(|a| format!("{c}{a}")))
                .collect();
            codes.extend(longest.iter().cloned());
        }
        let mut keys: Vec<(u64, usize)> = codes
            .iter()
            .map(|c| (key(c.as_bytes()).unwrap(), c.len()))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), codes.len());
        assert_eq!(key(b"ABABABABA"), None);
        // The cache answers what parsing answers, for codes read twice in any order.
        let mut cache: Codes<Currency> = Codes::default();
        for code in ["EUR", "USD", "EUR", "eur", "EURO", "", "USD"] {
            let cached = cache.read(code).map_err(|e| e.code().to_owned());
            let parsed = code.parse::<Currency>().map_err(|e| e.code().to_owned());
            assert_eq!(cached, parsed, "{code:?}");
        }
    }
}
