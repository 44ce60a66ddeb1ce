//! Amounts: exact decimals with an ISO 4217 currency, a rate's exact US-dollar product,
//! and the display forms of amounts and percentages.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// Active ISO 4217 alphabetic codes (plus XDR, the IMF special drawing right).
const ISO_4217: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN",
    "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF",
    "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP",
    "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD",
    "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY",
    "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD",
    "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK",
    "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK",
    "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG",
    "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS",
    "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES",
    "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XDR", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
];

/// A three-letter code as a number that sorts as the code does. (The three bytes occupy
/// bits that do not overlap, so `^` in place of `|` would give the same number.)
const fn code_number([a, b, c]: [u8; 3]) -> u32 {
    (a as u32) << 16 | (b as u32) << 8 | c as u32
}

/// [`ISO_4217`] as numbers, for a lookup without string comparisons.
#[allow(clippy::indexing_slicing)] // evaluated at compile time: a bad index fails the build
const CODES: [u32; ISO_4217.len()] = {
    let mut out = [0; ISO_4217.len()];
    let mut i = 0;
    while i < out.len() {
        if let Some(code) = ISO_4217[i].as_bytes().first_chunk::<3>() {
            out[i] = code_number(*code);
        }
        i += 1;
    }
    out
};

/// An ISO 4217 currency code such as `USD` or `EUR`.
///
/// ```
/// use tcrules::money::Currency;
/// let eur: Currency = "EUR".parse().unwrap();
/// assert_eq!(eur.as_str(), "EUR");
/// assert_eq!("XYZ".parse::<Currency>().unwrap_err().code(), "unknown_currency");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency([u8; 3]);

/// Alphabetical, as the codes read.
impl Ord for Currency {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        code_number(self.0).cmp(&code_number(other.0))
    }
}

impl PartialOrd for Currency {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Currency {
    /// The US dollar, the currency of every threshold.
    pub const USD: Currency = Currency(*b"USD");

    /// A code as a table may write it, in any case (`usd`, `Eur`): what the table readers
    /// accept (issue 17, item 2), while canonical JSON keeps its schema's upper-case codes.
    ///
    /// ```
    /// use tcrules::money::Currency;
    /// assert_eq!(Currency::any_case("eur").unwrap().as_str(), "EUR");
    /// let e = Currency::any_case("euro").unwrap_err();
    /// assert_eq!((e.code(), e.to_string().as_str()), ("unknown_currency", "unknown currency code \"euro\""));
    /// ```
    pub fn any_case(code: &str) -> Result<Self> {
        code.to_ascii_uppercase()
            .parse()
            .map_err(|_| Error::UnknownCurrency {
                path: String::new(),
                code: code.chars().take(16).collect(),
            })
    }

    /// The three-letter code.
    pub fn as_str(&self) -> &str {
        // Only built from validated ASCII codes.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl FromStr for Currency {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let unknown = || Error::UnknownCurrency {
            path: String::new(),
            code: s.chars().take(16).collect(),
        };
        let bytes: [u8; 3] = s.as_bytes().try_into().map_err(|_| unknown())?;
        if CODES.binary_search(&code_number(bytes)).is_err() {
            return Err(unknown());
        }
        Ok(Currency(bytes))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse()
            .map_err(|_| serde::de::Error::custom(format!("unknown currency code {s:?}")))
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Currency {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Currency".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "ISO 4217 alphabetic currency code",
            "enum": ISO_4217,
        })
    }
}

/// An exact amount in a currency. Serialized as `{"amount": "350000.00", "currency": "USD"}`;
/// amounts travel as decimal strings so no binding ever rounds them through a float.
///
/// ```
/// use tcrules::money::Money;
/// let m = Money::usd("350000.01".parse().unwrap());
/// assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"amount":"350000.01","currency":"USD"}"#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Money {
    /// Exact decimal amount (string in JSON; numbers are read from their shortest form).
    pub amount: Decimal,
    /// ISO 4217 code.
    pub currency: Currency,
}

impl Money {
    /// An amount in US dollars.
    pub fn usd(amount: Decimal) -> Self {
        Money {
            amount,
            currency: Currency::USD,
        }
    }

    /// Checks that the amount is not negative; `path` names the field for the error.
    pub fn non_negative(&self, path: &str) -> Result<()> {
        if self.amount.is_sign_negative() && !self.amount.is_zero() {
            return Err(Error::Negative {
                path: crate::error::join_path(path, "amount"),
                value: self.amount.to_string(),
            });
        }
        Ok(())
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, display_amount(self.amount))
    }
}

/// A decimal as `Display` writes it (`-412000.50`: every digit of its scale), built
/// directly: facts and messages write several decimals per finding, and `Display` goes
/// through the formatting machinery.
///
/// ```
/// use rust_decimal::Decimal;
/// use tcrules::money::{decimal_text, normalized_text};
/// assert_eq!(decimal_text(Decimal::new(-41200050, 2)), "-412000.50");
/// assert_eq!(normalized_text(Decimal::new(-41200050, 2)), "-412000.5");
/// assert_eq!(normalized_text(Decimal::new(-0, 3)), "0");
/// ```
pub fn decimal_text(d: Decimal) -> String {
    digits_text(d.mantissa().unsigned_abs(), d.scale(), d.is_sign_negative())
}

/// A decimal without the zeros that end its fraction (`412000.5`), as
/// `d.normalize().to_string()` writes it (negative zero is `0`).
pub fn normalized_text(d: Decimal) -> String {
    let (mut m, mut scale) = (d.mantissa().unsigned_abs(), d.scale());
    while scale > 0 && m % 10 == 0 {
        m /= 10;
        scale -= 1;
    }
    digits_text(m, scale, m != 0 && d.is_sign_negative())
}

/// `magnitude / 10^scale` in decimal digits, written from the last digit into a buffer
/// on the stack (in 64-bit arithmetic once the rest fits, as it usually does from the
/// start).
fn digits_text(magnitude: u128, scale: u32, negative: bool) -> String {
    let mut text = Backwards::default();
    let scale = scale as usize;
    let mut rest = magnitude;
    while u64::try_from(rest).is_err() {
        text.digit((rest % 10) as u8, scale);
        rest /= 10;
    }
    let mut rest = u64::try_from(rest).unwrap_or_default();
    // Every digit, and at least one before the point.
    while rest > 0 || text.digits <= scale {
        text.digit((rest % 10) as u8, scale);
        rest /= 10;
    }
    if negative {
        text.put(b'-');
    }
    text.into_string()
}

/// Text written from its end: a decimal's 39 digits at most, or a point and 28 places
/// after a zero, then the point and the sign.
struct Backwards {
    bytes: [u8; 42],
    at: usize,
    digits: usize,
}

impl Default for Backwards {
    fn default() -> Self {
        Backwards {
            bytes: [0; 42],
            at: 42,
            digits: 0,
        }
    }
}

impl Backwards {
    fn put(&mut self, byte: u8) {
        self.at = self.at.saturating_sub(1);
        if let Some(slot) = self.bytes.get_mut(self.at) {
            *slot = byte;
        }
    }

    /// The next digit to the left, after the point once `scale` digits are written.
    fn digit(&mut self, d: u8, scale: usize) {
        if self.digits == scale && scale > 0 {
            self.put(b'.');
        }
        self.put(b'0' + d);
        self.digits += 1;
    }

    fn into_string(self) -> String {
        let text = self.bytes.get(self.at..).unwrap_or_default();
        std::str::from_utf8(text).unwrap_or_default().to_owned()
    }
}

/// An amount as messages show it: to the cent, half away from zero as spreadsheets round
/// (RULES.md §0), with thousands separators. For display only; rules compare exact values.
///
/// ```
/// let d = |s: &str| s.parse().unwrap();
/// assert_eq!(tcrules::money::display_amount(d("0.625")), "0.63");
/// assert_eq!(tcrules::money::display_amount(d("-1234567.125")), "-1,234,567.13");
/// assert_eq!(tcrules::money::display_amount(d("412000")), "412,000");
/// ```
pub fn display_amount(d: Decimal) -> String {
    group_thousands(
        &d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
    )
}

/// Formats a decimal with thousands separators (`412000.5` → `412,000.5`), for display only.
pub fn group_thousands(d: &Decimal) -> String {
    let s = decimal_text(*d);
    let (sign, digits) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s.as_str()),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let mut out = String::with_capacity(s.len() + int.len() / 3);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A currency's rate in US dollars per unit, as a mantissa and scale (a rate of exactly
/// one at any scale is `1`, which [`Rates::to_usd`](super::Rates::to_usd) applies by keeping the amount as it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsdRate {
    mantissa: u128,
    scale: u32,
}

impl UsdRate {
    /// A rate of one (US dollars, or a currency at par).
    pub const ONE: UsdRate = UsdRate {
        mantissa: 1,
        scale: 0,
    };

    /// A positive rate's mantissa and scale (`1` for a rate of exactly one).
    pub fn of(rate: Decimal) -> UsdRate {
        if is_one(rate) {
            UsdRate::ONE
        } else {
            UsdRate {
                mantissa: rate.mantissa().unsigned_abs(),
                scale: rate.scale(),
            }
        }
    }

    /// [`Rates::to_usd`](super::Rates::to_usd) of the positive amount `mantissa·10^-scale` (a `Decimal`'s own
    /// mantissa and scale), where `Decimal` holds that product unrounded: under 2^96 and at
    /// most 28 places. `None` for zero and for products `Decimal` would round (or amounts
    /// no `Decimal` holds), which `to_usd` then answers. Summing row after row, this skips
    /// building a `Decimal` for each amount.
    ///
    /// ```
    /// use tcrules::money::Rates;
    /// let rates = Rates::from_pairs([("EUR", "1.0842")]).unwrap();
    /// let eur = rates.usd_rate("EUR".parse().unwrap()).unwrap();
    /// // 7689.11 EUR = 8336.533062 USD, exactly
    /// assert_eq!(eur.exact(768_911, 2).unwrap().decimal().to_string(), "8336.533062");
    /// assert_eq!(eur.exact(0, 2), None);
    /// ```
    pub fn exact(self, mantissa: u128, scale: u32) -> Option<ExactUsd> {
        if mantissa == 0 || mantissa >= ExactUsd::LIMIT || scale > 28 {
            return None;
        }
        let m = mul(mantissa, self.mantissa)?;
        let scale = scale + self.scale;
        (m < ExactUsd::LIMIT && scale <= 28).then_some(ExactUsd { mantissa: m, scale })
    }
}

/// A positive amount of US dollars, `mantissa·10^-scale` exactly as a `Decimal` holds it
/// (under 2^96, at most 28 places): what [`UsdRate::exact`] gives for a conversion that
/// needs no rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExactUsd {
    pub(crate) mantissa: u128,
    pub(crate) scale: u32,
}

impl ExactUsd {
    /// One past the largest mantissa a `Decimal` holds.
    pub(crate) const LIMIT: u128 = 1 << 96;

    /// The mantissa and scale (`mantissa·10^-scale` US dollars).
    pub fn parts(self) -> (u128, u32) {
        (self.mantissa, self.scale)
    }

    /// The amount as a `Decimal`.
    pub fn decimal(self) -> Decimal {
        // Under 2^96 at most 28 places: a `Decimal` as it is.
        i128::try_from(self.mantissa)
            .ok()
            .and_then(|m| Decimal::try_from_i128_with_scale(m, self.scale).ok())
            .unwrap_or_default()
    }
}

/// 10^0 to 10^38: every power of ten an `i128` holds, for scaling mantissas.
#[allow(clippy::indexing_slicing)] // `i` stays below the length, and this runs at compile time
pub(crate) const POW10: [i128; 39] = {
    let mut p = [1_i128; 39];
    let mut i = 1;
    while i < 39 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// `m·10^by`, if it fits.
pub(crate) fn scale_up(m: u128, by: u32) -> Option<u128> {
    if by == 0 {
        return Some(m);
    }
    mul(m, POW10.get(by as usize)?.unsigned_abs())
}

/// `a·b`, if it fits: one widening multiply for the usual factors under 2^64.
fn mul(a: u128, b: u128) -> Option<u128> {
    match (u64::try_from(a), u64::try_from(b)) {
        // Two 64-bit factors: the product cannot overflow. (Without this arm
        // `checked_mul` gives the same product; the arm only skips its overflow check.)
        (Ok(a), Ok(b)) => Some(u128::from(a) * u128::from(b)),
        _ => a.checked_mul(b),
    }
}

/// True when `d` is exactly one at any scale (`1`, `1.000`), without `Decimal`'s
/// rescaling comparison.
fn is_one(d: Decimal) -> bool {
    POW10.get(d.scale() as usize) == Some(&d.mantissa())
}

/// `a.cmp(&b)`, for two non-negative amounts on their mantissas at the larger scale
/// (any two amounts of money at ordinary scales): `Decimal`'s own comparison rescales in
/// 32-bit limbs, and every project's threshold test is one such comparison.
///
/// ```
/// use std::cmp::Ordering;
/// use tcrules::money::compare;
/// let d = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
/// assert_eq!(compare(d("350000.0001"), d("350000")), Ordering::Greater);
/// assert_eq!(compare(d("350000.000"), d("350000")), Ordering::Equal);
/// ```
pub fn compare(a: Decimal, b: Decimal) -> Ordering {
    if a.is_sign_negative() || b.is_sign_negative() {
        return a.cmp(&b);
    }
    let (ma, mb) = (a.mantissa().unsigned_abs(), b.mantissa().unsigned_abs());
    let (sa, sb) = (a.scale(), b.scale());
    let pair = if sa >= sb {
        scale_up(mb, sa - sb).map(|mb| (ma, mb))
    } else {
        scale_up(ma, sb - sa).map(|ma| (ma, mb))
    };
    match pair {
        Some((x, y)) => x.cmp(&y),
        None => a.cmp(&b),
    }
}

/// Adds two decimals, reporting overflow at `path` instead of panicking.
pub(crate) fn checked_add(a: Decimal, b: Decimal, path: &str) -> Result<Decimal> {
    a.checked_add(b).ok_or_else(|| Error::overflow(path))
}

/// The share `part / whole` as a percentage, exact to 28 significant digits; `None` when
/// the whole is zero.
pub(crate) fn percent(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    part.checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|p| p.checked_div(whole))
        .or_else(|| {
            part.checked_div(whole)
                .and_then(|f| f.checked_mul(Decimal::ONE_HUNDRED))
        })
}

/// Compares the share `part / whole` with `percent` exactly, by cross-multiplication in
/// 128-bit integers (`Decimal`'s own product rounds past 96 bits: 1 of 3 would equal
/// 33.333333333333333333333333333 %), falling back to the 28-digit quotient only where
/// the products pass 128 bits; `None` when the whole is zero.
///
/// ```
/// use std::cmp::Ordering;
/// // 54 of 90 is exactly 60 %, though 54 / 90 has no finite decimal expansion
/// assert_eq!(tcrules::money::cmp_percent(54.into(), 90.into(), 60.into()), Some(Ordering::Equal));
/// ```
pub fn cmp_percent(
    part: Decimal,
    whole: Decimal,
    percent_value: Decimal,
) -> Option<std::cmp::Ordering> {
    if whole.is_zero() {
        return None;
    }
    let exact = exact_product(part, Decimal::ONE_HUNDRED)
        .zip(exact_product(percent_value, whole))
        .and_then(|(l, r)| cmp_exact(l, r));
    match exact {
        // part/whole against percent/100 is part·100 against percent·whole, turned
        // round where the whole is negative.
        Some(o) if whole.is_sign_negative() => Some(o.reverse()),
        Some(o) => Some(o),
        None => percent(part, whole).map(|p| p.cmp(&percent_value)),
    }
}

/// `a·b` exactly, as whether it is negative, its magnitude and its scale, where the
/// magnitude fits 128 bits.
fn exact_product(a: Decimal, b: Decimal) -> Option<(bool, u128, u32)> {
    let m = mul(a.mantissa().unsigned_abs(), b.mantissa().unsigned_abs())?;
    let negative = m != 0 && a.is_sign_negative() != b.is_sign_negative();
    Some((negative, m, a.scale() + b.scale()))
}

/// Two [`exact_product`]s compared, where both fit 128 bits at the larger scale.
fn cmp_exact((na, ma, sa): (bool, u128, u32), (nb, mb, sb): (bool, u128, u32)) -> Option<Ordering> {
    let (x, y) = if sa >= sb {
        (ma, scale_up(mb, sa - sb)?)
    } else {
        (scale_up(ma, sb - sa)?, mb)
    };
    Some(match (na, nb) {
        (false, false) => x.cmp(&y),
        (true, true) => y.cmp(&x),
        (false, true) => Ordering::Greater,
        (true, false) => Ordering::Less,
    })
}

/// Rounds shares of a whole to `decimals` places so that they sum to exactly 100: each
/// share is truncated, then the units still missing go, one each, to the shares with the
/// largest remainders (ties to the earlier share). This is the largest-remainder
/// (Hamilton) rule; R6's own tables round each share half-up independently, which can
/// sum to 100.1. An all-zero whole gives all-zero shares.
///
/// ```
/// use tcrules::money::round_shares;
/// let d = |s: &str| s.parse().unwrap();
/// let shares = round_shares(&[d("29895"), d("72415"), d("3446")], 1);
/// assert_eq!(shares, [d("28.3"), d("68.5"), d("3.2")]); // R6 Table V.1 prints 3.3 (sum 100.1)
/// ```
pub fn round_shares(parts: &[Decimal], decimals: u32) -> Vec<Decimal> {
    let whole = parts
        .iter()
        .try_fold(Decimal::ZERO, |acc, p| acc.checked_add(*p));
    let Some(whole) = whole.filter(|w| !w.is_zero()) else {
        return vec![Decimal::new(0, decimals); parts.len()];
    };
    let unit = Decimal::new(1, decimals);
    let exact: Vec<Decimal> = parts
        .iter()
        .map(|p| percent(*p, whole).unwrap_or_default())
        .collect();
    let mut rounded: Vec<Decimal> = exact
        .iter()
        .map(|e| e.round_dp_with_strategy(decimals, rust_decimal::RoundingStrategy::ToZero))
        .collect();
    let assigned = rounded.iter().fold(Decimal::ZERO, |a, r| a + *r);
    let missing_units = ((Decimal::ONE_HUNDRED - assigned) / unit)
        .round()
        .to_string()
        .parse::<usize>()
        .unwrap_or(0);
    let mut order: Vec<usize> = (0..parts.len()).collect();
    let remainder = |i: usize| {
        exact.get(i).copied().unwrap_or_default() - rounded.get(i).copied().unwrap_or_default()
    };
    order.sort_by(|a, b| remainder(*b).cmp(&remainder(*a)).then(a.cmp(b)));
    for i in order.into_iter().take(missing_units) {
        if let Some(r) = rounded.get_mut(i) {
            *r += unit;
        }
    }
    for r in &mut rounded {
        r.rescale(decimals);
    }
    rounded
}

/// Rounds half away from zero to exactly `decimals` places (`75` → `75.0`), as published
/// tables print figures.
///
/// ```
/// let d = |s: &str| s.parse().unwrap();
/// assert_eq!(tcrules::money::fixed(d("75"), 1).to_string(), "75.0");
/// assert_eq!(tcrules::money::fixed(d("-69.45"), 1).to_string(), "-69.5");
/// ```
pub fn fixed(d: Decimal, decimals: u32) -> Decimal {
    let mut r = d.round_dp_with_strategy(
        decimals,
        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
    );
    r.rescale(decimals);
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Rates;

    #[test]
    fn currency_list_is_sorted_for_binary_search() {
        assert!(ISO_4217.windows(2).all(|w| w[0] < w[1]));
        assert!(ISO_4217.iter().all(|c| c.len() == 3));
        assert!(CODES.windows(2).all(|w| w[0] < w[1]));
        // Currencies compare as their codes read, with `<` as with `cmp`.
        let currencies: Vec<Currency> = ISO_4217.iter().map(|c| c.parse().unwrap()).collect();
        assert!(currencies.windows(2).all(|w| w[0] < w[1]));
        assert!(currencies.windows(2).all(|w| w[1] > w[0]));
        assert_eq!(
            Currency::USD.partial_cmp(&Currency::USD),
            Some(std::cmp::Ordering::Equal)
        );
    }

    #[test]
    fn decimal_texts_read_as_display_writes_them() {
        let wide = i128::from(u64::MAX);
        let most = 79_228_162_514_264_337_593_543_950_335_i128; // 2^96 - 1
        for m in [
            0,
            1,
            5,
            10,
            100,
            120,
            41_200_050,
            123_456_789,
            wide,
            wide + 1,
            wide * 10,
            most,
        ] {
            for scale in [0, 1, 2, 3, 8, 19, 20, 27, 28] {
                for m in [m, -m] {
                    let d = Decimal::from_i128_with_scale(m, scale);
                    assert_eq!(decimal_text(d), d.to_string(), "{m} at {scale}");
                    assert_eq!(
                        normalized_text(d),
                        d.normalize().to_string(),
                        "{m} at {scale}"
                    );
                }
            }
        }
    }

    #[test]
    fn an_amount_no_decimal_holds_has_no_exact_product() {
        let eur = UsdRate::of(Decimal::new(10842, 4));
        assert_eq!(eur.exact(1 << 96, 2), None);
        assert_eq!(eur.exact((1 << 96) - 1, 0), None, "the product passes 2^96");
        assert_eq!(eur.exact(1, 29), None);
        // A scale past any decimal's is refused before it is added to the rate's.
        assert_eq!(eur.exact(1, u32::MAX), None);
        assert_eq!(eur.exact(5, 24).map(|u| u.parts()), Some((54210, 28)));
    }

    #[test]
    fn amounts_compare_on_their_values_at_any_scales() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(compare(d("1.50"), d("1.5")), Ordering::Equal);
        assert_eq!(compare(d("1.5"), d("1.50")), Ordering::Equal);
        assert_eq!(compare(d("1.49"), d("1.5")), Ordering::Less);
        assert_eq!(compare(d("1.6"), d("1.59")), Ordering::Greater);
        assert_eq!(compare(d("-1.5"), d("1.50")), Ordering::Less);
    }

    #[test]
    fn a_share_is_compared_exactly_where_its_percentage_has_no_end() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        // 1 of 3 is 33.33…%, above any percentage a decimal writes, even the nearest one.
        let nearest = percent(1.into(), 3.into()).unwrap();
        assert_eq!(nearest.to_string(), "33.333333333333333333333333333");
        let cmp = |part: i64, whole: i64, p: Decimal| cmp_percent(part.into(), whole.into(), p);
        assert_eq!(cmp(1, 3, nearest), Some(Ordering::Greater));
        assert_eq!(
            cmp(1, 3, d("33.333333333333333333333333334")),
            Some(Ordering::Less)
        );
        assert_eq!(cmp(54, 90, 60.into()), Some(Ordering::Equal));
        assert_eq!(cmp(53, 90, 60.into()), Some(Ordering::Less));
        assert_eq!(cmp(0, 90, 0.into()), Some(Ordering::Equal));
        // A negative whole turns the comparison round, as dividing by it does.
        assert_eq!(cmp(-1, -3, nearest), Some(Ordering::Greater));
        assert_eq!(cmp(1, -3, -nearest), Some(Ordering::Less));
        assert_eq!(cmp(-54, 90, 60.into()), Some(Ordering::Less));
        assert_eq!(cmp(54, 90, (-60).into()), Some(Ordering::Greater));
        assert_eq!(cmp(1, 0, nearest), None);
        // Products at different scales: 0.5 of 1 is 50.00 %, 0.505 of 1.01 is 50 %.
        assert_eq!(
            cmp_percent(d("0.5"), d("1"), d("50.00")),
            Some(Ordering::Equal)
        );
        assert_eq!(
            cmp_percent(d("0.505"), d("1.01"), d("50")),
            Some(Ordering::Equal)
        );
        assert_eq!(
            cmp_percent(d("0.505"), d("1.01"), d("50.01")),
            Some(Ordering::Less)
        );
        // A product past 128 bits: the 28-digit quotient.
        let (big, small) = (
            Decimal::MAX,
            Decimal::from_i128_with_scale(i128::from(u64::MAX) << 32, 28),
        );
        assert_eq!(cmp_percent(big, big, small), Some(Ordering::Greater));
        assert_eq!(cmp_percent(Decimal::ONE, big, small), Some(Ordering::Less));
    }

    #[test]
    fn single_rates_are_not_dated_and_write_as_one_rate() {
        let single = Rates::from_pairs([("EUR", "1.2")]).unwrap();
        let eur: Currency = "EUR".parse().unwrap();
        assert!(!single.is_dated() && !single.of(eur).unwrap().is_dated());
        assert_eq!(serde_json::to_string(&single).unwrap(), r#"{"EUR":"1.2"}"#);
        let dated: Rates =
            serde_json::from_str(r#"[{"currency": "EUR", "month": "2024-01", "rate": "1.1"}]"#)
                .unwrap();
        assert!(dated.is_dated() && dated.of(eur).unwrap().is_dated());
        assert_eq!(
            serde_json::to_string(&dated).unwrap(),
            r#"{"EUR":{"2024-01":"1.1"}}"#
        );
    }

    #[test]
    fn a_dated_table_answers_by_month_exactly_and_names_what_it_expects() {
        let eur: Currency = "EUR".parse().unwrap();
        let m = |s: &str| s.parse::<crate::period::YearMonth>().unwrap();
        let rates = Rates::from_rows([
            (eur, Some(m("2024-07")), Decimal::new(12, 1)),
            (eur, Some(m("2024-01")), Decimal::new(11, 1)),
        ])
        .unwrap();
        let negative = Rates::from_rows([(eur, None, Decimal::new(-12, 1))]).unwrap_err();
        assert_eq!(negative.path(), "rows[0].rate");
        assert_eq!(rates.rate_on(eur, m("2024-03")), Some(Decimal::new(11, 1)));
        assert_eq!(rates.rate_on(eur, m("2024-07")), Some(Decimal::new(12, 1)));
        assert_eq!(rates.rate_on(eur, m("2023-12")), None);
        assert_eq!(
            rates.rate_on(Currency::USD, m("2023-12")),
            Some(Decimal::ONE)
        );
        let money = Money {
            amount: Decimal::new(250, 2),
            currency: eur,
        };
        let exact = rates.to_usd_exact(&money, Some(m("2024-07"))).unwrap();
        assert_eq!(exact.parts(), (3000, 3), "2.50 EUR at 1.2 is 3.000 US$");
        assert_eq!(rates.to_usd_exact(&money, Some(m("2023-12"))), None);
        let e = serde_json::from_str::<Rates>("5").unwrap_err().to_string();
        assert!(e.contains("rates by currency"), "{e}");
    }

    #[test]
    fn unknown_and_malformed_codes_are_rejected() {
        for bad in ["usd", "US", "USDX", "", "ÉUR", "XYZ"] {
            assert_eq!(
                bad.parse::<Currency>().unwrap_err().code(),
                "unknown_currency"
            );
        }
    }

    #[test]
    fn eur_crosses_threshold_only_after_conversion() {
        let rates = Rates::from_pairs([("EUR", "1.2")]).unwrap();
        let m = Money {
            amount: "291666.67".parse().unwrap(),
            currency: "EUR".parse().unwrap(),
        };
        let usd = rates.to_usd(&m, "budget").unwrap();
        assert!(m.amount < Decimal::from(350_000));
        assert!(usd > Decimal::from(350_000));
    }

    #[test]
    fn missing_rate_names_the_pair_and_path() {
        let m = Money {
            amount: Decimal::ONE,
            currency: "JPY".parse().unwrap(),
        };
        let e = Rates::usd_only().to_usd(&m, "budget").unwrap_err();
        assert_eq!(e.to_string(), "budget: no exchange rate from JPY to USD");
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let rates = Rates::from_pairs([("EUR", "1000")]).unwrap();
        let m = Money {
            amount: Decimal::MAX,
            currency: "EUR".parse().unwrap(),
        };
        assert_eq!(rates.to_usd(&m, "x").unwrap_err().code(), "overflow");
    }

    #[test]
    fn non_positive_rates_are_rejected() {
        assert!(Rates::from_pairs([("EUR", "0")]).is_err());
        assert!(Rates::from_pairs([("EUR", "-1")]).is_err());
    }

    #[test]
    fn merge_adds_and_overrides() {
        let mut rates = Rates::from_pairs([("EUR", "1.2"), ("CHF", "1.10")]).unwrap();
        rates
            .merge(&Rates::from_pairs([("EUR", "1.470"), ("GBP", "1.3")]).unwrap())
            .unwrap();
        let eur = rates.rate("EUR".parse().unwrap()).unwrap();
        // the incoming rate exactly, scale included
        assert_eq!(eur.to_string(), "1.470");
        assert_eq!(
            rates.rate("CHF".parse().unwrap()).unwrap().to_string(),
            "1.10"
        );
        assert_eq!(
            rates.rate("GBP".parse().unwrap()).unwrap().to_string(),
            "1.3"
        );
        let before = rates.clone();
        rates.merge(&Rates::usd_only()).unwrap();
        assert_eq!(rates, before);
    }

    #[test]
    fn merge_refuses_a_non_positive_rate_and_changes_nothing() {
        let mut rates = Rates::from_pairs([("EUR", "1.2")]).unwrap();
        let read: Rates =
            serde_json::from_str(r#"{"JPY": "-0.01", "AUD": "0.6", "EUR": "0"}"#).unwrap();
        let e = rates.merge(&read).unwrap_err();
        // the first offending currency in code order, named alone
        assert_eq!(e.path(), "EUR");
        assert_eq!(
            e,
            Rates::default()
                .insert("EUR".parse().unwrap(), Decimal::ZERO)
                .unwrap_err()
        );
        assert_eq!(rates, Rates::from_pairs([("EUR", "1.2")]).unwrap());
    }

    #[test]
    fn thousands_grouping() {
        assert_eq!(group_thousands(&"412000.5".parse().unwrap()), "412,000.5");
        assert_eq!(group_thousands(&"-1000".parse().unwrap()), "-1,000");
        assert_eq!(group_thousands(&"999".parse().unwrap()), "999");
    }

    #[test]
    fn exact_conversion_stops_where_a_decimal_would_round() {
        let rates = Rates::from_pairs([("EUR", "1"), ("GBP", "2"), ("JPY", "0.1")]).unwrap();
        let rate = |c: &str| rates.usd_rate(c.parse().unwrap()).unwrap();
        let limit = ExactUsd::LIMIT;
        // The amount's own bounds: under 2^96, at most 28 places.
        assert!(rate("EUR").exact(limit - 1, 0).is_some());
        assert!(rate("EUR").exact(limit, 0).is_none());
        assert!(rate("EUR").exact(1, 28).is_some());
        assert!(rate("EUR").exact(1, 29).is_none());
        // The product's: under 2^96 ...
        assert!(rate("GBP").exact(limit / 2 - 1, 0).is_some());
        assert!(rate("GBP").exact(limit / 2, 0).is_none());
        // ... and at most 28 places (a rate of 0.1 adds one).
        assert!(rate("JPY").exact(1, 27).is_some());
        assert!(rate("JPY").exact(1, 28).is_none());
    }
}
