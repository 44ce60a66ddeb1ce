//! Exchange rates supplied by the caller: US dollars per one unit of each currency, a
//! single rate for every date or rates dated by month.
//!
//! Thresholds are in US dollars (R6 §143) and the engine never fetches rates (RULES.md
//! §0). Real portfolios convert at dated rates — the UN operational rates of exchange
//! change monthly — so an amount is converted at the rate in force for its date: a
//! record at its month, a budget at the date the policy names (RULES.md §2). A rate
//! listed from a month applies until the next listed one; before the first, there is
//! none, and a missing rate is an error naming the currency and the month. A single rate
//! per currency, with no month, applies at every date.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::money::{Currency, ExactUsd, Money, UsdRate};
use crate::period::YearMonth;

/// One currency's rates: a single rate for every date, or rates from listed months on,
/// in month order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrencyRates {
    /// `(None, rate)` alone for a single rate; otherwise months in increasing order.
    steps: Vec<(Option<YearMonth>, Decimal, UsdRate)>,
    /// The steps' months as numbers (`year·12 + month`), searched where `slots` is empty.
    months: Vec<i32>,
    /// For dated rates spanning at most a century: the step in force in each month from
    /// the first listed to the last, so that converting record after record, month after
    /// month, is an index rather than a search.
    slots: Vec<u32>,
}

/// The most months a currency's slots span (a century); beyond, the months are searched.
const MONTH_SLOTS: i32 = 1200;

/// A month as a number that sorts as months do.
fn month_number(m: YearMonth) -> i32 {
    m.year() * 12 + m.month() as i32
}

impl CurrencyRates {
    fn single(rate: Decimal) -> Self {
        CurrencyRates::of(vec![(None, rate, UsdRate::of(rate))])
    }

    fn of(steps: Vec<(Option<YearMonth>, Decimal, UsdRate)>) -> Self {
        let months: Vec<i32> = steps
            .iter()
            .map(|s| s.0.map_or(i32::MIN, month_number))
            .collect();
        let mut slots = Vec::new();
        if let (Some(&first), Some(&last)) = (months.first(), months.last()) {
            if first != i32::MIN && last - first < MONTH_SLOTS {
                for (k, from) in (0_u32..).zip(&months) {
                    let until = months.get(k as usize + 1).map_or(from + 1, |next| *next);
                    slots.extend((*from..until).map(|_| k));
                }
            }
        }
        CurrencyRates {
            steps,
            months,
            slots,
        }
    }

    /// Whether the rates are dated.
    pub fn is_dated(&self) -> bool {
        self.steps.first().is_some_and(|s| s.0.is_some())
    }

    /// The step in force in `month` (the single rate at any month; `None` asks for the
    /// single rate, which dated rates do not have).
    fn step(&self, month: Option<YearMonth>) -> Option<&(Option<YearMonth>, Decimal, UsdRate)> {
        match (self.steps.as_slice(), month) {
            ([single @ (None, ..)], _) => Some(single),
            (_, None) => None,
            (steps, Some(m)) => {
                let m = month_number(m);
                let k = match (self.months.first(), self.slots.last()) {
                    // After the last listed month, its rate.
                    (Some(first), Some(last)) => {
                        let k = usize::try_from(m - first).ok()?;
                        *self.slots.get(k).unwrap_or(last) as usize
                    }
                    _ => self
                        .months
                        .partition_point(|from| *from <= m)
                        .checked_sub(1)?,
                };
                steps.get(k)
            }
        }
    }

    /// The rate in force in `month` (by binary search over the listed months).
    pub fn at(&self, month: Option<YearMonth>) -> Option<Decimal> {
        self.step(month).map(|s| s.1)
    }

    /// [`CurrencyRates::at`] as a [`UsdRate`], for converting amount after amount.
    pub fn usd_rate_at(&self, month: Option<YearMonth>) -> Option<UsdRate> {
        self.step(month).map(|s| s.2)
    }

    /// The listed months and their rates (`None` for a single rate).
    pub fn steps(&self) -> impl Iterator<Item = (Option<YearMonth>, Decimal)> + '_ {
        self.steps.iter().map(|(m, r, _)| (*m, *r))
    }
}

/// Exchange rates supplied by the caller: US dollars per one unit of each currency.
///
/// USD always converts at 1. Serialized as `{"EUR": "1.2", "CHF": "1.1"}` for single
/// rates and `{"EUR": {"2024-01": "1.08", "2024-07": "1.1"}}` for dated ones; read also
/// from a list of rows `[{"currency": "EUR", "month": "2024-01", "rate": "1.08"}]`
/// (`month` a `YYYY-MM` month or a date; without one, the currency's single rate).
///
/// ```
/// use tcrules::money::{Money, Rates, Currency};
/// use rust_decimal::Decimal;
/// let rates = Rates::from_pairs([("EUR", "1.2")]).unwrap();
/// let eur = Money { amount: "291666.67".parse().unwrap(), currency: "EUR".parse().unwrap() };
/// // exact product, never rounded before comparison (RULES.md §0)
/// assert_eq!(rates.to_usd(&eur, "budget").unwrap(), "350000.004".parse::<Decimal>().unwrap());
/// let chf = Money { amount: Decimal::ONE, currency: "CHF".parse().unwrap() };
/// assert_eq!(rates.to_usd(&chf, "budget").unwrap_err().code(), "missing_rate");
///
/// let dated: Rates = serde_json::from_str(
///     r#"[{"currency": "EUR", "month": "2024-01", "rate": "1.1"},
///         {"currency": "EUR", "month": "2024-07-01", "rate": "1.2"}]"#).unwrap();
/// let at = |m: &str| dated.to_usd_on(&eur, m.parse().unwrap(), "budget");
/// assert_eq!(at("2024-06").unwrap().to_string(), "320833.337"); // 1.1 until July
/// assert_eq!(at("2025-01").unwrap().to_string(), "350000.004");
/// let e = at("2023-12").unwrap_err();
/// assert_eq!(e.to_string(), "budget: no exchange rate from EUR to USD for 2023-12");
/// assert_eq!(serde_json::to_string(&dated).unwrap(), r#"{"EUR":{"2024-01":"1.1","2024-07":"1.2"}}"#);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rates {
    by_currency: BTreeMap<Currency, CurrencyRates>,
    /// Whether any currency's rates are dated: asked once per row by table readers.
    dated: bool,
}

impl Rates {
    /// A table that knows only US dollars: the empty table (so the mutant that returns
    /// `Default::default()` is this very body).
    pub fn usd_only() -> Self {
        Rates::default()
    }

    /// Builds a table from `(code, rate)` string pairs, validating both.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self> {
        let mut rates = Rates::default();
        for (code, rate) in pairs {
            let currency: Currency = code.parse().map_err(|e: Error| e.at(code))?;
            rates.insert(currency, parse_rate(code, rate)?)?;
        }
        Ok(rates)
    }

    /// Builds a table from rows of currency, month (`None` for a currency's single rate)
    /// and rate: what a rates table holds. A currency with a single rate and dated ones,
    /// or two rates for one month, is an error naming `rows[i]`.
    ///
    /// ```
    /// use tcrules::money::Rates;
    /// let eur = "EUR".parse().unwrap();
    /// let m = |s: &str| Some(s.parse().unwrap());
    /// let rates = Rates::from_rows([(eur, m("2024-07"), "1.2".parse().unwrap()),
    ///                               (eur, m("2024-01"), "1.1".parse().unwrap())]).unwrap();
    /// assert_eq!(rates.rate_on(eur, "2024-03".parse().unwrap()).unwrap().to_string(), "1.1");
    /// let e = Rates::from_rows([(eur, m("2024-01"), 1.into()), (eur, m("2024-01"), 2.into())]).unwrap_err();
    /// assert_eq!(e.to_string(), "rows[1].month: a second EUR rate for 2024-01");
    /// ```
    pub fn from_rows(
        rows: impl IntoIterator<Item = (Currency, Option<YearMonth>, Decimal)>,
    ) -> Result<Self> {
        let rows: Vec<_> = rows.into_iter().collect();
        for (i, (_, _, rate)) in rows.iter().enumerate() {
            positive(*rate).map_err(|e| e.at(&format!("rows[{i}].rate")))?;
        }
        Rates::build(rows)
    }

    /// [`Rates::from_rows`] without checking the rates are positive.
    fn build(rows: Vec<(Currency, Option<YearMonth>, Decimal)>) -> Result<Self> {
        let mut lines: BTreeMap<Currency, Vec<(usize, Option<YearMonth>, Decimal)>> =
            BTreeMap::new();
        for (i, (currency, month, rate)) in rows.into_iter().enumerate() {
            lines.entry(currency).or_default().push((i, month, rate));
        }
        let mut rates = Rates::default();
        for (currency, mut rows) in lines {
            rows.sort_by_key(|(i, month, _)| (*month, *i));
            for pair in rows.windows(2) {
                if let [(_, a, _), (i, b, _)] = pair {
                    let at = |field| format!("rows[{i}].{field}");
                    if a.is_none() {
                        return Err(Error::invalid(
                            at("month"),
                            format!("{currency} has a single rate and dated ones: give every {currency} rate a month, or one rate alone"),
                        ));
                    }
                    if a == b {
                        let month = b.map(|m| m.to_string()).unwrap_or_default();
                        return Err(Error::invalid(
                            at("month"),
                            format!("a second {currency} rate for {month}"),
                        ));
                    }
                }
            }
            let steps = rows
                .into_iter()
                .map(|(_, month, rate)| (month, rate, UsdRate::of(rate)))
                .collect();
            rates.by_currency.insert(currency, CurrencyRates::of(steps));
        }
        rates.dated = rates.by_currency.values().any(CurrencyRates::is_dated);
        Ok(rates)
    }

    /// Sets the single rate for one currency (US dollars per unit); it must be positive.
    pub fn insert(&mut self, currency: Currency, usd_per_unit: Decimal) -> Result<()> {
        positive(usd_per_unit).map_err(|e| e.at(currency.as_str()))?;
        self.by_currency
            .insert(currency, CurrencyRates::single(usd_per_unit));
        self.dated = self.by_currency.values().any(CurrencyRates::is_dated);
        Ok(())
    }

    /// Adds `other`'s rates to this table, `other`'s winning where both have a currency
    /// (all of that currency's rates, dated or not): how several rate tables (input files,
    /// then a `--rates` file) make one.
    ///
    /// ```
    /// use tcrules::money::Rates;
    /// let mut rates = Rates::from_pairs([("EUR", "1.2"), ("CHF", "1.1")]).unwrap();
    /// rates.merge(&Rates::from_pairs([("EUR", "1.5"), ("JPY", "0.0067")]).unwrap()).unwrap();
    /// assert_eq!(rates, Rates::from_pairs([("CHF", "1.1"), ("EUR", "1.5"), ("JPY", "0.0067")]).unwrap());
    ///
    /// let read: Rates = serde_json::from_str(r#"{"GBP": "1.3", "EUR": "0"}"#).unwrap();
    /// let e = rates.merge(&read).unwrap_err();
    /// assert_eq!(e.to_string(), "EUR: exchange rate must be positive, got 0");
    /// assert_eq!(rates.rate("GBP".parse().unwrap()), None);
    /// ```
    pub fn merge(&mut self, other: &Rates) -> Result<()> {
        other.validate("")?;
        self.by_currency
            .extend(other.by_currency.iter().map(|(c, r)| (*c, r.clone())));
        self.dated = self.by_currency.values().any(CurrencyRates::is_dated);
        Ok(())
    }

    /// Checks every rate is positive (tables are checked as they are read; this stays for
    /// callers that hold a table from elsewhere).
    pub fn validate(&self, path: &str) -> Result<()> {
        for (c, line) in &self.by_currency {
            for (_, r) in line.steps() {
                positive(r).map_err(|e| e.at(&crate::error::join_path(path, c.as_str())))?;
            }
        }
        Ok(())
    }

    /// Whether any currency's rates are dated.
    pub fn is_dated(&self) -> bool {
        self.dated
    }

    /// A currency's rates, if the table has any (none for USD, which converts at 1).
    pub fn of(&self, currency: Currency) -> Option<&CurrencyRates> {
        self.by_currency.get(&currency)
    }

    /// The single rate for a currency, if it has one (1 for USD); `None` for dated rates.
    pub fn rate(&self, currency: Currency) -> Option<Decimal> {
        self.rate_at(currency, None)
    }

    /// The rate of `currency` in force in `month` (1 for USD).
    pub fn rate_on(&self, currency: Currency, month: YearMonth) -> Option<Decimal> {
        self.rate_at(currency, Some(month))
    }

    fn rate_at(&self, currency: Currency, month: Option<YearMonth>) -> Option<Decimal> {
        if currency == Currency::USD {
            return Some(Decimal::ONE);
        }
        self.by_currency.get(&currency)?.at(month)
    }

    /// The exact US-dollar equivalent of `money` at the currency's single rate; `path`
    /// names the field for errors. Dated rates need [`Rates::to_usd_on`].
    pub fn to_usd(&self, money: &Money, path: &str) -> Result<Decimal> {
        self.convert(money, None, path)
    }

    /// The exact US-dollar equivalent of `money` at the rate in force in `month`.
    pub fn to_usd_on(&self, money: &Money, month: YearMonth, path: &str) -> Result<Decimal> {
        self.convert(money, Some(month), path)
    }

    /// The US-dollar equivalent of an amount for a whole `year` (an approval of that year):
    /// at the currency's single rate, or, where its rates are dated, at the average of the
    /// rates in force in the year's twelve months — the annual average exchange rate at
    /// which OECD DAC statistics convert a year's flows (not from R6). A month without a
    /// rate is the error, naming it.
    ///
    /// ```
    /// use tcrules::money::{Money, Rates};
    /// let rates: Rates = serde_json::from_str(r#"{"EUR": {"2005-01": "1.2", "2005-07": "1.3"}}"#).unwrap();
    /// let eur = Money { amount: "1000".parse().unwrap(), currency: "EUR".parse().unwrap() };
    /// assert_eq!(rates.to_usd_in_year(&eur, 2005, "amount").unwrap().to_string(), "1250");
    /// let e = rates.to_usd_in_year(&eur, 2004, "amount").unwrap_err();
    /// assert!(e.to_string().ends_with("for 2004-01"), "{e}");
    /// ```
    pub fn to_usd_in_year(&self, money: &Money, year: i32, path: &str) -> Result<Decimal> {
        if !self.of(money.currency).is_some_and(CurrencyRates::is_dated) {
            return self.to_usd(money, path);
        }
        let mut sum = Decimal::ZERO;
        for month in 1..=12 {
            let month = YearMonth::new(year, month).map_err(|e| e.at(path))?;
            sum = sum
                .checked_add(self.to_usd_on(money, month, path)?)
                .ok_or_else(|| Error::overflow(path))?;
        }
        sum.checked_div(Decimal::from(12))
            .map(|d| d.normalize())
            .ok_or_else(|| Error::overflow(path))
    }

    /// [`Rates::to_usd_on`] where `month` is known, [`Rates::to_usd`] where it is not.
    pub fn to_usd_at(
        &self,
        money: &Money,
        month: Option<YearMonth>,
        path: &str,
    ) -> Result<Decimal> {
        self.convert(money, month, path)
    }

    fn convert(&self, money: &Money, month: Option<YearMonth>, path: &str) -> Result<Decimal> {
        if money.currency == Currency::USD {
            return Ok(money.amount);
        }
        let rate = self.rate_at(money.currency, month).ok_or_else(|| {
            // The month is named where the currency has rates, none of them in force then.
            let dated = self.of(money.currency).is_some();
            missing(money.currency, month.filter(|_| dated), path)
        })?;
        if UsdRate::of(rate) == UsdRate::of(Decimal::ONE) {
            return Ok(money.amount);
        }
        money
            .amount
            .checked_mul(rate)
            .ok_or_else(|| Error::overflow(path))
    }

    /// The single rate of `currency`, looked up once to convert amount after amount of it
    /// with [`UsdRate::exact`]; `None` when the table has none (which [`Rates::to_usd`]
    /// reports, naming the pair).
    pub fn usd_rate(&self, currency: Currency) -> Option<UsdRate> {
        self.usd_rate_at(currency, None)
    }

    /// [`Rates::usd_rate`] at `month` (dated rates by binary search).
    pub fn usd_rate_at(&self, currency: Currency, month: Option<YearMonth>) -> Option<UsdRate> {
        if currency == Currency::USD {
            return Some(UsdRate::of(Decimal::ONE));
        }
        self.by_currency.get(&currency)?.usd_rate_at(month)
    }

    /// [`Rates::to_usd_at`] of a positive amount where that product is exact
    /// ([`UsdRate::exact`]); `None` for zero or negative amounts, unknown currencies and
    /// products `Decimal` would round, which `to_usd_at` then answers.
    pub(crate) fn to_usd_exact(&self, money: &Money, month: Option<YearMonth>) -> Option<ExactUsd> {
        let amount = u128::try_from(money.amount.mantissa()).ok()?;
        self.usd_rate_at(money.currency, month)?
            .exact(amount, money.amount.scale())
    }
}

/// The error for a currency without a rate at `month` (or without a single rate).
pub fn missing(currency: Currency, month: Option<YearMonth>, path: &str) -> Error {
    Error::MissingRate {
        path: path.to_owned(),
        currency: currency.to_string(),
        month: month.map(|m| m.to_string()),
    }
}

/// A rate must be above zero.
fn positive(rate: Decimal) -> Result<()> {
    if rate <= Decimal::ZERO {
        return Err(Error::invalid(
            "",
            format!("exchange rate must be positive, got {rate}"),
        ));
    }
    Ok(())
}

fn parse_rate(code: &str, rate: &str) -> Result<Decimal> {
    rate.parse()
        .map_err(|_| Error::invalid(code, format!("rate {rate:?} is not a decimal")))
}

/// A rates table's month cell: `YYYY-MM`, or a date (its month).
///
/// ```
/// use tcrules::money::rates::month_cell;
/// assert_eq!(month_cell("2024-03-15").unwrap().to_string(), "2024-03");
/// assert_eq!(month_cell("2024-03").unwrap().to_string(), "2024-03");
/// assert_eq!(month_cell("March").unwrap_err().code(), "invalid_value");
/// ```
pub fn month_cell(text: &str) -> Result<YearMonth> {
    let text = text.trim();
    text.parse::<YearMonth>().or_else(|_| {
        text.parse::<NaiveDate>().map(YearMonth::of).map_err(|_| {
            Error::invalid(
                "",
                format!("{text:?} is not a month (YYYY-MM) or a date (YYYY-MM-DD)"),
            )
        })
    })
}

/// A month as a rates table writes it: `YYYY-MM`, or a date (its month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct MonthKey(YearMonth);

impl<'de> Deserialize<'de> for MonthKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        month_cell(&text)
            .map(MonthKey)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for MonthKey {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RateMonth".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "the month from which a rate applies: YYYY-MM, or a date (YYYY-MM-DD)",
        })
    }
}

/// A currency's rates as JSON gives them: a single rate, or rates by month (`YYYY-MM` or
/// a date).
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
enum LineInput {
    Single(Decimal),
    Dated(BTreeMap<MonthKey, Decimal>),
}

/// One row of a rates table.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RowInput {
    currency: Currency,
    /// The month from which the rate applies (`YYYY-MM` or a date); none for a single rate.
    #[serde(default)]
    month: Option<MonthKey>,
    /// US dollars per unit.
    rate: Decimal,
}

/// Rates as JSON gives them: by currency (`{"EUR": "1.2"}`, `{"EUR": {"2024-01": "1.1"}}`)
/// or as rows of a table.
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[allow(dead_code)] // the schema's shape; reading is [`Rates`]' own visitor
#[serde(untagged)]
enum RatesInput {
    Map(BTreeMap<Currency, LineInput>),
    Rows(Vec<RowInput>),
}

impl<'de> Deserialize<'de> for Rates {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(RatesVisitor)
    }
}

struct RatesVisitor;

impl<'de> serde::de::Visitor<'de> for RatesVisitor {
    type Value = Rates;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("rates by currency ({\"EUR\": \"1.2\"}) or rows of currency, month and rate")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Rates, A::Error> {
        use serde::de::Error as _;
        let mut rows = Vec::new();
        while let Some(currency) = map.next_key::<Currency>()? {
            match map.next_value::<LineInput>()? {
                LineInput::Single(rate) => rows.push((currency, None, rate)),
                LineInput::Dated(by_month) => {
                    for (MonthKey(month), rate) in by_month {
                        rows.push((currency, Some(month), rate));
                    }
                }
            }
        }
        // Rates read are checked to be positive by [`Rates::validate`], as they were.
        Rates::build(rows).map_err(A::Error::custom)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Rates, A::Error> {
        use serde::de::Error as _;
        let mut rows = Vec::new();
        while let Some(r) = seq.next_element::<RowInput>()? {
            rows.push((r.currency, r.month.map(|m| m.0), r.rate));
        }
        Rates::build(rows).map_err(A::Error::custom)
    }
}

impl Serialize for Rates {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.by_currency.len()))?;
        for (currency, line) in &self.by_currency {
            if line.is_dated() {
                let by_month: BTreeMap<String, Decimal> = line
                    .steps()
                    .filter_map(|(m, r)| Some((m?.to_string(), r)))
                    .collect();
                map.serialize_entry(currency, &by_month)?;
            } else if let Some(rate) = line.at(None) {
                map.serialize_entry(currency, &rate)?;
            }
        }
        map.end()
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Rates {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Rates".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <RatesInput as schemars::JsonSchema>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    /// The step a binary search over the listed months finds.
    fn searched(rates: &CurrencyRates, m: YearMonth) -> Option<Decimal> {
        let after = rates
            .months
            .partition_point(|from| *from <= month_number(m));
        after.checked_sub(1).map(|k| rates.steps[k].1)
    }

    #[test]
    fn a_month_slot_holds_the_rate_a_search_finds() {
        let eur: Currency = "EUR".parse().unwrap();
        let m = |s: &str| s.parse::<YearMonth>().unwrap();
        let rows = [
            ("2023-11", "1.05"),
            ("2024-01", "1.1"),
            ("2024-02", "1.2"),
            ("2024-06", "1.25"),
        ];
        let rates = Rates::from_rows(
            rows.map(|(month, rate)| (eur, Some(m(month)), rate.parse().unwrap())),
        )
        .unwrap();
        let line = rates.of(eur).unwrap();
        assert!(!line.slots.is_empty());
        for year in 2022..2026 {
            for month in 1..=12 {
                let month = YearMonth::new(year, month).unwrap();
                assert_eq!(line.at(Some(month)), searched(line, month), "{month}");
            }
        }
        assert_eq!(line.at(Some(m("2023-10"))), None);
        // Rates a century apart are searched.
        let far = Rates::from_rows([
            (eur, Some(m("1900-01")), 1.into()),
            (eur, Some(m("2024-01")), 2.into()),
        ])
        .unwrap();
        let line = far.of(eur).unwrap();
        assert!(line.slots.is_empty());
        for month in ["1899-12", "2000-05", "2024-01", "2030-05"] {
            assert_eq!(line.at(Some(m(month))), searched(line, m(month)), "{month}");
        }
        // A single rate has no slots and holds at every month.
        let single = Rates::from_pairs([("EUR", "1.2")]).unwrap();
        let line = single.of(eur).unwrap();
        assert!(line.slots.is_empty());
        assert_eq!(line.at(Some(m("2024-01"))), Some(Decimal::new(12, 1)));
    }
}
