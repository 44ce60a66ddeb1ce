//! Arrow columns read as the model's values — dates, exact decimals and text — one result
//! per row, so a bad cell becomes that row's error and never the whole table's.
//!
//! | value | Arrow types accepted |
//! |---|---|
//! | date | date32, date64, timestamps at midnight (any unit; without a time zone or in UTC, the stored value; in another zone, local midnight), ISO text |
//! | decimal | decimal128 (exact), integers, float64/float32 (from the shortest repr that round-trips; NaN and infinity rejected), text |
//! | text | any string, dictionary or other type that casts to a string |

use arrow_array::cast::AsArray;
use arrow_array::timezone::Tz;
use arrow_array::types::{Decimal128Type, Float32Type, Float64Type, Int64Type};
use arrow_array::{
    Array, ArrayRef, Date32Array, LargeStringArray, PrimitiveArray, StringArray, StringViewArray,
};
use arrow_schema::{DataType, TimeUnit};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use tcrules::io::csv;
use tcrules::Error;

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const EPOCH_FROM_CE: i32 = 719_163;

fn invalid(path: &str, message: impl Into<String>) -> Error {
    Error::Invalid {
        path: path.to_owned(),
        message: message.into(),
    }
}

fn cast(name: &str, array: &ArrayRef, to: &DataType) -> Result<ArrayRef, Error> {
    arrow_cast::cast(array, to).map_err(|e| {
        invalid(
            name,
            format!(
                "column of type {} cannot be read as {to}: {e}",
                array.data_type()
            ),
        )
    })
}

/// A date-valued column.
pub(crate) enum Dates {
    /// Days since 1970-01-01.
    Days(Date32Array),
    /// Timestamp ticks and their unit (UTC, or no time zone).
    Ticks(PrimitiveArray<Int64Type>, TimeUnit),
    /// Timestamp ticks, their unit and their time zone: each cell's date is the local one.
    Zoned(PrimitiveArray<Int64Type>, TimeUnit, Tz),
    Text(Texts),
}

impl Dates {
    /// Reads column `name`; a type that holds no dates is an error for the whole column.
    pub(crate) fn new(name: &str, array: &ArrayRef) -> Result<Self, Error> {
        Ok(match array.data_type() {
            DataType::Date32 | DataType::Date64 => {
                Dates::Days(cast(name, array, &DataType::Date32)?.as_primitive().clone())
            }
            DataType::Timestamp(unit, zone) => {
                let ticks = cast(name, array, &DataType::Int64)?.as_primitive().clone();
                match zone.as_deref().map(str::trim) {
                    None | Some("" | "UTC" | "utc" | "Z" | "+00:00" | "Etc/UTC" | "GMT") => {
                        Dates::Ticks(ticks, *unit)
                    }
                    Some(zone) => {
                        let tz = zone
                            .parse::<Tz>()
                            .map_err(|_| invalid(name, format!("{zone:?} is not a time zone")))?;
                        Dates::Zoned(ticks, *unit, tz)
                    }
                }
            }
            t if Texts::holds(t) => Dates::Text(Texts::new(name, array)?),
            other => {
                return Err(invalid(
                    name,
                    format!("column of type {other} holds no dates"),
                ))
            }
        })
    }

    /// Row `i`'s date, `None` when empty; `path` names the cell in errors.
    pub(crate) fn get(&self, i: usize, path: &str) -> Result<Option<NaiveDate>, Error> {
        self.read(i, path, from_days)
    }

    /// [`Dates::get`], with the dates of day numbers already met taken from `days`
    /// (a cache of day numbers, not of a column's cells).
    pub(crate) fn get_cached(
        &self,
        i: usize,
        path: &str,
        days: &mut DayCache,
    ) -> Result<Option<NaiveDate>, Error> {
        self.read(i, path, |d| days.date(d, from_days))
    }

    /// Row `i`'s date for the usual cell (a date, or a timestamp at midnight, that the
    /// calendar has), the dates of cells already met taken from `cells` (this column's own
    /// cache, by stored value);
    /// `None` for every other cell, which [`Dates::get_cached`] reads (or reports).
    pub(crate) fn day(&self, i: usize, cells: &mut DayCache) -> Option<NaiveDate> {
        match self {
            Dates::Days(a) if a.is_valid(i) => cells.date(a.value(i).into(), from_days),
            Dates::Ticks(a, unit) if a.is_valid(i) => {
                cells.date(a.value(i), |t| from_days(tick_day(t, *unit)?))
            }
            _ => None,
        }
    }

    /// Row `i`'s date, a day number made a date by `date`.
    fn read(
        &self,
        i: usize,
        path: &str,
        mut date: impl FnMut(i64) -> Option<NaiveDate>,
    ) -> Result<Option<NaiveDate>, Error> {
        let mut from_days = |days: i64| {
            date(days).ok_or_else(|| invalid(path, format!("day {days} is out of range")))
        };
        match self {
            Dates::Days(a) => a
                .is_valid(i)
                .then(|| from_days(a.value(i).into()))
                .transpose(),
            Dates::Ticks(a, unit) => a
                .is_valid(i)
                .then(|| match tick_day(a.value(i), *unit) {
                    Some(days) => from_days(days),
                    None => Err(invalid(
                        path,
                        "a timestamp with a time of day is not a date",
                    )),
                })
                .transpose(),
            Dates::Zoned(a, unit, tz) => a
                .is_valid(i)
                .then(|| local_date(a.value(i), *unit, tz, path))
                .transpose(),
            Dates::Text(a) => a.get(i).map(|s| csv::date(path, s)).transpose(),
        }
    }
}

/// The local date of a timestamp in time zone `tz`, if it falls at local midnight.
fn local_date(ticks: i64, unit: TimeUnit, tz: &Tz, path: &str) -> Result<NaiveDate, Error> {
    let per_second: i64 = match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    };
    let (seconds, rest) = (ticks.div_euclid(per_second), ticks.rem_euclid(per_second));
    let nanos = u32::try_from(rest * (1_000_000_000 / per_second)).unwrap_or(u32::MAX);
    let utc = chrono::DateTime::from_timestamp(seconds, nanos)
        .ok_or_else(|| invalid(path, format!("timestamp {ticks} is out of range")))?;
    let local = utc.with_timezone(tz).naive_local();
    if local.time() == chrono::NaiveTime::MIN {
        Ok(local.date())
    } else {
        Err(invalid(
            path,
            format!("{local} is a timestamp with a time of day, not a date"),
        ))
    }
}

/// The day of a timestamp in `unit`s, if it falls at midnight.
fn tick_day(t: i64, unit: TimeUnit) -> Option<i64> {
    // A constant divisor per unit: a multiplication, not a division.
    match unit {
        TimeUnit::Second => day_of::<86_400>(t),
        TimeUnit::Millisecond => day_of::<86_400_000>(t),
        TimeUnit::Microsecond => day_of::<86_400_000_000>(t),
        TimeUnit::Nanosecond => day_of::<86_400_000_000_000>(t),
    }
}

/// The day of a timestamp of `PER_DAY` ticks a day, if it falls at midnight.
fn day_of<const PER_DAY: i64>(ticks: i64) -> Option<i64> {
    // One division: at midnight exactly when the day's first tick is the timestamp.
    let day = ticks.div_euclid(PER_DAY);
    (day.checked_mul(PER_DAY) == Some(ticks)).then_some(day)
}

/// The date `days` after 1970-01-01, if the calendar has it.
fn from_days(days: i64) -> Option<NaiveDate> {
    i32::try_from(days)
        .ok()
        .and_then(|d| d.checked_add(EPOCH_FROM_CE))
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// Dates already made, by the value they were made from (a day number, or a column's
/// stored day or timestamp), one slot per value hashed: a table's dates fall within a few
/// decades and repeat, and a slot costs less than the calendar arithmetic (or, for a
/// column's cells, even the division a timestamp takes to its day) it saves.
pub(crate) struct DayCache(Vec<(i64, NaiveDate)>);

impl Default for DayCache {
    fn default() -> Self {
        DayCache(vec![(i64::MIN, NaiveDate::MIN); 1 << 14])
    }
}

impl DayCache {
    /// The date of `value`, made by `date` the first time it is met in its slot.
    fn date(
        &mut self,
        value: i64,
        date: impl FnOnce(i64) -> Option<NaiveDate>,
    ) -> Option<NaiveDate> {
        // i64::MIN marks an empty slot; no date is made from it (it is no midnight in any
        // unit, and outside date32 and the calendar's day numbers).
        if value == i64::MIN {
            return None;
        }
        let hash = (value as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let slot = self.0.get_mut((hash >> (64 - 14)) as usize)?;
        if slot.0 != value {
            *slot = (value, date(value)?);
        }
        Some(slot.1)
    }
}

/// A decimal-valued column (money).
pub(crate) enum Decimals {
    /// Mantissas and the column's scale.
    Exact(PrimitiveArray<Decimal128Type>, i8),
    F64(PrimitiveArray<Float64Type>),
    F32(PrimitiveArray<Float32Type>),
    Text(Texts),
}

impl Decimals {
    /// Reads column `name`; a type that holds no numbers is an error for the whole column.
    pub(crate) fn new(name: &str, array: &ArrayRef) -> Result<Self, Error> {
        Ok(match array.data_type() {
            DataType::Decimal128(_, scale) => Decimals::Exact(array.as_primitive().clone(), *scale),
            DataType::Float64 => Decimals::F64(array.as_primitive().clone()),
            DataType::Float32 | DataType::Float16 => Decimals::F32(
                cast(name, array, &DataType::Float32)?
                    .as_primitive()
                    .clone(),
            ),
            t if t.is_integer() => Decimals::Exact(
                cast(name, array, &DataType::Decimal128(38, 0))?
                    .as_primitive()
                    .clone(),
                0,
            ),
            t if Texts::holds(t) => Decimals::Text(Texts::new(name, array)?),
            other => {
                return Err(invalid(
                    name,
                    format!("column of type {other} holds no amounts"),
                ))
            }
        })
    }

    /// Row `i`'s amount, `None` when empty; `path` names the cell in errors.
    pub(crate) fn get(&self, i: usize, path: &str) -> Result<Option<Decimal>, Error> {
        let parse = |s: &str| csv::decimal(path, s);
        let finite = |ok: bool, s: String| {
            if ok {
                parse(&s)
            } else {
                Err(invalid(path, format!("{s} is not a finite amount")))
            }
        };
        match self {
            Decimals::Exact(a, scale) => a
                .is_valid(i)
                .then(|| exact(a.value(i), *scale, path))
                .transpose(),
            // Display prints the shortest digits that round-trip, as Python's repr does.
            Decimals::F64(a) => a
                .is_valid(i)
                .then(|| {
                    let x = a.value(i);
                    shortest(x).map_or_else(|| finite(x.is_finite(), x.to_string()), Ok)
                })
                .transpose(),
            Decimals::F32(a) => a
                .is_valid(i)
                .then(|| finite(a.value(i).is_finite(), a.value(i).to_string()))
                .transpose(),
            Decimals::Text(a) => a.get(i).map(parse).transpose(),
        }
    }

    /// Whether row `i` holds a value (not null; a text cell may still be blank).
    pub(crate) fn is_valid(&self, i: usize) -> bool {
        match self {
            Decimals::Exact(a, _) => a.is_valid(i),
            Decimals::F64(a) => a.is_valid(i),
            Decimals::F32(a) => a.is_valid(i),
            Decimals::Text(t) => t.get(i).is_some(),
        }
    }

    /// Row `i`'s amount as the mantissa and scale of the `Decimal` [`Decimals::get`]
    /// reads, for the usual cell: a float whose shortest digits [`shortest`] finds, or a
    /// decimal128 at 0 to 28 places under 2^96; `None` for every other cell (empty, text,
    /// negative, out of range, ...), which `get` reads or reports.
    pub(crate) fn parts(&self, i: usize) -> Option<(u128, u32)> {
        match self {
            Decimals::F64(a) if a.is_valid(i) => {
                shortest_parts(a.value(i)).map(|(m, s)| (u128::from(m), s))
            }
            Decimals::Exact(a, scale) if a.is_valid(i) => {
                let m = u128::try_from(a.value(i)).ok()?;
                let s = u32::try_from(*scale).ok()?;
                (m < 1 << 96 && s <= 28).then_some((m, s))
            }
            _ => None,
        }
    }
}

/// The decimal a float's shortest round-tripping digits spell (what `Display` and
/// Python's `repr` print), without formatting text, for the common case of a
/// non-negative amount with at most four decimal places under 2^50; `None` otherwise.
fn shortest(x: f64) -> Option<Decimal> {
    let (m, places) = shortest_parts(x)?;
    Decimal::try_new(i64::try_from(m).ok()?, places).ok()
}

/// [`shortest`]'s mantissa and scale.
///
/// `m / 10^p` in IEEE arithmetic is the correctly rounded value of the decimal `m·10^-p`
/// (both operands are exact), so equality with `x` means those digits read back as `x`.
/// With `|x·10^p| < 2^50`, any `m'·10^-k` (k ≤ p) that reads back as `x` lies within 1/4
/// of `x·10^p` once scaled, so rounding `x·10^p` finds `m'·10^(p-k)`: one division tests
/// every length up to `p` at once, and dropping trailing zeros gives the fewest digits.
fn shortest_parts(x: f64) -> Option<(u64, u32)> {
    const LIMIT: f64 = (1_u64 << 50) as f64;
    const POW10: [f64; 5] = [1.0, 10.0, 100.0, 1_000.0, 10_000.0];
    if x.is_nan() || x.is_sign_negative() {
        return None; // NaN, negatives and -0.0 take the text path
    }
    // The most places that keep x·10^p under the limit (the usual amount: four).
    let (mut places, scale) = if x * 10_000.0 < LIMIT {
        (4, 10_000.0)
    } else {
        (0..4_u32)
            .rev()
            .filter_map(|p| POW10.get(p as usize).map(|s| (p, *s)))
            .find(|(_, s)| x * s < LIMIT)?
    };
    // The nearest integer (x ≥ 0; the check below catches any miss).
    let mut m = (x * scale + 0.5) as u64;
    if m as f64 / scale != x {
        return None;
    }
    // Up to four trailing zeros dropped in at most three steps (4, 2, 1 of them).
    for (step, p) in [(4, 10_000), (2, 100), (1, 10)] {
        if places >= step && m.is_multiple_of(p) {
            (m, places) = (m / p, places - step);
        }
    }
    Some((m, places))
}

/// A decimal128 mantissa at `scale` as an exact `Decimal` (at most 28 decimal places and
/// 96 bits of mantissa; trailing zeros beyond 28 places are dropped, not rounded).
fn exact(mut mantissa: i128, scale: i8, path: &str) -> Result<Decimal, Error> {
    let overflow = || Error::Overflow {
        path: path.to_owned(),
    };
    let mut scale = i32::from(scale);
    while scale < 0 {
        mantissa = mantissa.checked_mul(10).ok_or_else(overflow)?;
        scale += 1;
    }
    while scale > 28 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    let scale = u32::try_from(scale).map_err(|_| overflow())?;
    Decimal::try_from_i128_with_scale(mantissa, scale).map_err(|_| overflow())
}

/// A text column, read in place: strings, large strings (pandas' `str` columns) or string
/// views (polars'); other types are cast to strings.
pub(crate) enum Texts {
    Strings(StringArray),
    Large(LargeStringArray),
    Views(StringViewArray),
}

impl Texts {
    /// Whether a column of type `t` is read as text where dates or amounts are expected.
    fn holds(t: &DataType) -> bool {
        matches!(
            t,
            DataType::Utf8
                | DataType::LargeUtf8
                | DataType::Utf8View
                | DataType::Dictionary(..)
                | DataType::Null
        )
    }

    /// Reads column `name` as strings (any type that casts to a string).
    pub(crate) fn new(name: &str, array: &ArrayRef) -> Result<Self, Error> {
        Ok(match array.data_type() {
            DataType::Utf8 => Texts::Strings(array.as_string().clone()),
            DataType::LargeUtf8 => Texts::Large(array.as_string().clone()),
            DataType::Utf8View => Texts::Views(array.as_string_view().clone()),
            _ => Texts::Strings(cast(name, array, &DataType::Utf8)?.as_string().clone()),
        })
    }

    /// Rows in the column.
    pub(crate) fn len(&self) -> usize {
        match self {
            Texts::Strings(a) => a.len(),
            Texts::Large(a) => a.len(),
            Texts::Views(a) => a.len(),
        }
    }

    /// Row `i`'s text, trimmed; `None` when null or blank.
    pub(crate) fn get(&self, i: usize) -> Option<&str> {
        cell(match self {
            Texts::Strings(a) => a.is_valid(i).then(|| a.value(i)),
            Texts::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Texts::Views(a) => a.is_valid(i).then(|| a.value(i)),
        })
    }
}

/// A text cell trimmed; `None` when null or blank.
fn cell(value: Option<&str>) -> Option<&str> {
    value.map(trim).filter(|s| !s.is_empty())
}

/// `s.trim()`, without its Unicode scan for the usual cell that starts and ends with a
/// visible ASCII character.
fn trim(s: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_graphic());
    let b = s.as_bytes();
    if visible(b.first()) && visible(b.last()) {
        s
    } else {
        s.trim()
    }
}

/// Days since 1970-01-01 of a date, for date32 output columns.
pub(crate) fn epoch_days(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - EPOCH_FROM_CE
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Float64Array, TimestampNanosecondArray, TimestampSecondArray};
    use std::sync::Arc;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn decimal128_is_exact_at_any_scale() {
        assert_eq!(exact(35_000_001, 2, "x").unwrap(), d("350000.01"));
        assert_eq!(exact(35, -4, "x").unwrap(), d("350000"));
        assert_eq!(exact(15 * 10_i128.pow(30), 31, "x").unwrap(), d("1.5"));
        assert_eq!(exact(i128::MAX, 0, "x").unwrap_err().code(), "overflow");
    }

    #[test]
    fn floats_read_their_shortest_repr_and_reject_nan() {
        let a: ArrayRef = Arc::new(Float64Array::from(vec![350000.01, 0.1 + 0.2, f64::NAN]));
        let col = Decimals::new("budget_amount", &a).unwrap();
        assert_eq!(col.get(0, "b").unwrap(), Some(d("350000.01")));
        assert_eq!(col.get(1, "b").unwrap(), Some(d("0.30000000000000004")));
        let e = col.get(2, "b").unwrap_err();
        assert_eq!((e.code(), e.path()), ("invalid_value", "b"));
    }

    #[test]
    fn the_float_fast_path_reads_what_the_text_path_reads() {
        let text = |x: f64| d(&x.to_string());
        // Amounts as a float column holds them: cents, tenths of cents, whole numbers,
        // at every magnitude up to past the fast path's limit, and arbitrary bits.
        let mut seed = 0x2006_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut checked = 0;
        for _ in 0..200_000 {
            let r = next();
            let digits = r % 10_u64.pow(1 + (r >> 60) as u32 % 17);
            let places = (r >> 56) % 6;
            let values = [
                digits as f64 / 10_f64.powi(places as i32),
                f64::from_bits(next() >> 2),
                (digits as f64 / 100.0) * 1.0842,
            ];
            for x in values {
                if x.is_finite() {
                    if let Some(fast) = shortest(x) {
                        assert_eq!(fast, text(x), "{x:?}");
                        assert_eq!(fast.scale(), text(x).scale(), "{x:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(
            checked > 100_000,
            "the fast path took only {checked} values"
        );
        for x in [0.0, 350000.01, 0.1 + 0.2, 1e-5, 2.5e15, 1125899906842623.0] {
            assert_eq!(shortest(x).unwrap_or_else(|| text(x)), text(x));
        }
        assert_eq!(shortest(-0.0), None);
        assert_eq!(shortest(-1.5), None);
        assert_eq!(shortest(f64::NAN), None);
    }

    #[test]
    fn zoned_timestamps_are_dates_at_local_midnight() {
        use arrow_array::TimestampMicrosecondArray;
        // 2024-01-01 00:00 in Zurich (UTC+1) is 2023-12-31 23:00 UTC.
        let local_midnight = (86_400 * 19_723 - 3_600) * 1_000_000_i64;
        let a: ArrayRef = Arc::new(
            TimestampMicrosecondArray::from(vec![local_midnight, local_midnight + 3_600_000_000])
                .with_timezone("Europe/Zurich"),
        );
        let col = Dates::new("start", &a).unwrap();
        assert_eq!(col.get(0, "start").unwrap(), "2024-01-01".parse().ok());
        assert_eq!(col.get(1, "start").unwrap_err().code(), "invalid_value");
        let offset: ArrayRef =
            Arc::new(TimestampMicrosecondArray::from(vec![local_midnight]).with_timezone("+01:00"));
        let col = Dates::new("start", &offset).unwrap();
        assert_eq!(col.get(0, "start").unwrap(), "2024-01-01".parse().ok());
        let utc: ArrayRef = Arc::new(
            TimestampMicrosecondArray::from(vec![86_400 * 19_723 * 1_000_000]).with_timezone("UTC"),
        );
        let col = Dates::new("start", &utc).unwrap();
        assert_eq!(col.get(0, "start").unwrap(), "2024-01-01".parse().ok());
        let bad: ArrayRef =
            Arc::new(TimestampMicrosecondArray::from(vec![0]).with_timezone("Mars/Olympus"));
        assert!(Dates::new("start", &bad).is_err());
    }

    #[test]
    fn timestamps_are_dates_only_at_midnight() {
        let a: ArrayRef = Arc::new(TimestampSecondArray::from(vec![
            Some(86_400 * 19_723),
            Some(86_400 * 19_723 + 1),
            None,
        ]));
        let col = Dates::new("start", &a).unwrap();
        assert_eq!(col.get(0, "start").unwrap(), "2024-01-01".parse().ok());
        assert_eq!(col.get(1, "start").unwrap_err().code(), "invalid_value");
        assert_eq!(col.get(2, "start").unwrap(), None);
        assert_eq!(epoch_days("2024-01-01".parse().unwrap()), 19_723);
        // Nanoseconds (pandas), before 1970 too, and one tick short of midnight.
        let day = 86_400_000_000_000_i64;
        let a: ArrayRef = Arc::new(TimestampNanosecondArray::from(vec![
            -day,
            -day - 1,
            day * 19_723,
        ]));
        let col = Dates::new("end", &a).unwrap();
        assert_eq!(col.get(0, "end").unwrap(), "1969-12-31".parse().ok());
        assert_eq!(col.get(1, "end").unwrap_err().code(), "invalid_value");
        assert_eq!(col.get(2, "end").unwrap(), "2024-01-01".parse().ok());
        // The ends of the range: no day (and no overflow), read either way.
        let a: ArrayRef = Arc::new(TimestampNanosecondArray::from(vec![i64::MIN, i64::MAX]));
        let col = Dates::new("end", &a).unwrap();
        let mut cells = DayCache::default();
        for i in 0..2 {
            assert_eq!(col.get(i, "end").unwrap_err().code(), "invalid_value");
            assert_eq!(col.day(i, &mut cells), None);
        }
        assert_eq!(day_of::<86_400>(-5 * 86_400), Some(-5));
        assert_eq!(day_of::<86_400>(-1), None);
        assert_eq!(day_of::<1>(i64::MIN), Some(i64::MIN));
    }
}
