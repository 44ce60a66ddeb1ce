//! The years delivery from an IATI file is grouped by: many publishers' budget years run
//! April–March or July–June, and judging such an activity by calendar years splits each
//! budget over two years (a DFID activity showed 114 % and 126 % in consecutive calendar
//! years where each budget year was delivered in full).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

use super::model::IatiActivity;

/// How an activity's budgets and spending are grouped into years.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Periods {
    /// The publisher's own budget year, read from the activity's effective budgets: the
    /// month most of them start in, or follow the end of, leaving out the first budget's
    /// start and the last one's end (where the activity's own dates usually cut a year
    /// short). Calendar years when that is January, when no budget says otherwise, or
    /// when months tie with January among them.
    #[default]
    Published,
    /// Calendar years.
    Calendar,
    /// Fiscal years starting on the first of the given month (4: April–March).
    Fiscal(u32),
}

impl Periods {
    /// The month (1–12) the activity's years start in.
    ///
    /// ```
    /// use tcrules::iati::{Activities, Periods};
    /// let xml = r#"<iati-activities><iati-activity default-currency="GBP">
    ///   <iati-identifier>GB-1-1</iati-identifier>
    ///   <budget><period-start iso-date="2011-04-01"/><period-end iso-date="2012-03-31"/><value>10</value></budget>
    /// </iati-activity></iati-activities>"#;
    /// let a = Activities::new(xml.as_bytes()).next().unwrap().unwrap();
    /// assert_eq!(Periods::Published.start_month(&a), 4);
    /// assert_eq!(Periods::Calendar.start_month(&a), 1);
    /// ```
    pub fn start_month(self, activity: &IatiActivity) -> u32 {
        match self {
            Periods::Calendar => 1,
            Periods::Fiscal(month) => month,
            Periods::Published => published_month(activity),
        }
    }

    /// Checks the fiscal year's month.
    pub fn validate(self) -> Result<Self> {
        match self {
            Periods::Fiscal(m) if !(1..=12).contains(&m) => Err(Error::invalid(
                "periods",
                format!("a fiscal year starts in a month from 1 to 12, not {m}"),
            )),
            p => Ok(p),
        }
    }
}

impl FromStr for Periods {
    type Err = Error;

    /// `published`, `calendar`, or `fiscal:M` (M the month the year starts in, 1–12).
    fn from_str(s: &str) -> Result<Self> {
        let wrong = || {
            Error::invalid(
                "periods",
                format!("{s:?} is not a kind of year: published, calendar, or fiscal:M with M the month the year starts in (fiscal:4 for April–March)"),
            )
        };
        match s.trim().to_ascii_lowercase().as_str() {
            "published" => Ok(Periods::Published),
            "calendar" => Ok(Periods::Calendar),
            other => {
                let month = other.strip_prefix("fiscal:").ok_or_else(wrong)?;
                Periods::Fiscal(month.trim().parse().map_err(|_| wrong())?).validate()
            }
        }
    }
}

impl fmt::Display for Periods {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Periods::Published => f.write_str("published"),
            Periods::Calendar => f.write_str("calendar"),
            Periods::Fiscal(m) => write!(f, "fiscal:{m}"),
        }
    }
}

/// The month the publisher's budget years start in (see [`Periods::Published`]).
fn published_month(activity: &IatiActivity) -> u32 {
    let mut periods: Vec<(NaiveDate, NaiveDate)> = activity
        .effective_budgets()
        .iter()
        .map(|(_, b)| (b.period_start, b.period_end))
        .collect();
    periods.sort_unstable();
    let mut votes = [0usize; 12];
    let mut vote = |month: u32| {
        if let Some(v) = votes.get_mut(month as usize - 1) {
            *v += 1;
        }
    };
    let single = periods.len() == 1;
    for (i, (start, end)) in periods.iter().enumerate() {
        if i > 0 {
            vote(start.month());
        }
        // The day after a period that ends on a month's last day starts the next year.
        let next = end.succ_opt().filter(|n| n.day() == 1);
        if let (Some(next), true) = (next, single || i + 1 < periods.len()) {
            vote(next.month());
        }
    }
    let most = votes.iter().copied().max().unwrap_or(0);
    match votes.iter().position(|v| *v == most) {
        Some(i) if most > 0 && votes.first() != Some(&most) => i as u32 + 1,
        _ => 1,
    }
}

/// One year of an activity: the year it starts in, and the month it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Year {
    pub(super) start: i32,
    pub(super) month: u32,
}

impl Year {
    /// The year, starting in `month`, that holds `date`.
    pub(super) fn of(date: NaiveDate, month: u32) -> Year {
        let start = if date.month() >= month {
            date.year()
        } else {
            date.year() - 1
        };
        Year { start, month }
    }
}

impl fmt::Display for Year {
    /// `2011` for a calendar year, `2011-04/2012-03` for one from April.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.month {
            1 => write!(f, "{}", self.start),
            m => write!(f, "{}-{m:02}/{}-{:02}", self.start, self.start + 1, m - 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_year_from_april_holds_the_next_march() {
        assert_eq!(Year::of(d("2012-03-31"), 4).to_string(), "2011-04/2012-03");
        assert_eq!(Year::of(d("2012-04-01"), 4).to_string(), "2012-04/2013-03");
        assert_eq!(Year::of(d("2012-12-31"), 1).to_string(), "2012");
        assert_eq!(Year::of(d("2012-01-01"), 1).to_string(), "2012");
        assert_eq!(Year::of(d("2012-06-30"), 7).to_string(), "2011-07/2012-06");
        assert_eq!(Year::of(d("2012-12-01"), 12).to_string(), "2012-12/2013-11");
    }

    fn month_of(budgets: &[(&str, &str)]) -> u32 {
        let budgets: String = budgets
            .iter()
            .map(|(s, e)| format!(r#"<budget><period-start iso-date="{s}"/><period-end iso-date="{e}"/><value>1</value></budget>"#))
            .collect();
        let xml = format!(
            r#"<iati-activities><iati-activity default-currency="USD"><iati-identifier>A</iati-identifier>{budgets}</iati-activity></iati-activities>"#
        );
        let a = super::super::Activities::new(xml.as_bytes())
            .next()
            .unwrap()
            .unwrap();
        Periods::Published.start_month(&a)
    }

    #[test]
    fn the_publishers_year_is_read_from_its_budgets() {
        // April–March budgets, the first and last cut short by the activity's dates.
        let april = [
            ("2019-06-15", "2020-03-31"),
            ("2020-04-01", "2021-03-31"),
            ("2021-04-01", "2021-09-30"),
        ];
        assert_eq!(month_of(&april), 4);
        // Calendar budgets after a first one from the activity's start in March.
        assert_eq!(
            month_of(&[
                ("2010-03-01", "2010-12-31"),
                ("2011-01-01", "2011-12-31"),
                ("2012-01-01", "2012-02-29")
            ]),
            1
        );
        // One budget: the year starts the day after it ends, on a month's first day.
        assert_eq!(month_of(&[("2011-04-01", "2012-03-31")]), 4);
        assert_eq!(month_of(&[("2011-03-15", "2012-03-14")]), 1);
        // Quarters tie every month they start: calendar years, as January is among them.
        let quarters = [
            ("2020-01-01", "2020-03-31"),
            ("2020-04-01", "2020-06-30"),
            ("2020-07-01", "2020-09-30"),
            ("2020-10-01", "2020-12-31"),
            ("2021-01-01", "2021-03-31"),
        ];
        assert_eq!(month_of(&quarters), 1);
        // July–June years of two budgets.
        assert_eq!(
            month_of(&[("2018-07-01", "2019-06-30"), ("2019-07-01", "2020-06-30")]),
            7
        );
        assert_eq!(month_of(&[]), 1);
    }

    #[test]
    fn kinds_of_year_read_and_print() {
        for s in ["published", "calendar", "fiscal:4", "fiscal:12", "fiscal:1"] {
            assert_eq!(s.parse::<Periods>().unwrap().to_string(), s);
        }
        assert_eq!(" Fiscal:7 ".parse::<Periods>().unwrap(), Periods::Fiscal(7));
        for bad in [
            "fiscal:0",
            "fiscal:13",
            "fiscal:",
            "fiscal:april",
            "yearly",
            "",
        ] {
            let e = bad.parse::<Periods>().unwrap_err();
            assert_eq!(e.code(), "invalid_value", "{bad}");
        }
        assert!(Periods::Fiscal(13).validate().is_err());
        assert!(Periods::Fiscal(1).validate().is_ok());
    }
}
