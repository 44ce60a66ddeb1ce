//! Dates and periods: project durations, anniversaries, midpoints, biennia and
//! reporting periods, with the exact semantics of RULES.md §0.
//!
//! Calendar arithmetic goes through `chrono`, whose month addition clamps the day to
//! the end of the target month (as jiff, dateutil and polars do).

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A project's duration in whole months plus remaining days, counting both the start and
/// the end day.
///
/// `months` is the largest m such that `start + m months ≤ end + 1 day`; `days` is what
/// remains. So 2024-01-01 → 2025-06-30 is exactly 18 months, and 2023-08-31 → 2025-02-27
/// is exactly 18 months too (2023-08-31 + 18 months = 2025-02-28 = end + 1 day).
///
/// ```
/// use tcrules::period::Duration;
/// let d = |s: &str| s.parse().unwrap();
/// assert_eq!(Duration::between(d("2024-01-01"), d("2025-06-30")).unwrap(), Duration { months: 18, days: 0 });
/// assert_eq!(Duration::between(d("2024-01-15"), d("2025-07-20")).unwrap(), Duration { months: 18, days: 6 });
/// assert_eq!(Duration::between(d("2025-01-02"), d("2025-01-01")).unwrap_err().code(), "end_before_start");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Duration {
    /// Whole months.
    pub months: u32,
    /// Days past the whole months.
    pub days: u32,
}

impl Duration {
    /// The duration from `start` to `end`, both days included.
    pub fn between(start: NaiveDate, end: NaiveDate) -> Result<Duration> {
        if end < start {
            return Err(Error::EndBeforeStart {
                path: "end".into(),
                start: start.to_string(),
                end: end.to_string(),
            });
        }
        let limit = end.succ_opt().ok_or_else(|| {
            Error::invalid(
                "end",
                format!("{end} is at the end of the supported calendar"),
            )
        })?;
        // `start + m months` for the m that reaches the month of `limit` lands in that
        // month, its day clamped; when that day is past `limit`'s, one month fewer.
        let months =
            (limit.year() - start.year()) * 12 + limit.month() as i32 - start.month() as i32;
        let months = u32::try_from(months).unwrap_or(0);
        // The clamp matters only past `limit`'s day.
        let mut day = start.day();
        // (`>=` would do the same: at equal days the clamp leaves `day` as it is.)
        if day > limit.day() {
            day = day.min(u32::from(limit.num_days_in_month()));
        }
        if day <= limit.day() {
            return Ok(Duration {
                months,
                days: limit.day() - day,
            });
        }
        let months = months.saturating_sub(1);
        let anchor = add_months(start, months).unwrap_or(start);
        let days = u32::try_from((limit - anchor).num_days()).unwrap_or(0);
        Ok(Duration { months, days })
    }

    /// True when the duration is more than `months` whole months (any extra day counts).
    pub fn exceeds_months(&self, months: u32) -> bool {
        self.months > months || (self.months == months && self.days > 0)
    }
}

impl fmt::Display for Duration {
    // Written piece by piece (`itoa` for the numbers): a findings table formats this in
    // one message a project.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(itoa::Buffer::new().format(self.months))?;
        match self.days {
            0 => f.write_str(" months"),
            1 => f.write_str(" months 1 day"),
            d => {
                f.write_str(" months ")?;
                f.write_str(itoa::Buffer::new().format(d))?;
                f.write_str(" days")
            }
        }
    }
}

/// `date + months`, clamping the day to the end of the target month.
pub fn add_months(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(months))
}

/// The anniversaries of `start` that fall strictly before `end`. A 29 February start has
/// its anniversary on 28 February in other years; an anniversary on the end date is not
/// counted (R6 §143 annual reviews; RULES.md §1).
///
/// ```
/// use tcrules::period::anniversaries;
/// let d = |s: &str| s.parse().unwrap();
/// assert_eq!(anniversaries(d("2020-03-01"), d("2025-03-01")).len(), 4);
/// assert_eq!(anniversaries(d("2020-02-29"), d("2022-12-31")), vec![d("2021-02-28"), d("2022-02-28")]);
/// ```
pub fn anniversaries(start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    (1u32..)
        .map_while(|k| k.checked_mul(12).and_then(|m| add_months(start, m)))
        .take_while(|d| *d < end)
        .collect()
}

/// How many anniversaries of `start` fall strictly before `end`: the length of
/// [`anniversaries`], without the list.
///
/// ```
/// use tcrules::period::anniversary_count;
/// let d = |s: &str| s.parse().unwrap();
/// assert_eq!(anniversary_count(d("2020-03-01"), d("2025-03-01")), 4);
/// assert_eq!(anniversary_count(d("2020-02-29"), d("2022-12-31")), 2);
/// ```
pub fn anniversary_count(start: NaiveDate, end: NaiveDate) -> u32 {
    let Ok(years) = u32::try_from(end.year() - start.year()) else {
        return 0;
    };
    // The last candidate falls in `end`'s year, on `start`'s month and day, compared
    // without building it (a 29 February start falls on the 28th in a common year, which
    // is before `end` exactly when the 29th would be); the one before it falls in the
    // year before.
    // (`years >= 0` would do the same: with no year between them, both branches give 0.)
    if years > 0 && (start.month(), start.day()) < (end.month(), end.day()) {
        years
    } else {
        years.saturating_sub(1)
    }
}

/// The midpoint of a period: `start` plus half the days to `end`, rounded down.
///
/// ```
/// use tcrules::period::midpoint;
/// let d = |s: &str| s.parse().unwrap();
/// assert_eq!(midpoint(d("2024-01-01"), d("2024-12-31")), d("2024-07-01"));
/// ```
pub fn midpoint(start: NaiveDate, end: NaiveDate) -> NaiveDate {
    let half = (end - start).num_days().max(0) / 2;
    start
        .checked_add_signed(chrono::TimeDelta::days(half))
        .unwrap_or(start)
}

/// An ILO programme and budget biennium. Biennia start in even years (2004-05, 2006-07:
/// R6 §57, §146, §162). Serialized as `"2004-05"`.
///
/// ```
/// use tcrules::period::Biennium;
/// let b = Biennium::of("2005-03-01".parse().unwrap());
/// assert_eq!(b.to_string(), "2004-05");
/// assert_eq!(b.second_year(), 2005);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Biennium {
    first_year: i32,
}

impl Biennium {
    /// The biennium a date falls in.
    pub fn of(date: NaiveDate) -> Biennium {
        Biennium::of_year(date.year())
    }

    /// The biennium a year falls in.
    pub fn of_year(year: i32) -> Biennium {
        Biennium {
            first_year: year - year.rem_euclid(2),
        }
    }

    /// The (even) first year.
    pub fn first_year(&self) -> i32 {
        self.first_year
    }

    /// The (odd) second year, when the bulk of activities is implemented (R6 §162).
    pub fn second_year(&self) -> i32 {
        self.first_year + 1
    }
}

impl fmt::Display for Biennium {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{:02}",
            self.first_year,
            self.second_year().rem_euclid(100)
        )
    }
}

impl Serialize for Biennium {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A calendar month, the unit of the delivery records (R6 §140: monthly delivery
/// information). Serialized as `"2005-03"`.
///
/// ```
/// use tcrules::period::YearMonth;
/// let m: YearMonth = "2005-03".parse().unwrap();
/// assert_eq!((m.year(), m.month()), (2005, 3));
/// assert!("2005-13".parse::<YearMonth>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    year: i32,
    month: u32,
}

impl YearMonth {
    /// A month; `month` must be 1–12 and `year` 1–9999.
    pub fn new(year: i32, month: u32) -> Result<YearMonth> {
        if !(1..=12).contains(&month) || !(1..=9999).contains(&year) {
            return Err(Error::invalid(
                "",
                format!("{year}-{month:02} is not a month between 0001-01 and 9999-12"),
            ));
        }
        Ok(YearMonth { year, month })
    }

    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> YearMonth {
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Calendar year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// Month of the year, 1–12.
    pub fn month(&self) -> u32 {
        self.month
    }
}

impl std::str::FromStr for YearMonth {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let bad = || Error::invalid("", format!("{s:?} is not a month in the form YYYY-MM"));
        // Read digit by digit: tables hold millions of these. Only four digits, a hyphen
        // and two digits are a month (no sign: "+123-01" is not the year 123).
        let [y0, y1, y2, y3, b'-', m0, m1] = s.as_bytes() else {
            return Err(bad());
        };
        let digits = [y0, y1, y2, y3, m0, m1].map(|d| d.wrapping_sub(b'0'));
        if !digits.iter().all(|d| *d < 10) {
            return Err(bad());
        }
        let [y0, y1, y2, y3, m0, m1] = digits.map(u32::from);
        let year = (y0 * 1000 + y1 * 100 + y2 * 10 + y3) as i32;
        YearMonth::new(year, m0 * 10 + m1).map_err(|_| bad())
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for YearMonth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `YYYY-MM`, or any date in the month as `YYYY-MM-DD` (a month as a user holds it: a
/// `date` in Python, the last day of the month in a spreadsheet), read as its month.
///
/// ```
/// use tcrules::period::YearMonth;
/// let m: YearMonth = serde_json::from_str(r#""2023-08-31""#).unwrap();
/// assert_eq!(m.to_string(), "2023-08");
/// assert!(serde_json::from_str::<YearMonth>(r#""2023-08-32""#).is_err());
/// ```
impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        match s.parse::<YearMonth>() {
            Ok(m) => Ok(m),
            Err(_) if s.len() == 10 => match s.parse::<NaiveDate>() {
                Ok(date) => Ok(YearMonth::of(date)),
                Err(_) => Err(serde::de::Error::custom(format!(
                    "{s:?} is not a month (YYYY-MM, or a date in the month as YYYY-MM-DD)"
                ))),
            },
            Err(e) => Err(serde::de::Error::custom(e)),
        }
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for YearMonth {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "YearMonth".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "calendar month, YYYY-MM (any date in it, YYYY-MM-DD, is read as its month)",
            "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$",
        })
    }
}

/// A reporting period over which delivery is measured (R6 §140: monthly, year-to-date,
/// yearly).
///
/// ```
/// use tcrules::period::{ReportingPeriod, YearMonth};
/// let ytd = ReportingPeriod::YearToDate { year: 2005, through_month: 6 };
/// assert!(ytd.contains("2005-06".parse().unwrap()));
/// assert!(!ytd.contains("2005-07".parse().unwrap()));
/// assert!(!ytd.contains("2004-06".parse().unwrap()));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ReportingPeriod {
    /// One calendar month.
    Month { year: i32, month: u32 },
    /// January through `through_month` of `year`.
    YearToDate { year: i32, through_month: u32 },
    /// A calendar year.
    Year { year: i32 },
    /// A two-year programme and budget period starting in the even `first_year`.
    Biennium { first_year: i32 },
    /// Every record.
    All,
}

impl ReportingPeriod {
    /// Whether a month lies in the period.
    pub fn contains(&self, m: YearMonth) -> bool {
        match *self {
            ReportingPeriod::Month { year, month } => m.year == year && m.month == month,
            ReportingPeriod::YearToDate {
                year,
                through_month,
            } => m.year == year && m.month <= through_month,
            ReportingPeriod::Year { year } => m.year == year,
            ReportingPeriod::Biennium { first_year } => {
                Biennium::of_year(m.year).first_year == first_year
            }
            ReportingPeriod::All => true,
        }
    }
}

impl fmt::Display for ReportingPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ReportingPeriod::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            ReportingPeriod::YearToDate {
                year,
                through_month,
            } => write!(f, "{year:04}-01..{year:04}-{through_month:02}"),
            ReportingPeriod::Year { year } => write!(f, "{year:04}"),
            ReportingPeriod::Biennium { first_year } => {
                write!(f, "{}", Biennium::of_year(first_year))
            }
            ReportingPeriod::All => f.write_str("all"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn dur(a: &str, b: &str) -> Duration {
        Duration::between(d(a), d(b)).unwrap()
    }

    #[test]
    fn durations_and_anniversaries_from_every_day_of_a_leap_cycle() {
        // Every start of four years (29 February among them), ends around anniversaries
        // and month ends: each duration is its definition (RULES.md §0), each count the
        // length of the list.
        let offsets = [
            0, 1, 27, 28, 29, 30, 58, 59, 60, 364, 365, 366, 367, 730, 731, 1095, 1096, 1460, 1461,
            1462, 1826, 3000,
        ];
        for start in d("2019-12-31").iter_days().take(1462) {
            for end in offsets.map(|o| start + chrono::Days::new(o)) {
                let t = Duration::between(start, end).unwrap();
                let limit = end.succ_opt().unwrap();
                let anchor = add_months(start, t.months).unwrap();
                assert!(anchor <= limit && add_months(start, t.months + 1).unwrap() > limit);
                assert_eq!(
                    anchor + chrono::Days::new(t.days.into()),
                    limit,
                    "{start} {end}"
                );
                let listed = u32::try_from(anniversaries(start, end).len()).unwrap();
                assert_eq!(anniversary_count(start, end), listed, "{start} {end}");
            }
        }
    }

    #[test]
    fn duration_edges_of_rules_section_0() {
        assert_eq!(
            dur("2024-01-01", "2025-06-30"),
            Duration {
                months: 18,
                days: 0
            }
        );
        assert_eq!(
            dur("2024-01-15", "2025-07-20"),
            Duration {
                months: 18,
                days: 6
            }
        );
        assert_eq!(
            dur("2023-08-31", "2025-02-27"),
            Duration {
                months: 18,
                days: 0
            }
        );
        assert_eq!(
            dur("2020-02-29", "2022-08-28"),
            Duration {
                months: 30,
                days: 0
            }
        );
        // 17 months 30 days: one day short of 18 months
        assert_eq!(
            dur("2024-03-01", "2025-08-30"),
            Duration {
                months: 17,
                days: 30
            }
        );
        assert_eq!(
            dur("2024-03-01", "2025-08-31"),
            Duration {
                months: 18,
                days: 0
            }
        );
        assert_eq!(
            dur("2024-01-01", "2025-06-29"),
            Duration {
                months: 17,
                days: 29
            }
        );
        // 30 months 1 day
        assert_eq!(
            dur("2024-01-01", "2026-07-01"),
            Duration {
                months: 30,
                days: 1
            }
        );
    }

    #[test]
    fn one_day_project() {
        assert_eq!(
            dur("2024-05-05", "2024-05-05"),
            Duration { months: 0, days: 1 }
        );
    }

    #[test]
    fn calendar_extremes_do_not_panic() {
        assert!(Duration::between(NaiveDate::MIN, NaiveDate::MAX).is_err());
        assert!(Duration::between(NaiveDate::MIN, d("2000-01-01")).is_ok());
        assert!(anniversaries(d("2000-01-01"), NaiveDate::MAX).len() > 1000);
        let m = midpoint(NaiveDate::MIN, NaiveDate::MAX);
        assert!(m > NaiveDate::MIN && m < NaiveDate::MAX);
    }

    #[test]
    fn exceeds_months_counts_any_extra_day() {
        assert!(!Duration {
            months: 30,
            days: 0
        }
        .exceeds_months(30));
        assert!(Duration {
            months: 30,
            days: 1
        }
        .exceeds_months(30));
        assert!(Duration {
            months: 31,
            days: 0
        }
        .exceeds_months(30));
    }

    #[test]
    fn anniversary_on_end_date_is_not_a_review() {
        assert_eq!(anniversaries(d("2020-03-01"), d("2025-03-01")).len(), 4);
        assert_eq!(anniversaries(d("2020-03-01"), d("2025-03-02")).len(), 5);
        assert!(anniversaries(d("2020-03-01"), d("2021-03-01")).is_empty());
    }

    #[test]
    fn biennia_start_in_even_years() {
        assert_eq!(Biennium::of(d("2005-03-01")).to_string(), "2004-05");
        assert_eq!(Biennium::of(d("2006-01-01")).to_string(), "2006-07");
        assert_eq!(Biennium::of(d("1999-12-31")).to_string(), "1998-99");
        assert_eq!(Biennium::of_year(-1).first_year(), -2);
    }

    #[test]
    fn year_month_parsing() {
        assert!("2005-00".parse::<YearMonth>().is_err());
        assert!("205-01".parse::<YearMonth>().is_err());
        assert!("2005-1".parse::<YearMonth>().is_err());
        assert_eq!(
            "2005-12".parse::<YearMonth>().unwrap().to_string(),
            "2005-12"
        );
    }

    #[test]
    fn every_month_of_every_four_digit_year_reads_back() {
        for year in 1..=9999 {
            for month in 1..=12 {
                let text = format!("{year:04}-{month:02}");
                let m: YearMonth = text.parse().unwrap();
                assert_eq!((m.year(), m.month()), (year, month), "{text}");
            }
        }
        for bad in [
            "2024-00", "2024-13", "2024-1", "24-03", "2024/03", "2024-0a",
        ] {
            assert!(bad.parse::<YearMonth>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_period_contains_its_months_and_no_other() {
        let m = |s: &str| s.parse::<YearMonth>().unwrap();
        let biennium = ReportingPeriod::Biennium { first_year: 2004 };
        let inside = ["2004-01", "2004-12", "2005-01", "2005-12"];
        let outside = ["2003-12", "2006-01", "2002-06", "2007-06"];
        assert!(inside.iter().all(|s| biennium.contains(m(s))));
        assert!(!outside.iter().any(|s| biennium.contains(m(s))));
        let month = ReportingPeriod::Month {
            year: 2005,
            month: 3,
        };
        assert!(
            month.contains(m("2005-03"))
                && !month.contains(m("2005-04"))
                && !month.contains(m("2004-03"))
        );
        let ytd = ReportingPeriod::YearToDate {
            year: 2005,
            through_month: 3,
        };
        assert!(
            ytd.contains(m("2005-03"))
                && !ytd.contains(m("2005-04"))
                && !ytd.contains(m("2004-01"))
        );
        let year = ReportingPeriod::Year { year: 2005 };
        assert!(year.contains(m("2005-12")) && !year.contains(m("2006-01")));
    }

    #[test]
    fn the_byte_after_nine_is_not_a_digit() {
        // ':' follows '9': read as a digit it would make "2024-0:" October and "202:-01"
        // the year 2030.
        for bad in ["2024-0:", "202:-01", ":024-01"] {
            assert!(bad.parse::<YearMonth>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_month_has_no_sign_and_no_short_parts() {
        for bad in [
            "+123-01", "2024-+3", "2024-3", "24-03", " 2024-03", "2024-03 ", "20240-03",
        ] {
            assert!(bad.parse::<YearMonth>().is_err(), "{bad:?}");
        }
        assert_eq!(
            "0001-12".parse::<YearMonth>().unwrap().to_string(),
            "0001-12"
        );
    }

    #[test]
    fn a_month_reads_from_a_whole_date_only() {
        let month = |s: &str| serde_json::from_str::<YearMonth>(&format!("{s:?}"));
        assert_eq!(month("2023-08-31").unwrap().to_string(), "2023-08");
        // A date is read only at the length of YYYY-MM-DD, which chrono alone would not
        // require.
        assert!(month("2023-8-31").is_err());
        // A text that is no date keeps the month's own error.
        let e = month("2005-13").unwrap_err().to_string();
        assert!(e.contains("is not a month in the form YYYY-MM"), "{e}");
    }
}
