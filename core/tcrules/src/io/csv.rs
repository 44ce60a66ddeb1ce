//! Flat CSV tables for spreadsheet users: projects, monthly records and approvals.
//!
//! One row per item, with a header. Nested parts of a project fit in one cell each:
//!
//! | column | form | example |
//! |---|---|---|
//! | `donors` | `name[\|category][\|local]` joined by `;` (a bare name leaves the category unknown) | `USDOL\|multi_bilateral;UNDP\|united_nations\|local;Norway` |
//! | `funding` | `source:amount:currency` joined by `;` | `xbtc:300000:USD;rbtc:20000:USD` |
//! | `evaluations` | `kind\|independence\|due\|amount currency` joined by `;` (due and amount may be empty) | `mid_term\|external\|2025-01-01\|20000 USD;final\|internal_independent\|\|` |
//! | `illustrative` | field names joined by `;` | `budget;evaluations` |
//!
//! Required project columns: `id`, `title`, `start`, `end`, `budget_amount`,
//! `budget_currency`; every other column may be absent or empty. A `budget_rate` cell (US
//! dollars per unit of the budget's currency) converts that row's budget, and its funding
//! lines in the budget's currency, at the row's own rate, whatever the rates table says. Errors name the row and
//! column as `projects[i].column` (i counts data rows from 0).
//!
//! Tables as spreadsheets save them are read too (issue 17, items 2, 3 and 5):
//! - UTF-8 with or without a byte-order mark; cells separated by `,`, `;` or tab, whichever
//!   the header line holds most often outside quotes ([`separator`]).
//! - Amounts with thousands separators: `"1,250,000.00"`; in a `;`-separated file (the
//!   separator spreadsheets use where the comma is the decimal mark) `1.250.000,00` and
//!   `1250000,00` too, and there a lone dot before exactly three digits (`1.250`) is an
//!   error, being 1250 or 1.25 depending on who wrote it ([`Dialect::decimal`]).
//! - Dates as `YYYY-MM-DD`, or with numbers day first or month first (`31/12/2024`,
//!   `12/31/2024`, with `/`, `.` or `-`) under [`Options::day_first`]; without that choice a
//!   date that reads both ways (`03/04/2024`) is an error that names it ([`Dialect::date`]).
//! - Regions, strategic objectives, sources of funds and donor categories as their labels
//!   or usual variants, in any case (`Asia and the Pacific`, `XB`, `regular budget`: see
//!   [`crate::model::label_key`]); currency codes in any case (`usd`).
//! - Every bad cell of the table at once: a row reports each of its bad cells, and a
//!   reader of a whole table ([`read_table`], [`read_projects`], ...) each bad row's, as
//!   one [`Error::Several`] with the first error's code.
//!
//! And tables as their users name them (issue 17, items 1, 2 and 6):
//! - The user's own headers, through a column mapping ([`Options::columns`], a
//!   [`Columns`]); headers that differ from a column's name only in case, spaces or
//!   hyphens (`Budget Amount`) need none. Errors name the user's headers, and a table that
//!   lacks required columns is one `invalid_csv` error naming every one, each with the
//!   closest header suggested ([`require_headers`]).
//! - A month as `YYYY-MM` or any date in it ([`Dialect::month`]).
//! - An organisation's own spellings of the vocabulary, from its policy edition
//!   ([`Options::labels`], [`crate::policy::Labels`]).
//! - Excel and OpenDocument workbooks are read as the CSV text of a sheet
//!   ([`crate::io::sheet`], [`crate::io::table_text`]).

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::io::Columns;
use crate::model::{
    Approval, Donor, DonorCategory, EvaluationPlan, FinancialRecord, FundingLine, Links,
    PlannedEvaluation, Portfolio, Project, Provenance,
};
use crate::money::{Currency, Money};
use crate::period::YearMonth;
use crate::policy::Labels;

/// No spellings but the built-in ones.
const NO_LABELS: Labels = Labels {
    region: std::collections::BTreeMap::new(),
    strategic_objective: std::collections::BTreeMap::new(),
    source_of_funds: std::collections::BTreeMap::new(),
    donor_category: std::collections::BTreeMap::new(),
};

/// Column order of the project table.
pub const PROJECT_COLUMNS: &[&str] = &[
    "id",
    "title",
    "country",
    "region",
    "unit",
    "field_office",
    "strategic_objective",
    "start",
    "end",
    "budget_amount",
    "budget_currency",
    BUDGET_RATE,
    "donors",
    "funding",
    "pb_outcome",
    "dwcp_outcome",
    "country_has_dwcp",
    "national_framework",
    "evaluations",
    "mid_term_review_agreed",
    "constituent_participation",
    "source",
    "illustrative",
];

/// The columns whose cells give a project an evaluation plan.
pub const PLAN_COLUMNS: &[&str] = &[
    "evaluations",
    "mid_term_review_agreed",
    "constituent_participation",
];

/// The column of a project's own exchange rate for its budget (US dollars per unit of
/// the budget's currency), which wins over the rates table for its row.
pub const BUDGET_RATE: &str = "budget_rate";

/// A row's own exchange rate, which must be above zero.
///
/// ```
/// use tcrules::io::csv;
/// assert!(csv::budget_rate("1.08".parse().unwrap()).is_ok());
/// let e = csv::budget_rate(0.into()).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("invalid_value", "budget_rate"));
/// ```
pub fn budget_rate(rate: Decimal) -> Result<Decimal> {
    if rate <= Decimal::ZERO {
        return Err(Error::invalid(
            BUDGET_RATE,
            format!("exchange rate must be positive, got {rate}"),
        ));
    }
    Ok(rate)
}

/// `project` with its budget, and the funding lines in the budget's currency, in US
/// dollars at `rate`: a row's own rate, which wins over the rates table.
fn at_rate(mut project: Project, rate: Decimal) -> Result<Project> {
    let currency = project.budget.currency;
    let usd = |m: &mut Money, path: &str| -> Result<()> {
        if m.currency == currency {
            let amount = m.amount.checked_mul(rate).ok_or_else(|| Error::Overflow {
                path: path.to_owned(),
            })?;
            *m = Money::usd(amount);
        }
        Ok(())
    };
    usd(&mut project.budget, "budget_amount")?;
    for f in &mut project.funding {
        usd(&mut f.amount, "funding")?;
    }
    Ok(project)
}

/// `info`, an error of a project read from a table (its paths the model's:
/// `budget.amount`), with its paths and message naming the table's columns instead: the
/// budget's currency where a rate is missing or unknown, its amount otherwise; `funding`
/// and `evaluations` for the lines and the plan read from those cells.
///
/// ```
/// use tcrules::{io::csv, money::Rates, Project};
/// let p: Project = serde_json::from_str(r#"{"id": "P1", "title": "T", "start": "2024-01-01",
///     "end": "2025-06-30", "budget": {"amount": "1", "currency": "EUR"}}"#).unwrap();
/// let e = tcrules::evaluation::requirements(&p, &tcrules::Policy::default(), &Rates::usd_only()).unwrap_err();
/// let e = csv::as_table_error(e.info());
/// assert_eq!((e.path.as_str(), e.message.as_str()), ("budget_currency", "budget_currency: no exchange rate from EUR to USD"));
/// ```
pub fn as_table_error(mut info: crate::ErrorInfo) -> crate::ErrorInfo {
    let column = |path: &str, code: &str| -> Option<&'static str> {
        let model = path.split(['.', '[']).next().unwrap_or_default();
        Some(match model {
            "budget" if matches!(code, "missing_rate" | "unknown_currency") => "budget_currency",
            "budget" => "budget_amount",
            "funding" => "funding",
            "evaluation_plan" => "evaluations",
            _ => return None,
        })
    };
    if let Some(name) = column(&info.path, &info.code) {
        if let Some(rest) = info.message.strip_prefix(info.path.as_str()) {
            info.message = format!("{name}{rest}");
        }
        info.path = name.to_owned();
    }
    info.errors = info.errors.into_iter().map(as_table_error).collect();
    info
}

/// Column order of the records table.
pub const RECORD_COLUMNS: &[&str] = &[
    "project",
    "month",
    "source",
    "currency",
    "allocation",
    "expenditure",
];

/// Column order of the approvals table.
pub const APPROVAL_COLUMNS: &[&str] = &[
    "donor",
    "category",
    "year",
    "currency",
    "amount",
    "locally_mobilized",
    "project",
    "source",
];

/// The cells of one data row of a flat table, found by column name: what the readers of
/// this module read a row from. A CSV record gives every cell as text; a reader of typed
/// columns (the Arrow engine, `tcrules-arrow`) gives dates and amounts as values, which
/// are then read as their text would be.
pub trait Cells {
    /// The cell's text, trimmed; `None` when the table has no such column or the cell is
    /// empty or blank.
    fn text(&self, column: &str) -> Option<&str>;

    /// A date cell, `None` when empty: by default its text read by [`date`].
    fn date(&self, column: &str) -> Result<Option<NaiveDate>> {
        self.text(column).map(|s| date(column, s)).transpose()
    }

    /// An amount cell, `None` when empty: by default its text read by [`decimal`].
    fn amount(&self, column: &str) -> Result<Option<Decimal>> {
        self.text(column).map(|s| decimal(column, s)).transpose()
    }
}

/// A cell's text as a date: `YYYY-MM-DD`, or day/month/year or month/day/year where only
/// one reading is a date ([`Dialect::date`] with no choice); the error names `column`.
///
/// ```
/// use tcrules::io::csv;
/// assert_eq!(csv::date("start", "2024-02-29").unwrap().to_string(), "2024-02-29");
/// assert_eq!(csv::date("start", "31/12/2024").unwrap().to_string(), "2024-12-31");
/// let e = csv::date("start", "2024-02-30").unwrap_err();
/// assert_eq!(e.to_string(), r#"start: "2024-02-30" is not a date (YYYY-MM-DD, DD/MM/YYYY or MM/DD/YYYY)"#);
/// ```
pub fn date(column: &str, text: &str) -> Result<NaiveDate> {
    Dialect::default().date(column, text)
}

/// A cell's text as an exact decimal number, with or without thousands separators
/// (`1,250,000.00`); the error names `column`.
///
/// ```
/// use tcrules::io::csv;
/// assert_eq!(csv::decimal("amount", "1,250,000.50").unwrap().to_string(), "1250000.50");
/// assert_eq!(csv::decimal("amount", "12,50").unwrap_err().code(), "invalid_value");
/// ```
pub fn decimal(column: &str, text: &str) -> Result<Decimal> {
    Dialect::default().decimal(column, text)
}

/// The error for an empty cell in a column that needs a value.
pub fn empty_cell(column: &str) -> Error {
    Error::invalid(column, "required value is empty")
}

/// What a caller says about a table that its text cannot say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Whether dates written with numbers (`03/04/2024`) give the day first (`Some(true)`,
    /// 3 April) or the month first (`Some(false)`, 4 March). `None` reads such a date only
    /// where one reading alone is a date (`31/12/2024`) or both agree (`01/01/2024`): any
    /// other is an error that names this option. `YYYY-MM-DD` is read whatever the choice.
    pub day_first: Option<bool>,
    /// Which of the table's own headers is which column of the layout ([`Columns`]);
    /// errors then name the table's headers.
    pub columns: Columns,
    /// An organisation's own spellings of regions, objectives, sources of funds and donor
    /// categories (a policy edition's [`Labels`]), after the built-in ones.
    pub labels: Labels,
}

impl Options {
    /// Options with dates read as `day_first` says and no column mapping.
    pub fn day_first(day_first: Option<bool>) -> Self {
        Options {
            day_first,
            ..Options::default()
        }
    }
}

/// How one table writes dates and numbers: the caller's choice of day or month first
/// ([`Options::day_first`]) and what the file's separator implies (a `;`-separated file
/// may use the decimal comma).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dialect {
    /// The caller's choice: [`Options::day_first`].
    pub day_first: Option<bool>,
    /// Whether the comma is the decimal mark and the dot groups thousands (a
    /// `;`-separated file); otherwise the dot is the mark and the comma groups.
    pub decimal_comma: bool,
}

impl Dialect {
    /// The dialect of a file separated by `separator`.
    pub fn of(separator: u8, options: &Options) -> Self {
        Dialect {
            day_first: options.day_first,
            decimal_comma: separator == b';',
        }
    }

    /// A cell's text as a month: `YYYY-MM`, or any date in it (as [`Dialect::date`]
    /// reads dates: `2023-08-31`, `31/08/2023`); the error names `column`.
    ///
    /// ```
    /// use tcrules::io::csv::Dialect;
    /// let d = Dialect::default();
    /// assert_eq!(d.month("month", "2023-08").unwrap().to_string(), "2023-08");
    /// assert_eq!(d.month("month", "2023-08-31").unwrap().to_string(), "2023-08");
    /// assert_eq!(d.month("month", "2023-8").unwrap_err().to_string(),
    ///     r#"month: "2023-8" is not a month (YYYY-MM, or a date in the month)"#);
    /// ```
    pub fn month(&self, column: &str, text: &str) -> Result<YearMonth> {
        if let Ok(m) = text.parse::<YearMonth>() {
            return Ok(m);
        }
        match self.date(column, text) {
            Ok(d) => Ok(YearMonth::of(d)),
            // An ambiguous date says so (and names the option).
            Err(e) if e.to_string().contains("day_first") => Err(e),
            Err(_) => Err(Error::invalid(
                column,
                format!("{text:?} is not a month (YYYY-MM, or a date in the month)"),
            )),
        }
    }

    /// A cell's text as a date; the error names `column`. `YYYY-MM-DD` (a spreadsheet's
    /// midnight time after it, ` 00:00:00`, is dropped), or three numbers joined by `/`,
    /// `.` or `-` with a four-digit year last, read day first or month first as
    /// [`Options::day_first`] says.
    ///
    /// ```
    /// use tcrules::io::csv::{Dialect, Options};
    /// let unsaid = Dialect::default();
    /// assert_eq!(unsaid.date("start", "13.01.2024").unwrap().to_string(), "2024-01-13");
    /// let e = unsaid.date("start", "03/04/2024").unwrap_err();
    /// assert!(e.to_string().contains("day_first"), "{e}");
    /// let us = Dialect::of(b',', &Options::day_first(Some(false)));
    /// assert_eq!(us.date("start", "03/04/2024").unwrap().to_string(), "2024-03-04");
    /// assert_eq!(us.date("start", "13/01/2024").unwrap_err().code(), "invalid_value");
    /// ```
    pub fn date(&self, column: &str, text: &str) -> Result<NaiveDate> {
        let text = ["T00:00:00", " 00:00:00", " 00:00"]
            .iter()
            .find_map(|midnight| text.strip_suffix(midnight))
            .unwrap_or(text);
        if let Ok(d) = text.parse::<NaiveDate>() {
            return Ok(d);
        }
        let not_a_date =
            |form: &str| Error::invalid(column, format!("{text:?} is not a date ({form})"));
        let Some((a, b, year)) = numeric_date(text) else {
            return Err(not_a_date("YYYY-MM-DD, DD/MM/YYYY or MM/DD/YYYY"));
        };
        let day_first = match self.day_first {
            Some(choice) => choice,
            None if a == b || a > 12 => true,
            None if b > 12 => false,
            None => {
                let read = |day, month| {
                    NaiveDate::from_ymd_opt(year, month, day)
                        .map(|d| d.format("%-d %B %Y").to_string())
                        .unwrap_or_default()
                };
                return Err(Error::invalid(
                    column,
                    format!(
                        "{text:?} could be {} or {}: say which with the day_first option \
                         (--day-first or --month-first)",
                        read(a, b),
                        read(b, a)
                    ),
                ));
            }
        };
        let (day, month, form) = if day_first {
            (a, b, "DD/MM/YYYY")
        } else {
            (b, a, "MM/DD/YYYY")
        };
        NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| not_a_date(form))
    }

    /// A cell's text as an exact decimal number; the error names `column`. Thousands may
    /// be grouped (`1,250,000.00`, or `1.250.000,00` with the decimal comma), each group
    /// after the first of exactly three digits. With the decimal comma, a number without
    /// a comma and with one dot before exactly three digits (`1.250`, `-12.500`) is an
    /// error, 1250 to some and 1.25 to others; with several dots (`1.250.000`) they group.
    ///
    /// ```
    /// use tcrules::io::csv::Dialect;
    /// let semicolon = Dialect { decimal_comma: true, ..Dialect::default() };
    /// assert_eq!(semicolon.decimal("amount", "1.250.000,00").unwrap().to_string(), "1250000.00");
    /// assert_eq!(semicolon.decimal("amount", "0.125").unwrap().to_string(), "0.125");
    /// assert!(semicolon.decimal("amount", "1.250").unwrap_err().to_string().contains("1,25"));
    /// ```
    pub fn decimal(&self, column: &str, text: &str) -> Result<Decimal> {
        let not_a_number = || Error::invalid(column, format!("{text:?} is not a decimal number"));
        let (digits, sign) = match text.strip_prefix('-') {
            Some(rest) => (rest, "-"),
            None => (text.strip_prefix('+').unwrap_or(text), ""),
        };
        let (group, mark) = if !self.decimal_comma {
            (',', '.')
        } else if digits.contains(',') {
            ('.', ',')
        } else {
            let dots = digits.matches('.').count();
            if dots == 1 {
                if let Some((whole, part)) = digits.split_once('.') {
                    let group_like = (1..=3).contains(&whole.len()) && grouped(whole);
                    if part.len() == 3 && group_like && !whole.starts_with('0') {
                        return Err(Error::invalid(
                            column,
                            format!(
                                "{text:?} could be a thousands separator or a decimal point: \
                                 write {sign}{whole}{part} or {sign}{whole},{part}"
                            ),
                        ));
                    }
                }
            }
            if dots > 1 {
                ('.', ',')
            } else {
                (',', '.')
            }
        };
        let (whole, part) = match digits.split_once(mark) {
            Some((whole, part)) => (whole, Some(part)),
            None => (digits, None),
        };
        let whole = if whole.contains(group) {
            let mut groups = whole.split(group);
            let first_ok = groups
                .next()
                .is_some_and(|g| (1..=3).contains(&g.len()) && grouped(g));
            if !first_ok || !groups.all(|g| g.len() == 3 && grouped(g)) {
                return Err(not_a_number());
            }
            whole.replace(group, "")
        } else {
            whole.to_owned()
        };
        let plain = match part {
            Some(part) => format!("{sign}{whole}.{part}"),
            None => format!("{sign}{whole}"),
        };
        plain.parse().map_err(|_| not_a_number())
    }
}

/// Whether `s` is ASCII digits (and not empty).
fn grouped(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A date written `a/b/yyyy` (or with `.` or `-`, the same twice): the two first numbers
/// (one or two digits) and the year (four digits).
fn numeric_date(text: &str) -> Option<(u32, u32, i32)> {
    let separator = text.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let mut parts = text.split(separator);
    let (a, b, year) = (parts.next()?, parts.next()?, parts.next()?);
    let short = |s: &str| (1..=2).contains(&s.len()) && grouped(s);
    if parts.next().is_some() || !short(a) || !short(b) || year.len() != 4 || !grouped(year) {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?, year.parse().ok()?))
}

/// The separator of a table's cells: of `,`, `;` and tab, the one its header line holds
/// most often outside quotes; a comma when there is a tie or none.
///
/// ```
/// use tcrules::io::csv::separator;
/// assert_eq!(separator("id;title;\"a,b\"\nP1;T;x\n"), b';');
/// assert_eq!(separator("id\ttitle\n"), b'\t');
/// assert_eq!(separator("id\n"), b',');
/// ```
pub fn separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    let (mut quoted, mut commas, mut semicolons, mut tabs) = (false, 0, 0, 0);
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semicolons += 1,
            '\t' if !quoted => tabs += 1,
            _ => {}
        }
    }
    if semicolons > commas && semicolons >= tabs {
        b';'
    } else if tabs > commas && tabs > semicolons {
        b'\t'
    } else {
        b','
    }
}

fn parse<T: std::str::FromStr>(column: &str, s: &str, what: &str) -> Result<T> {
    s.parse()
        .map_err(|_| Error::invalid(column, format!("{s:?} is not {what}")))
}

fn enum_value<T: std::str::FromStr<Err = Error>>(column: &str, s: &str) -> Result<T> {
    s.parse::<T>().map_err(|e| e.at(column))
}

/// A cell's currency code, in any case (`usd` is `USD`); the error names `column`.
fn currency(column: &str, s: &str) -> Result<Currency> {
    Currency::any_case(s).map_err(|e| e.at(column))
}

/// The currency of a table's amounts where it has no currency column: US dollars, the
/// currency of every threshold.
pub const IMPLIED_CURRENCY: Currency = Currency::USD;

/// Money from a row's cells, checked as every table of the layout is: the amount in
/// `amount_column` and the currency in `currency_column` are required, the currency is an
/// ISO 4217 code and the amount is not negative. With no `currency_column` (a table
/// without one), the amount is in [`IMPLIED_CURRENCY`]. Errors name the column.
///
/// ```
/// use tcrules::io::csv::{self, Cells};
/// use tcrules::money::Money;
/// struct Budget(&'static str);
/// impl Cells for Budget {
///     fn text(&self, _column: &str) -> Option<&str> {
///         Some(self.0).filter(|s| !s.is_empty())
///     }
/// }
/// let usd = csv::money(&Budget("350000.01"), "budget_amount", None).unwrap();
/// assert_eq!(usd, Money::usd("350000.01".parse().unwrap()));
/// let e = csv::money(&Budget("-1"), "budget_amount", None).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("negative_amount", "budget_amount"));
/// let e = csv::money(&Budget(""), "budget_amount", None).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("invalid_value", "budget_amount"));
/// ```
pub fn money(
    cells: &impl Cells,
    amount_column: &str,
    currency_column: Option<&str>,
) -> Result<Money> {
    let amount = cells
        .amount(amount_column)?
        .ok_or_else(|| empty_cell(amount_column))?;
    let currency = match currency_column {
        Some(column) => currency(
            column,
            Row(cells, Dialect::default(), &NO_LABELS).req(column)?,
        )?,
        None => IMPLIED_CURRENCY,
    };
    let m = Money { amount, currency };
    m.non_negative(amount_column).map_err(|_| Error::Negative {
        path: amount_column.to_owned(),
        value: amount.to_string(),
    })?;
    Ok(m)
}

/// A CSV record's cells, found by header name, read in the file's dialect.
struct Record<'a> {
    cells: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
    dialect: Dialect,
    labels: &'a Labels,
}

impl Cells for Record<'_> {
    fn text(&self, column: &str) -> Option<&str> {
        self.columns
            .get(column)
            .and_then(|i| self.cells.get(*i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    fn date(&self, column: &str) -> Result<Option<NaiveDate>> {
        self.text(column)
            .map(|s| self.dialect.date(column, s))
            .transpose()
    }

    fn amount(&self, column: &str) -> Result<Option<Decimal>> {
        self.text(column)
            .map(|s| self.dialect.decimal(column, s))
            .transpose()
    }
}

/// A row's cells with the readers of the layout, the dialect of the dates and amounts
/// inside its nested cells (`funding`, `evaluations`) and the edition's spellings of the
/// vocabulary; errors name the column, and the caller adds the table and row.
struct Row<'c, C>(&'c C, Dialect, &'c Labels);

/// The bad cells of one row, collected so that the row reports every one of them.
#[derive(Default)]
struct Faults(Vec<Error>);

impl Faults {
    /// The value, or `None` with its error kept.
    fn take<T>(&mut self, result: Result<T>) -> Option<T> {
        result.map_err(|e| self.0.push(e)).ok()
    }

    /// The row's error: every bad cell ([`Error::gather`]). Called when a cell was bad.
    fn error(self) -> Error {
        Error::gather(self.0).unwrap_or_else(|| Error::invalid("", "unreadable row"))
    }
}

impl<C: Cells> Row<'_, C> {
    fn opt(&self, column: &str) -> Option<&str> {
        self.0.text(column)
    }

    fn text(&self, column: &str) -> Option<String> {
        self.opt(column).map(str::to_owned)
    }

    fn req(&self, column: &str) -> Result<&str> {
        self.opt(column).ok_or_else(|| empty_cell(column))
    }

    fn req_date(&self, column: &str) -> Result<NaiveDate> {
        self.0.date(column)?.ok_or_else(|| empty_cell(column))
    }

    /// The amount of `amount_col` in the currency of `currency_col`.
    fn money(&self, amount_col: &str, currency_col: &str) -> Result<Money> {
        money(self.0, amount_col, Some(currency_col))
    }

    fn flag(&self, column: &str) -> Result<Option<bool>> {
        match self.opt(column).map(str::to_ascii_lowercase).as_deref() {
            None => Ok(None),
            Some("true" | "yes" | "1") => Ok(Some(true)),
            Some("false" | "no" | "0") => Ok(Some(false)),
            Some(other) => Err(Error::invalid(
                column,
                format!("{other:?} is not true or false"),
            )),
        }
    }

    fn list(&self, column: &str) -> impl Iterator<Item = &str> {
        self.opt(column)
            .unwrap_or_default()
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// A table without some of its `required` columns is an error for the whole table that
/// names every one missing ([`Columns::missing`]; no header to suggest is known here).
fn require_columns(table: &str, required: &[&str], has: impl Fn(&str) -> bool) -> Result<()> {
    let present: Vec<&str> = required.iter().copied().filter(|c| has(c)).collect();
    match Columns::default().missing(required, &present) {
        Some(message) => Err(Error::Csv {
            path: table.to_owned(),
            message,
        }),
        None => Ok(()),
    }
}

/// A table whose `headers` (as the file has them), mapped by `columns`, lack some of the
/// `required` columns is an `invalid_csv` error at `table` that names every missing one,
/// with the closest header suggested for each.
pub fn require_headers(
    table: &str,
    required: &[&str],
    headers: &[&str],
    columns: &Columns,
) -> Result<()> {
    match columns.missing(required, headers) {
        Some(message) => Err(Error::Csv {
            path: table.to_owned(),
            message,
        }),
        None => Ok(()),
    }
}

/// Reads the header and calls `each` on every data row, collecting one result per row;
/// errors are prefixed with the table and row (`projects[3]`).
fn read_rows<T>(
    text: &str,
    options: &Options,
    table: &str,
    required: &[&str],
    each: impl Fn(&Record<'_>) -> Result<T>,
) -> Result<Vec<Result<T>>> {
    if text.len() > super::MAX_INPUT_BYTES {
        return Err(Error::TooLarge {
            path: table.to_owned(),
            message: format!("input over {} bytes", super::MAX_INPUT_BYTES),
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let separator = separator(text);
    let dialect = Dialect::of(separator, options);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(separator)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Error::Csv {
            path: table.to_owned(),
            message: e.to_string(),
        })?
        .clone();
    let given: Vec<&str> = headers.iter().collect();
    require_headers(table, required, &given, &options.columns)?;
    let mapping = options.columns.for_headers(given.iter().copied());
    // The first column of a name wins, as it did before the mapping.
    let mut columns: HashMap<String, usize> = HashMap::new();
    for (i, name) in mapping.names(given).into_iter().enumerate() {
        columns.entry(name).or_insert(i);
    }
    let mut out = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let at = || format!("{table}[{index}]");
        out.push(match record {
            Ok(cells) => each(&Record {
                cells: &cells,
                columns: &columns,
                dialect,
                labels: &options.labels,
            })
            .map_err(|e| mapping.user_error(e).at(&at())),
            Err(e) => Err(Error::Csv {
                path: at(),
                message: e.to_string(),
            }),
        });
    }
    Ok(out)
}

/// The rows' values, or every bad row's errors as one ([`Error::gather`]).
fn all_ok<T>(rows: Vec<Result<T>>) -> Result<Vec<T>> {
    let mut ok = Vec::with_capacity(rows.len());
    let mut bad = Vec::new();
    for row in rows {
        match row {
            Ok(value) => ok.push(value),
            Err(e) => bad.push(e),
        }
    }
    Error::gather(bad).map_or(Ok(ok), Err)
}

fn project_row(r: &Row<'_, impl Cells>) -> Result<Project> {
    let dialect = r.1;
    // In the order of the columns, so that the first error is the leftmost bad cell.
    let mut bad = Faults::default();
    let id = bad.take(r.req("id").map(str::to_owned));
    let title = bad.take(r.req("title").map(str::to_owned));
    let labels = r.2;
    let region = bad.take(
        r.opt("region")
            .map(|s| labels.region(s).map_err(|e| e.at("region")))
            .transpose(),
    );
    let strategic_objective = bad.take(
        r.opt("strategic_objective")
            .map(|s| {
                labels
                    .strategic_objective(s)
                    .map_err(|e| e.at("strategic_objective"))
            })
            .transpose(),
    );
    let start = bad.take(r.req_date("start"));
    let end = bad.take(r.req_date("end"));
    let budget = bad.take(r.money("budget_amount", "budget_currency"));
    let rate = bad.take(
        r.0.amount(BUDGET_RATE)
            .and_then(|r| r.map(budget_rate).transpose()),
    );
    let donors = bad.take(
        r.list("donors")
            .map(|d| {
                let (name, category, locally_mobilized) =
                    donor_entry(d, labels).map_err(|e| e.at("donors"))?;
                Ok(Donor {
                    name: name.to_owned(),
                    category,
                    locally_mobilized,
                })
            })
            .collect::<Result<Vec<_>>>(),
    );
    let funding = bad.take(
        r.list("funding")
            .map(|f| {
                let parts: Vec<&str> = f.split(':').map(str::trim).collect();
                let [source, amount, cur] = parts.as_slice() else {
                    return Err(Error::invalid(
                        "funding",
                        format!("{f:?} is not source:amount:currency"),
                    ));
                };
                let m = Money {
                    amount: dialect.decimal("funding", amount)?,
                    currency: currency("funding", cur)?,
                };
                m.non_negative("funding")?;
                Ok(FundingLine {
                    source: labels
                        .source_of_funds(source)
                        .map_err(|e| e.at("funding"))?,
                    amount: m,
                })
            })
            .collect::<Result<Vec<_>>>(),
    );
    let country_has_dwcp = bad.take(r.flag("country_has_dwcp"));
    let planned = bad.take(
        r.list("evaluations")
            .map(|e| planned_evaluation(e, dialect))
            .collect::<Result<Vec<_>>>(),
    );
    let mid_term_review_agreed = bad.take(r.flag("mid_term_review_agreed"));
    let constituent_participation = r.text("constituent_participation");
    let (
        Some(donors),
        Some(funding),
        Some(planned),
        Some(mid_term_review_agreed),
        Some(id),
        Some(title),
        Some(region),
        Some(strategic_objective),
        Some(start),
        Some(end),
        Some(budget),
        Some(country_has_dwcp),
        Some(rate),
    ) = (
        donors,
        funding,
        planned,
        mid_term_review_agreed,
        id,
        title,
        region,
        strategic_objective,
        start,
        end,
        budget,
        country_has_dwcp,
        rate,
    )
    else {
        return Err(bad.error());
    };
    let has_plan = PLAN_COLUMNS.iter().any(|c| r.opt(c).is_some());
    let project = Project {
        id,
        title,
        country: r.text("country"),
        region,
        unit: r.text("unit"),
        field_office: r.text("field_office"),
        strategic_objective,
        donors,
        start,
        end,
        budget,
        funding,
        links: Links {
            pb_outcome: r.text("pb_outcome"),
            dwcp_outcome: r.text("dwcp_outcome"),
            country_has_dwcp,
            national_framework: r.text("national_framework"),
        },
        evaluation_plan: has_plan.then(|| EvaluationPlan {
            planned,
            mid_term_review_agreed: mid_term_review_agreed.unwrap_or(false),
            constituent_participation,
        }),
        provenance: Provenance {
            source: r.text("source"),
            illustrative: r.list("illustrative").map(str::to_owned).collect(),
        },
    };
    project.validate()?;
    match rate {
        Some(rate) => at_rate(project, rate),
        None => Ok(project),
    }
}

/// One entry of a `donors` cell, `name[|category][|local]`, its category in the built-in
/// spellings or the edition's.
fn donor_entry<'e>(
    entry: &'e str,
    labels: &Labels,
) -> Result<(&'e str, Option<DonorCategory>, bool)> {
    match Donor::parse_entry(entry) {
        Err(e) if !labels.donor_category.is_empty() => {
            let mut parts = entry.splitn(3, '|').map(str::trim);
            let (name, category, rest) = (parts.next(), parts.next(), parts.next());
            match (name, category.filter(|c| !c.is_empty())) {
                (Some(name), Some(category)) => {
                    let category = labels.donor_category(category)?;
                    let rest = rest.map(|r| format!("|{r}")).unwrap_or_default();
                    let (_, _, local) =
                        Donor::parse_entry(&format!("x|{}{rest}", category.as_str()))?;
                    Ok((name, Some(category), local))
                }
                _ => Err(e),
            }
        }
        other => other,
    }
}

/// One entry of an `evaluations` cell: `kind|independence|due|amount currency`.
fn planned_evaluation(e: &str, dialect: Dialect) -> Result<PlannedEvaluation> {
    let parts: Vec<&str> = e.split('|').map(str::trim).collect();
    let (kind, independence, due, budget) = match parts.as_slice() {
        [k, i] => (*k, *i, "", ""),
        [k, i, d] => (*k, *i, *d, ""),
        [k, i, d, b] => (*k, *i, *d, *b),
        _ => {
            return Err(Error::invalid(
                "evaluations",
                format!("{e:?} is not kind|independence|due|amount currency"),
            ))
        }
    };
    let budget = match budget.split_once(' ') {
        None if budget.is_empty() => None,
        Some((amount, cur)) => {
            let m = Money {
                amount: dialect.decimal("evaluations", amount)?,
                currency: currency("evaluations", cur.trim())?,
            };
            m.non_negative("evaluations")?;
            Some(m)
        }
        None => {
            return Err(Error::invalid(
                "evaluations",
                format!("{budget:?} is not \"amount currency\""),
            ))
        }
    };
    Ok(PlannedEvaluation {
        kind: enum_value("evaluations", kind)?,
        independence: enum_value("evaluations", independence)?,
        due: if due.is_empty() {
            None
        } else {
            Some(dialect.date("evaluations", due)?)
        },
        budget,
    })
}

/// Columns every project table has.
const REQUIRED_PROJECT_COLUMNS: &[&str] = &[
    "id",
    "title",
    "start",
    "end",
    "budget_amount",
    "budget_currency",
];

/// Reads a project table, one result per data row (a bad row does not stop the others;
/// a row repeating an earlier row's id is a `duplicate_id` error). The outer error is for
/// a table that cannot be read at all (missing required column).
///
/// ```
/// use tcrules::io::csv;
/// let rows = csv::read_project_rows("id,title,start,end,budget_amount,budget_currency\n\
///     P1,Pay equity,2010-03-01,2012-02-29,350000.01,USD\n\
///     P2,Broken,2010-03-01,2009-01-01,1,USD\n").unwrap();
/// assert_eq!(rows[0].as_ref().unwrap().budget.amount.to_string(), "350000.01");
/// assert_eq!(rows[1].as_ref().unwrap_err().path(), "projects[1].end");
/// ```
pub fn read_project_rows(text: &str) -> Result<Vec<Result<Project>>> {
    project_rows(text, &Options::default())
}

fn project_rows(text: &str, options: &Options) -> Result<Vec<Result<Project>>> {
    let rows = read_rows(text, options, "projects", REQUIRED_PROJECT_COLUMNS, |r| {
        project_row(&Row(r, r.dialect, r.labels))
    })?;
    Ok(unique_ids(rows))
}

/// Reads the rows of a project table from their cells, as [`read_project_rows`] reads
/// its text: one result per row, in order, with the same errors (`projects[i].column`,
/// `duplicate_id`). `has_column` says which columns the table has: one without a required
/// column is an `invalid_csv` error for the whole table. A row given as an error (a cell
/// its reader could not read) keeps that error.
///
/// ```
/// use tcrules::io::csv::{self, Cells};
/// struct Row(&'static str, &'static str);
/// impl Cells for Row {
///     fn text(&self, column: &str) -> Option<&str> {
///         match column {
///             "id" | "title" => Some(self.0),
///             "start" => Some("2010-03-01"),
///             "end" => Some(self.1),
///             "budget_amount" => Some("350000.01"),
///             "budget_currency" => Some("USD"),
///             _ => None,
///         }
///     }
/// }
/// let every = |_: &str| true;
/// let rows = [Ok(Row("P1", "2012-02-29")), Ok(Row("P2", "2009-01-01")), Ok(Row("P1", "2012-02-29"))];
/// let rows = csv::read_project_cells(every, rows).unwrap();
/// assert_eq!(rows[0].as_ref().unwrap().end.to_string(), "2012-02-29");
/// assert_eq!(rows[1].as_ref().unwrap_err().path(), "projects[1].end");
/// assert_eq!(rows[2].as_ref().unwrap_err().code(), "duplicate_id");
/// let no_title = |c: &str| c != "title";
/// let e = csv::read_project_cells(no_title, [Ok(Row("P1", "2012-02-29"))]).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("invalid_csv", "projects"));
/// ```
pub fn read_project_cells<C: Cells>(
    has_column: impl Fn(&str) -> bool,
    rows: impl IntoIterator<Item = Result<C>>,
) -> Result<Vec<Result<Project>>> {
    read_project_cells_with(has_column, rows, &NO_LABELS)
}

/// [`read_project_cells`] with an edition's own spellings of the vocabulary ([`Labels`]).
pub fn read_project_cells_with<C: Cells>(
    has_column: impl Fn(&str) -> bool,
    rows: impl IntoIterator<Item = Result<C>>,
    labels: &Labels,
) -> Result<Vec<Result<Project>>> {
    require_columns("projects", REQUIRED_PROJECT_COLUMNS, has_column)?;
    let rows = rows.into_iter().enumerate().map(|(i, row)| {
        row.and_then(|cells| {
            project_row(&Row(&cells, Dialect::default(), labels))
                .map_err(|e| e.at(&format!("projects[{i}]")))
        })
    });
    Ok(unique_ids(rows.collect()))
}

/// The rows with each project whose id an earlier project has made a `duplicate_id`
/// error.
fn unique_ids(mut rows: Vec<Result<Project>>) -> Vec<Result<Project>> {
    let mut seen = std::collections::HashSet::new();
    for (i, row) in rows.iter_mut().enumerate() {
        if let Ok(p) = row {
            if !seen.insert(p.id.clone()) {
                *row = Err(Error::DuplicateId {
                    path: format!("projects[{i}].id"),
                    id: p.id.clone(),
                });
            }
        }
    }
    rows
}

/// Reads a project table; every bad row's bad cells are the error ([`Error::Several`]
/// where there are more than one).
pub fn read_projects(text: &str) -> Result<Vec<Project>> {
    read_projects_with(text, &Options::default())
}

/// [`read_projects`] with the caller's [`Options`].
pub fn read_projects_with(text: &str, options: &Options) -> Result<Vec<Project>> {
    all_ok(project_rows(text, options)?)
}

fn record_row(r: &Row<'_, impl Cells>) -> Result<FinancialRecord> {
    let mut bad = Faults::default();
    let project = bad.take(r.req("project").map(str::to_owned));
    let month = bad.take(r.req("month").and_then(|m| r.1.month("month", m)));
    let source = bad.take(
        r.req("source")
            .and_then(|s| r.2.source_of_funds(s).map_err(|e| e.at("source"))),
    );
    let allocation = bad.take(r.money("allocation", "currency"));
    let expenditure = bad.take(r.money("expenditure", "currency"));
    let illustrative = bad.take(r.flag("illustrative"));
    let (
        Some(project),
        Some(month),
        Some(source),
        Some(allocation),
        Some(expenditure),
        Some(illustrative),
    ) = (
        project,
        month,
        source,
        allocation,
        expenditure,
        illustrative,
    )
    else {
        return Err(bad.error());
    };
    Ok(FinancialRecord {
        project,
        month,
        source,
        allocation,
        expenditure,
        illustrative: illustrative.unwrap_or(false),
    })
}

/// Reads a table of monthly records
/// (`project,month,source,currency,allocation,expenditure[,illustrative]`).
///
/// ```
/// let r = tcrules::io::csv::read_records("project,month,source,currency,allocation,expenditure\n\
///     P1,2008-03,xbtc,USD,45000,32000\n").unwrap();
/// assert_eq!(r[0].expenditure.amount.to_string(), "32000");
/// ```
pub fn read_records(text: &str) -> Result<Vec<FinancialRecord>> {
    read_records_with(text, &Options::default())
}

/// [`read_records`] with the caller's [`Options`].
pub fn read_records_with(text: &str, options: &Options) -> Result<Vec<FinancialRecord>> {
    all_ok(read_rows(text, options, "records", RECORD_COLUMNS, |r| {
        record_row(&Row(r, r.dialect, r.labels))
    })?)
}

fn approval_row(r: &Row<'_, impl Cells>) -> Result<Approval> {
    let mut bad = Faults::default();
    let donor = bad.take(r.req("donor").map(str::to_owned));
    let category = bad.take(
        r.req("category")
            .and_then(|c| r.2.donor_category(c).map_err(|e| e.at("category"))),
    );
    let year = bad.take(r.req("year").and_then(|y| parse("year", y, "a year")));
    let amount = bad.take(r.money("amount", "currency"));
    let locally_mobilized = bad.take(r.flag("locally_mobilized"));
    let (Some(donor), Some(category), Some(year), Some(amount), Some(locally_mobilized)) =
        (donor, category, year, amount, locally_mobilized)
    else {
        return Err(bad.error());
    };
    Ok(Approval {
        donor,
        category,
        year,
        amount,
        locally_mobilized,
        project: r.text("project"),
        source: r.text("source"),
    })
}

/// Columns every approvals table has.
const REQUIRED_APPROVAL_COLUMNS: &[&str] = &["donor", "category", "year", "currency", "amount"];

/// Reads a table of approvals (`donor,category,year,currency,amount[,locally_mobilized,project,source]`).
///
/// ```
/// let a = tcrules::io::csv::read_approvals("donor,category,year,currency,amount\n\
///     Norway,multi_bilateral,2000,USD,8437000\n").unwrap();
/// assert_eq!((a[0].donor.as_str(), a[0].year), ("Norway", 2000));
/// ```
pub fn read_approvals(text: &str) -> Result<Vec<Approval>> {
    read_approvals_with(text, &Options::default())
}

/// [`read_approvals`] with the caller's [`Options`].
pub fn read_approvals_with(text: &str, options: &Options) -> Result<Vec<Approval>> {
    all_ok(read_rows(
        text,
        options,
        "approvals",
        REQUIRED_APPROVAL_COLUMNS,
        |r| approval_row(&Row(r, r.dialect, r.labels)),
    )?)
}

/// Reads one CSV table, recognized by its header as a table of projects (it has
/// `budget_amount`), monthly records (`expenditure`) or approvals (`donor`), into a
/// portfolio holding just that table; every bad cell is the error ([`Error::Several`]
/// where there are more than one). Numeric dates are read only where unambiguous: see
/// [`read_table_with`] to say which comes first.
///
/// ```
/// use tcrules::io::csv;
/// let p = csv::read_table("donor,category,year,currency,amount\nNorway,multi_bilateral,2000,USD,8437000\n").unwrap();
/// assert_eq!(p.approvals[0].donor, "Norway");
/// assert_eq!(csv::read_table("a,b\n1,2\n").unwrap_err().code(), "invalid_csv");
/// ```
pub fn read_table(text: &str) -> Result<Portfolio> {
    read_table_with(text, &Options::default())
}

/// [`read_table`] with the caller's [`Options`]: a spreadsheet's table, separated by `;`,
/// with day-first dates, decimal commas and labels as people write them.
///
/// ```
/// use tcrules::io::csv::{self, Options};
/// let text = "\u{feff}id;title;region;start;end;budget_amount;budget_currency;funding\n\
///     P1;Jobs;Asia and the Pacific;03/04/2024;31/12/2025;1.250.000,00;eur;\"XB:1.000.000,00:EUR\"\n";
/// let p = csv::read_table_with(text, &Options::day_first(Some(true))).unwrap();
/// let project = &p.projects[0];
/// assert_eq!(project.start.to_string(), "2024-04-03");
/// assert_eq!(project.budget.amount.to_string(), "1250000.00");
/// assert_eq!(project.funding[0].source.as_str(), "xbtc");
/// let e = csv::read_table(text).unwrap_err();
/// assert!(e.to_string().contains("day_first"), "{e}");
/// ```
pub fn read_table_with(text: &str, options: &Options) -> Result<Portfolio> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut portfolio = Portfolio::default();
    match table_kind(text, &options.columns)? {
        Table::Projects => portfolio.projects = read_projects_with(text, options)?,
        Table::Records => portfolio.records = read_records_with(text, options)?,
        Table::Approvals => portfolio.approvals = read_approvals_with(text, options)?,
    }
    Ok(portfolio)
}

/// Reads a rates table (`currency,month,rate`; `month` optional, `YYYY-MM` or a date):
/// dated exchange rates ([`crate::money::rates`]), every bad row reported at once.
///
/// ```
/// use tcrules::io::csv;
/// let rates = csv::read_rates("currency,month,rate\neur,2024-01,1.08\nEUR,2024-07-01,1.1\nCHF,,1.12\n").unwrap();
/// assert_eq!(rates.rate_on("EUR".parse().unwrap(), "2024-06".parse().unwrap()).unwrap().to_string(), "1.08");
/// assert_eq!(rates.rate("CHF".parse().unwrap()).unwrap().to_string(), "1.12");
/// ```
pub fn read_rates(text: &str) -> Result<crate::money::Rates> {
    let rows = read_rows(
        text,
        &Options::default(),
        "rates",
        &["currency", "rate"],
        |r| {
            let r = Row(r, r.dialect, r.labels);
            let mut bad = Faults::default();
            let currency = bad.take(
                r.req("currency")
                    .and_then(|c| Currency::any_case(c).map_err(|e| e.at("currency"))),
            );
            let month = bad.take(
                r.opt("month")
                    .map(|m| crate::money::rates::month_cell(m).map_err(|e| e.at("month")))
                    .transpose(),
            );
            let rate = bad.take(r.req("rate").and_then(|v| r.1.decimal("rate", v)));
            match (currency, month, rate) {
                (Some(c), Some(m), Some(rate)) => Ok((c, m, rate)),
                _ => Err(bad.error()),
            }
        },
    )?;
    crate::money::Rates::from_rows(all_ok(rows)?)
}

/// The tables of the flat layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// Projects: one row per project ([`PROJECT_COLUMNS`]).
    Projects,
    /// Monthly records ([`RECORD_COLUMNS`]).
    Records,
    /// Approvals by donor and year ([`APPROVAL_COLUMNS`]).
    Approvals,
}

impl Table {
    /// `projects`, `records` or `approvals`.
    pub fn as_str(self) -> &'static str {
        match self {
            Table::Projects => "projects",
            Table::Records => "records",
            Table::Approvals => "approvals",
        }
    }

    /// The columns every table of this kind has.
    pub fn required(self) -> &'static [&'static str] {
        match self {
            Table::Projects => REQUIRED_PROJECT_COLUMNS,
            Table::Records => RECORD_COLUMNS,
            Table::Approvals => REQUIRED_APPROVAL_COLUMNS,
        }
    }
}

/// The header line's cells, as the file's separator splits them.
pub fn headers(text: &str) -> Result<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(separator(text))
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| Error::Csv {
        path: String::new(),
        message: e.to_string(),
    })?;
    Ok(headers.iter().map(|h| h.trim().to_owned()).collect())
}

/// Which table a CSV text is, by its header (mapped by `columns`): projects (it has
/// `budget_amount`), records (`expenditure`) or approvals (`donor`).
fn table_kind(text: &str, columns: &Columns) -> Result<Table> {
    let headers = headers(text)?;
    let given: Vec<&str> = headers.iter().map(String::as_str).collect();
    let names = columns
        .for_headers(given.iter().copied())
        .names(given.iter().copied());
    let has = |c: &str| names.iter().any(|n| n == c);
    if has("budget_amount") {
        return Ok(Table::Projects);
    } else if has("expenditure") {
        return Ok(Table::Records);
    } else if has("donor") {
        return Ok(Table::Approvals);
    }
    // None told apart: the table whose columns the headers resemble most, with every
    // column it lacks named and the closest header suggested.
    let best = [Table::Projects, Table::Records, Table::Approvals]
        .into_iter()
        .map(|t| (t, similar_columns(t, &given, columns)))
        .max_by_key(|(_, n)| *n);
    match best {
        // Half its columns there or suggested, at least.
        Some((table, n)) if n * 2 >= table.required().len() => {
            require_headers(table.as_str(), table.required(), &given, columns)?;
            Err(Error::Csv {
                path: String::new(),
                message: "not a table of projects, records or approvals".into(),
            })
        }
        _ => Err(Error::Csv {
            path: String::new(),
            message: "not a table of projects (budget_amount), records (expenditure) or approvals \
                      (donor): name the columns, or map your headers to these names with a \
                      column mapping"
                .into(),
        }),
    }
}

/// How many of `table`'s required columns the headers have, or resemble enough to be
/// suggested for them.
fn similar_columns(table: Table, headers: &[&str], columns: &Columns) -> usize {
    let required = table.required();
    match columns.missing(required, headers) {
        None => required.len(),
        Some(message) => {
            let lacking = required
                .iter()
                .filter(|c| message.contains(&format!("{c:?}")))
                .count();
            required.len() - lacking + message.matches("did you mean").count()
        }
    }
}

fn join<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    items.iter().map(f).collect::<Vec<_>>().join(";")
}

/// Writes projects as a CSV table in [`PROJECT_COLUMNS`] order (without [`BUDGET_RATE`]);
/// reading it back gives the same projects.
///
/// ```
/// use tcrules::{io::csv, Project};
/// let p: Project = serde_json::from_str(r#"{"id": "P1", "title": "T", "start": "2024-01-01",
///     "end": "2025-06-30", "budget": {"amount": "350000.01", "currency": "USD"}}"#).unwrap();
/// let text = csv::write_projects(std::slice::from_ref(&p)).unwrap();
/// assert_eq!(csv::read_projects(&text).unwrap(), [p]);
/// ```
pub fn write_projects(projects: &[Project]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| Error::Io {
        path: "projects".into(),
        message: e.to_string(),
    };
    // A budget read at its row's own rate is held in US dollars: no rate to write.
    let columns = PROJECT_COLUMNS.iter().filter(|c| **c != BUDGET_RATE);
    w.write_record(columns).map_err(io)?;
    for p in projects {
        let plan = p.evaluation_plan.as_ref();
        let opt = |s: &Option<String>| s.clone().unwrap_or_default();
        w.write_record([
            p.id.clone(),
            p.title.clone(),
            opt(&p.country),
            p.region.map(|r| r.as_str().to_owned()).unwrap_or_default(),
            opt(&p.unit),
            opt(&p.field_office),
            p.strategic_objective
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            p.start.to_string(),
            p.end.to_string(),
            p.budget.amount.to_string(),
            p.budget.currency.to_string(),
            join(&p.donors, |d| {
                let category = d.category.map(|c| c.as_str()).unwrap_or_default();
                match (category, d.locally_mobilized) {
                    ("", false) => d.name.clone(),
                    (_, false) => format!("{}|{category}", d.name),
                    (_, true) => format!("{}|{category}|local", d.name),
                }
            }),
            join(&p.funding, |f| {
                format!(
                    "{}:{}:{}",
                    f.source.as_str(),
                    f.amount.amount,
                    f.amount.currency
                )
            }),
            opt(&p.links.pb_outcome),
            opt(&p.links.dwcp_outcome),
            p.links
                .country_has_dwcp
                .map(|b| b.to_string())
                .unwrap_or_default(),
            opt(&p.links.national_framework),
            plan.map(|pl| {
                join(&pl.planned, |e| {
                    format!(
                        "{}|{}|{}|{}",
                        e.kind.as_str(),
                        e.independence.as_str(),
                        e.due.map(|d| d.to_string()).unwrap_or_default(),
                        e.budget
                            .map(|b| format!("{} {}", b.amount, b.currency))
                            .unwrap_or_default()
                    )
                })
            })
            .unwrap_or_default(),
            plan.map(|pl| pl.mid_term_review_agreed.to_string())
                .unwrap_or_default(),
            plan.and_then(|pl| pl.constituent_participation.clone())
                .unwrap_or_default(),
            opt(&p.provenance.source),
            p.provenance.illustrative.join(";"),
        ])
        .map_err(io)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Io {
        path: "projects".into(),
        message: e.to_string(),
    })?;
    String::from_utf8(bytes).map_err(|e| Error::Io {
        path: "projects".into(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "id,title,start,end,budget_amount,budget_currency,donors,funding,evaluations,country_has_dwcp\n";

    #[test]
    fn nested_cells_parse() {
        let text = format!(
            "{HEADER}P1,T,2024-01-01,2025-06-30,350000.00,USD,USDOL|multi_bilateral;UNDP|united_nations|local,xbtc:300000:USD;rbtc:50000:USD,mid_term|external|2024-10-01|20000 USD;final|internal_independent||,yes\n"
        );
        let p = read_projects(&text).unwrap().remove(0);
        assert_eq!(p.donors.len(), 2);
        assert!(p.donors[1].locally_mobilized);
        assert_eq!(p.funding[1].amount.amount.to_string(), "50000");
        let plan = p.evaluation_plan.unwrap();
        assert_eq!(plan.planned.len(), 2);
        assert!(plan.planned[1].budget.is_none());
        assert_eq!(p.links.country_has_dwcp, Some(true));
    }

    #[test]
    fn errors_name_row_and_column() {
        let cases = [
            (
                "P1,T,2024-01-01,2025-06-30,abc,USD,,,,",
                "projects[0].budget_amount",
                "invalid_value",
            ),
            (
                "P1,T,2024-01-01,2025-06-30,1,XXX,,,,",
                "projects[0].budget_currency",
                "unknown_currency",
            ),
            (
                "P1,T,2024-01-01,2025-06-30,-1,USD,,,,",
                "projects[0].budget_amount",
                "negative_amount",
            ),
            (
                "P1,T,2024-01-01,2025-06-30,1,USD,A|nope,,,",
                "projects[0].donors",
                "invalid_value",
            ),
            (
                "P1,T,2024-01-01,2025-06-30,1,USD,,,final,",
                "projects[0].evaluations",
                "invalid_value",
            ),
            (
                "P1,T,2024-01-01,2025-06-30,1,USD,,,,maybe",
                "projects[0].country_has_dwcp",
                "invalid_value",
            ),
            (
                "P1,T,2024-13-01,2025-06-30,1,USD,,,,",
                "projects[0].start",
                "invalid_value",
            ),
            (
                ",T,2024-01-01,2025-06-30,1,USD,,,,",
                "projects[0].id",
                "invalid_value",
            ),
        ];
        for (row, path, code) in cases {
            let rows = read_project_rows(&format!("{HEADER}{row}\n")).unwrap();
            let e = rows[0].as_ref().unwrap_err();
            assert_eq!((e.path(), e.code()), (path, code), "{row}");
        }
    }

    /// A row's cells as text, by the columns of [`HEADER`]; `start` given as a value.
    struct Typed(Vec<String>, Option<NaiveDate>);

    impl Cells for Typed {
        fn text(&self, column: &str) -> Option<&str> {
            let i = HEADER.trim_end().split(',').position(|c| c == column)?;
            Some(self.0.get(i)?.trim()).filter(|s| !s.is_empty())
        }

        fn date(&self, column: &str) -> Result<Option<NaiveDate>> {
            match column {
                "start" => Ok(self.1),
                _ => self.text(column).map(|s| date(column, s)).transpose(),
            }
        }
    }

    #[test]
    fn cells_read_as_their_text_reads() {
        let rows = [
            "P1,T,2024-01-01,2025-06-30,350000.00,USD,USDOL|multi_bilateral,xbtc:1:USD,final|external||,yes",
            "P2,T,2024-01-01,2023-06-30,1,USD,,,,",
            "P3,T,2024-01-01,2025-06-30,-1,USD,,,,",
            "P4,T,2024-01-01,2025-06-30,1,,,,,",
            "P1,T,2024-01-01,2025-06-30,1,EUR,,,,",
            "P5,T,,2025-06-30,1,EUR,,,,",
            "P6,T,2024-01-01,2025-06-30,1,USD,,,final,",
        ];
        let text = format!("{HEADER}{}\n", rows.join("\n"));
        let cells = rows.iter().map(|r| {
            let cells: Vec<String> = r.split(',').map(str::to_owned).collect();
            let start = cells.get(2).and_then(|s| s.parse().ok());
            Ok(Typed(cells, start))
        });
        let from_cells = read_project_cells(|c| HEADER.contains(c), cells).unwrap();
        assert_eq!(from_cells, read_project_rows(&text).unwrap());
        let codes: Vec<&str> = from_cells
            .iter()
            .map(|r| r.as_ref().map_or_else(|e| e.code(), |_| "ok"))
            .collect();
        assert_eq!(
            codes,
            [
                "ok",
                "end_before_start",
                "negative_amount",
                "invalid_value",
                "duplicate_id",
                "invalid_value",
                "invalid_value"
            ]
        );
        // A row its reader could not read keeps its own error.
        let unread = Error::invalid("start", "unreadable");
        let rows = read_project_cells(|_| true, [Err::<Typed, _>(unread.clone())]).unwrap();
        assert_eq!(rows[0].as_ref().unwrap_err(), &unread);
    }

    #[test]
    fn money_is_required_and_not_negative_and_usd_without_a_currency_column() {
        let row = |amount: &str, currency: &str| {
            let cells = format!("P,T,,,{amount},{currency},,,,");
            Typed(cells.split(',').map(str::to_owned).collect(), None)
        };
        let money = |r: &Typed, currency| money(r, "budget_amount", currency);
        let eur = money(&row("12.50", "EUR"), Some("budget_currency")).unwrap();
        assert_eq!(eur.to_string(), "EUR 12.50");
        assert_eq!(
            money(&row("12.50", ""), None).unwrap(),
            Money::usd(Decimal::new(1250, 2))
        );
        let error = |r: Typed, currency| {
            let e = money(&r, currency).unwrap_err();
            (e.code(), e.path().to_owned(), e.to_string())
        };
        let at = Some("budget_currency");
        assert_eq!(
            error(row("", "EUR"), at),
            (
                "invalid_value",
                "budget_amount".into(),
                "budget_amount: required value is empty".into()
            )
        );
        assert_eq!(error(row("1", ""), at).1, "budget_currency");
        assert_eq!(error(row("1", "EURO"), at).0, "unknown_currency");
        assert_eq!(
            error(row("-0.5", "EUR"), at),
            (
                "negative_amount",
                "budget_amount".into(),
                "budget_amount: -0.5 is negative".into()
            )
        );
        assert!(money(&row("-0", "EUR"), at).is_ok());
    }

    /// A project table as a spreadsheet in a decimal-comma locale saves it: a byte-order
    /// mark, `;` separators, day-first dates, grouped amounts with the decimal comma,
    /// labels and lower-case currencies.
    const SPREADSHEET: &str = "\u{feff}id;title;region;strategic_objective;start;end;budget_amount;budget_currency;donors;funding;evaluations\n\
        P1;Skills for jobs;Asia and the Pacific;Employment;03/04/2024;31/12/2025;1.250.000,00;eur;USDOL|Multi-bilateral donors;\"XB:1.000.000,00:EUR;RB:250.000,00:eur\";mid-term|external|01/01/2025|20.000,50 EUR\n\
        P2;Dialogue;Arab States;SO 4;01.02.2024;30.06.2026;350000,01;USD;UN|UN|local;;\n";

    #[test]
    fn a_spreadsheet_table_reads_with_its_dialect() {
        let day_first = Options::day_first(Some(true));
        let p = read_table_with(SPREADSHEET, &day_first).unwrap().projects;
        assert_eq!(p.len(), 2);
        let (p1, p2) = (&p[0], &p[1]);
        assert_eq!(
            (p1.start.to_string(), p1.end.to_string()),
            ("2024-04-03".into(), "2025-12-31".into())
        );
        assert_eq!(p1.budget.to_string(), "EUR 1,250,000.00");
        assert_eq!(p1.region, Some(crate::model::Region::AsiaPacific));
        assert_eq!(p1.funding[0].source, crate::model::SourceOfFunds::Xbtc);
        assert_eq!(p1.funding[1].amount.to_string(), "EUR 250,000.00");
        let planned = &p1.evaluation_plan.as_ref().unwrap().planned[0];
        assert_eq!(planned.budget.unwrap().to_string(), "EUR 20,000.50");
        assert_eq!(planned.due.unwrap().to_string(), "2025-01-01");
        assert_eq!(p2.start.to_string(), "2024-02-01");
        assert_eq!(p2.budget.amount.to_string(), "350000.01");
        assert_eq!(
            p2.donors[0].category,
            Some(crate::model::DonorCategory::UnitedNations)
        );
        assert_eq!(
            p2.strategic_objective,
            Some(crate::model::StrategicObjective::SocialDialogue)
        );
        // Without a choice, the dates that read both ways are errors naming the option;
        // the first (03/04/2024) and the second (01.02.2024) alike.
        let e = read_table(SPREADSHEET).unwrap_err();
        let paths: Vec<&str> = e.errors().iter().map(|e| e.path()).collect();
        assert_eq!(paths, ["projects[0].start", "projects[1].start"]);
        assert!(e.to_string().contains("day_first"), "{e}");
        // Month first, 31/12/2025 is not a date.
        let e = read_table_with(SPREADSHEET, &Options::day_first(Some(false))).unwrap_err();
        assert_eq!(e.path(), "projects[0].end");
    }

    #[test]
    fn separators_and_numbers() {
        let tab = "id\ttitle\tstart\tend\tbudget_amount\tbudget_currency\nP1\tT\t2024-01-01\t2024-12-31\t1,250,000.00\tusd\n";
        let p = read_projects(tab).unwrap();
        assert_eq!(p[0].budget.to_string(), "USD 1,250,000.00");
        let comma = format!("{HEADER}P1,T,2024-01-01,2025-06-30,\"1,250,000.00\",USD,,,,\n");
        assert_eq!(
            read_projects(&comma).unwrap()[0].budget.amount.to_string(),
            "1250000.00"
        );
        let point = Dialect::default();
        let semicolon = Dialect::of(b';', &Options::default());
        let ok = |d: Dialect, s: &str| {
            d.decimal("a", s)
                .map(|n| n.to_string())
                .map_err(|e| e.to_string())
        };
        assert_eq!(ok(point, "-1,234.5"), Ok("-1234.5".into()));
        assert_eq!(ok(point, "1250.5"), Ok("1250.5".into()));
        assert!(ok(point, "1,25").is_err());
        assert!(ok(point, "12,34,567.00").is_err());
        assert!(ok(point, "1.250,00").is_err());
        assert_eq!(ok(semicolon, "1.250,5"), Ok("1250.5".into()));
        assert_eq!(ok(semicolon, "1.250.000"), Ok("1250000".into()));
        assert_eq!(ok(semicolon, "350000.01"), Ok("350000.01".into()));
        assert_eq!(ok(semicolon, "12.5"), Ok("12.5".into()));
        assert_eq!(ok(semicolon, "1250.500"), Ok("1250.500".into()));
        assert_eq!(ok(semicolon, "-1,5"), Ok("-1.5".into()));
        assert_eq!(
            ok(semicolon, "-1.250"),
            Err("a: \"-1.250\" could be a thousands separator or a decimal point: write -1250 or -1,250".into())
        );
        assert!(ok(semicolon, "1,250.00").is_err());
        assert_eq!(separator("\"a;b\",c\n"), b',');
        assert_eq!(separator("a;b\tc;d\n"), b';');
    }

    #[test]
    fn dates_as_spreadsheets_write_them() {
        let unsaid = Dialect::default();
        let day = |d: Dialect, s: &str| {
            d.date("d", s)
                .map(|d| d.to_string())
                .map_err(|e| e.to_string())
        };
        assert_eq!(day(unsaid, "2024-01-31 00:00:00"), Ok("2024-01-31".into()));
        assert_eq!(day(unsaid, "01/01/2024"), Ok("2024-01-01".into()));
        assert_eq!(day(unsaid, "12/31/2024"), Ok("2024-12-31".into()));
        assert_eq!(day(unsaid, "31-12-2024"), Ok("2024-12-31".into()));
        assert_eq!(
            day(unsaid, "02/03/2024"),
            Err("d: \"02/03/2024\" could be 2 March 2024 or 3 February 2024: say which with the day_first option (--day-first or --month-first)".into())
        );
        for bad in [
            "1/1/24",
            "2024/01/01",
            "01/13/2024/1",
            "01/02-2024",
            "31/31/2024",
            "",
            "x",
        ] {
            assert!(day(unsaid, bad).is_err(), "{bad}");
        }
        let month_first = Dialect::of(b',', &Options::day_first(Some(false)));
        assert_eq!(day(month_first, "02/03/2024"), Ok("2024-02-03".into()));
        assert_eq!(
            day(month_first, "31/12/2024"),
            Err("d: \"31/12/2024\" is not a date (MM/DD/YYYY)".into())
        );
        assert_eq!(day(month_first, "2024-02-29"), Ok("2024-02-29".into()));
    }

    #[test]
    fn every_bad_cell_is_reported_at_once() {
        let text = format!(
            "{HEADER}\
             P1,T,2024-01-01,2025-06-30,1,USD,,,,\n\
             P2,T,2024-13-01,2025-06-30,abc,XXX,,,,\n\
             P3,T,2024-01-01,2025-06-30,1,USD,,,,maybe\n\
             P1,T,2024-01-01,2025-06-30,1,usd,,,,\n"
        );
        let e = read_projects(&text).unwrap_err();
        assert_eq!((e.code(), e.path()), ("invalid_value", "projects[1].start"));
        let found: Vec<(&str, &str)> = e.errors().iter().map(|e| (e.path(), e.code())).collect();
        assert_eq!(
            found,
            [
                ("projects[1].start", "invalid_value"),
                ("projects[1].budget_amount", "invalid_value"),
                ("projects[2].country_has_dwcp", "invalid_value"),
                ("projects[3].id", "duplicate_id"),
            ]
        );
        // The per-row reader keeps each row's cells with its row.
        let rows = read_project_rows(&text).unwrap();
        assert_eq!(rows[1].as_ref().unwrap_err().errors().len(), 2);
        // Past the cap, the others are counted.
        let many: String = (0..150)
            .map(|i| format!("P{i},T,2024-01-01,2025-06-30,-1,USD,,,,\n"))
            .collect();
        let e = read_projects(&format!("{HEADER}{many}")).unwrap_err();
        assert_eq!(
            (e.code(), e.errors().len(), e.omitted()),
            ("negative_amount", 100, 50)
        );
        let r = read_records(
            "project,month,source,currency,allocation,expenditure\nP1,2005-3,XB,usd,x,60\n",
        )
        .unwrap_err();
        let paths: Vec<&str> = r.errors().iter().map(|e| e.path()).collect();
        assert_eq!(paths, ["records[0].month", "records[0].allocation"]);
        let a = read_approvals("donor,category,year,currency,amount\nNorway,EU,two,USD,-1\n")
            .unwrap_err();
        let paths: Vec<&str> = a.errors().iter().map(|e| e.path()).collect();
        assert_eq!(paths, ["approvals[0].year", "approvals[0].amount"]);
    }

    #[test]
    fn an_editions_own_spellings_are_read_after_the_built_in_ones() {
        let policy = crate::Policy::from_json(
            r#"{"name": "ours", "version": "1", "extends": "ilo-2006", "labels": {
                "region": {"AP": "asia_pacific"},
                "source_of_funds": {"Donor funds": "xbtc"},
                "donor_category": {"Bilat": "multi_bilateral"},
                "strategic_objective": {"Jobs": "employment"}}}"#,
        )
        .unwrap();
        let options = Options {
            labels: policy.spec().labels.clone(),
            ..Options::default()
        };
        let projects = "id,title,region,strategic_objective,start,end,budget_amount,budget_currency,donors,funding
            P1,T,ap,JOBS,2024-01-01,2025-06-30,100,USD,Norway|bilat|local,donor funds:100:USD
";
        let p = read_projects_with(projects, &options).unwrap().remove(0);
        assert_eq!(p.region, Some(crate::model::Region::AsiaPacific));
        assert_eq!(
            p.strategic_objective,
            Some(crate::model::StrategicObjective::Employment)
        );
        assert_eq!(p.donors[0].category, Some(DonorCategory::MultiBilateral));
        assert!(p.donors[0].locally_mobilized);
        assert_eq!(p.funding[0].source, crate::model::SourceOfFunds::Xbtc);
        // Without the edition, the same spellings are the usual error.
        let e = read_projects(projects).unwrap_err();
        let paths: Vec<&str> = e.errors().iter().map(|e| e.path()).collect();
        assert_eq!(
            paths,
            [
                "projects[0].region",
                "projects[0].strategic_objective",
                "projects[0].donors",
                "projects[0].funding"
            ]
        );
        let records = "project,month,source,currency,allocation,expenditure
P1,2024-01,Donor Funds,USD,1,1
";
        assert_eq!(
            read_records_with(records, &options).unwrap()[0].source,
            crate::model::SourceOfFunds::Xbtc
        );
        let approvals = "donor,category,year,currency,amount
Norway,BILAT,2000,USD,1
";
        assert_eq!(
            read_approvals_with(approvals, &options).unwrap()[0].category,
            DonorCategory::MultiBilateral
        );
        // An unknown spelling lists the edition's too.
        let e = read_projects_with(&projects.replace(",ap,", ",Atlantis,"), &options).unwrap_err();
        assert!(e.to_string().contains("(or this edition's: AP)"), "{e}");
    }

    #[test]
    fn a_column_mapping_reads_the_users_headers_and_names_them_in_errors() {
        let options = Options {
            day_first: Some(true),
            columns: Columns::new([
                ("Project ID", "id"),
                ("Start Date", "start"),
                ("Budget", "budget_amount"),
            ])
            .unwrap(),
            ..Options::default()
        };
        let text = "Project ID;Title;Start Date;End;Budget;Budget Currency
            P1;T;31/01/2024;2025-06-30;1.000,00;usd
            P2;T;31/02/2024;2025-06-30;x;usd
";
        let e = read_table_with(text, &options).unwrap_err();
        let paths: Vec<&str> = e.errors().iter().map(|e| e.path()).collect();
        assert_eq!(paths, ["projects[1].Start Date", "projects[1].Budget"]);
        assert!(e.to_string().starts_with("projects[1].Start Date: "), "{e}");
        let ok = read_table_with(
            &text.replace(
                "P2;T;31/02/2024;2025-06-30;x",
                "P2;T;01/02/2024;2025-06-30;2",
            ),
            &options,
        )
        .unwrap();
        assert_eq!(ok.projects[0].budget.amount.to_string(), "1000.00");
        // Without it: every missing column in one error, with the closest header.
        let e = read_table_with(text, &Options::day_first(Some(true))).unwrap_err();
        assert_eq!((e.code(), e.path()), ("invalid_csv", "projects"));
        assert_eq!(
            e.to_string(),
            "projects: the table has no columns \"id\" (did you mean \"Project ID\"?), \"start\" (did \
             you mean \"Start Date\"?), \"budget_amount\" (did you mean \"Budget\"?): say which \
             of your columns is which with a column mapping, e.g. {\"Project ID\": \"id\"}"
        );
        // A month as any date in it.
        let records = "project,month,source,currency,allocation,expenditure
P1,31/05/2024,XB,USD,1,1
";
        assert_eq!(
            read_records(records).unwrap()[0].month.to_string(),
            "2024-05"
        );
    }

    #[test]
    fn missing_required_column_is_a_table_error() {
        let e = read_project_rows("id,title\nP1,T\n").unwrap_err();
        assert_eq!(e.code(), "invalid_csv");
    }

    #[test]
    fn records_and_approvals() {
        let r = read_records(
            "project,month,source,currency,allocation,expenditure\nP1,2005-03,xbtc,USD,100,60\n",
        )
        .unwrap();
        assert_eq!(r[0].month.to_string(), "2005-03");
        let a = read_approvals(
            "donor,category,year,currency,amount\nNorway,multi_bilateral,2000,USD,8437000\n",
        )
        .unwrap();
        assert_eq!(a[0].year, 2000);
        let e = read_records(
            "project,month,source,currency,allocation,expenditure\nP1,2005-3,xbtc,USD,100,60\n",
        )
        .unwrap_err();
        assert_eq!(e.path(), "records[0].month");
    }
}
