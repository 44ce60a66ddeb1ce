//! Flat CSV tables for spreadsheet users: projects, monthly records and approvals.
//!
//! One row per item, with a header. Nested parts of a project fit in one cell each:
//!
//! | column | form | example |
//! |---|---|---|
//! | `donors` | `name\|category[\|local]` joined by `;` | `USDOL\|multi_bilateral;UNDP\|united_nations\|local` |
//! | `funding` | `source:amount:currency` joined by `;` | `xbtc:300000:USD;rbtc:20000:USD` |
//! | `evaluations` | `kind\|independence\|due\|amount currency` joined by `;` (due and amount may be empty) | `mid_term\|external\|2025-01-01\|20000 USD;final\|internal_independent\|\|` |
//! | `illustrative` | field names joined by `;` | `budget;evaluations` |
//!
//! Required project columns: `id`, `title`, `start`, `end`, `budget_amount`,
//! `budget_currency`; every other column may be absent or empty. Errors name the row and
//! column as `projects[i].column` (i counts data rows from 0).

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::model::{
    Approval, Donor, EvaluationPlan, FinancialRecord, FundingLine, Links, PlannedEvaluation,
    Portfolio, Project, Provenance,
};
use crate::money::{Currency, Money};

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

/// A cell's text as a date (`YYYY-MM-DD`); the error names `column`.
///
/// ```
/// use tcrules::io::csv;
/// assert_eq!(csv::date("start", "2024-02-29").unwrap().to_string(), "2024-02-29");
/// let e = csv::date("start", "2024-02-30").unwrap_err();
/// assert_eq!(e.to_string(), r#"start: "2024-02-30" is not a date (YYYY-MM-DD)"#);
/// ```
pub fn date(column: &str, text: &str) -> Result<NaiveDate> {
    parse(column, text, "a date (YYYY-MM-DD)")
}

/// A cell's text as an exact decimal number; the error names `column`.
pub fn decimal(column: &str, text: &str) -> Result<Decimal> {
    parse(column, text, "a decimal number")
}

/// The error for an empty cell in a column that needs a value.
pub fn empty_cell(column: &str) -> Error {
    Error::invalid(column, "required value is empty")
}

fn parse<T: std::str::FromStr>(column: &str, s: &str, what: &str) -> Result<T> {
    s.parse()
        .map_err(|_| Error::invalid(column, format!("{s:?} is not {what}")))
}

fn enum_value<T: std::str::FromStr<Err = Error>>(column: &str, s: &str) -> Result<T> {
    s.parse::<T>().map_err(|e| e.at(column))
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
        Some(column) => enum_value(column, Row(cells).req(column)?)?,
        None => IMPLIED_CURRENCY,
    };
    let m = Money { amount, currency };
    m.non_negative(amount_column).map_err(|_| Error::Negative {
        path: amount_column.to_owned(),
        value: amount.to_string(),
    })?;
    Ok(m)
}

/// A CSV record's cells, found by header name.
struct Record<'a> {
    cells: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
}

impl Cells for Record<'_> {
    fn text(&self, column: &str) -> Option<&str> {
        self.columns
            .get(column)
            .and_then(|i| self.cells.get(*i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// A row's cells with the readers of the layout; errors name the column, and the caller
/// adds the table and row.
struct Row<'c, C>(&'c C);

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

/// A table without one of its `required` columns is an error for the whole table.
fn require_columns(table: &str, required: &[&str], has: impl Fn(&str) -> bool) -> Result<()> {
    match required.iter().find(|c| !has(c)) {
        Some(c) => Err(Error::Csv {
            path: table.to_owned(),
            message: format!("missing column {c:?}"),
        }),
        None => Ok(()),
    }
}

/// Reads the header and calls `each` on every data row, collecting one result per row;
/// errors are prefixed with the table and row (`projects[3]`).
fn read_rows<T>(
    text: &str,
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
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Error::Csv {
            path: table.to_owned(),
            message: e.to_string(),
        })?
        .clone();
    let columns: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().trim_start_matches('\u{feff}').to_owned(), i))
        .collect();
    require_columns(table, required, |c| columns.contains_key(c))?;
    let mut out = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let at = || format!("{table}[{index}]");
        out.push(match record {
            Ok(cells) => each(&Record {
                cells: &cells,
                columns: &columns,
            })
            .map_err(|e| e.at(&at())),
            Err(e) => Err(Error::Csv {
                path: at(),
                message: e.to_string(),
            }),
        });
    }
    Ok(out)
}

fn all_ok<T>(rows: Vec<Result<T>>) -> Result<Vec<T>> {
    rows.into_iter().collect()
}

fn project_row(r: &Row<'_, impl Cells>) -> Result<Project> {
    let donors = r
        .list("donors")
        .map(|d| {
            let (name, category, locally_mobilized) =
                Donor::parse_entry(d).map_err(|e| e.at("donors"))?;
            Ok(Donor {
                name: name.to_owned(),
                category,
                locally_mobilized,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let funding = r
        .list("funding")
        .map(|f| {
            let parts: Vec<&str> = f.split(':').map(str::trim).collect();
            let [source, amount, cur] = parts.as_slice() else {
                return Err(Error::invalid(
                    "funding",
                    format!("{f:?} is not source:amount:currency"),
                ));
            };
            let amount = decimal("funding", amount)?;
            let m = Money {
                amount,
                currency: enum_value("funding", cur)?,
            };
            m.non_negative("funding")?;
            Ok(FundingLine {
                source: enum_value("funding", source)?,
                amount: m,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let planned = r
        .list("evaluations")
        .map(|e| {
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
                        amount: decimal("evaluations", amount)?,
                        currency: enum_value("evaluations", cur.trim())?,
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
                    Some(date("evaluations", due)?)
                },
                budget,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mid_term_review_agreed = r.flag("mid_term_review_agreed")?;
    let constituent_participation = r.text("constituent_participation");
    let has_plan = r.opt("evaluations").is_some()
        || mid_term_review_agreed.is_some()
        || constituent_participation.is_some();
    let project = Project {
        id: r.req("id")?.to_owned(),
        title: r.req("title")?.to_owned(),
        country: r.text("country"),
        region: r
            .opt("region")
            .map(|s| enum_value("region", s))
            .transpose()?,
        unit: r.text("unit"),
        field_office: r.text("field_office"),
        strategic_objective: r
            .opt("strategic_objective")
            .map(|s| enum_value("strategic_objective", s))
            .transpose()?,
        donors,
        start: r.req_date("start")?,
        end: r.req_date("end")?,
        budget: r.money("budget_amount", "budget_currency")?,
        funding,
        links: Links {
            pb_outcome: r.text("pb_outcome"),
            dwcp_outcome: r.text("dwcp_outcome"),
            country_has_dwcp: r.flag("country_has_dwcp")?,
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
    Ok(project)
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
    let rows = read_rows(text, "projects", REQUIRED_PROJECT_COLUMNS, |r| {
        project_row(&Row(r))
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
    require_columns("projects", REQUIRED_PROJECT_COLUMNS, has_column)?;
    let rows = rows.into_iter().enumerate().map(|(i, row)| {
        row.and_then(|cells| project_row(&Row(&cells)).map_err(|e| e.at(&format!("projects[{i}]"))))
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

/// Reads a project table; the first bad row is the error.
pub fn read_projects(text: &str) -> Result<Vec<Project>> {
    all_ok(read_project_rows(text)?)
}

fn record_row(r: &Row<'_, impl Cells>) -> Result<FinancialRecord> {
    Ok(FinancialRecord {
        project: r.req("project")?.to_owned(),
        month: r.req("month")?.parse().map_err(|e: Error| e.at("month"))?,
        source: enum_value("source", r.req("source")?)?,
        allocation: r.money("allocation", "currency")?,
        expenditure: r.money("expenditure", "currency")?,
        illustrative: r.flag("illustrative")?.unwrap_or(false),
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
    all_ok(read_rows(text, "records", RECORD_COLUMNS, |r| {
        record_row(&Row(r))
    })?)
}

fn approval_row(r: &Row<'_, impl Cells>) -> Result<Approval> {
    Ok(Approval {
        donor: r.req("donor")?.to_owned(),
        category: enum_value("category", r.req("category")?)?,
        year: parse("year", r.req("year")?, "a year")?,
        amount: r.money("amount", "currency")?,
        locally_mobilized: r.flag("locally_mobilized")?,
        project: r.text("project"),
        source: r.text("source"),
    })
}

/// Reads a table of approvals (`donor,category,year,currency,amount[,locally_mobilized,project,source]`).
///
/// ```
/// let a = tcrules::io::csv::read_approvals("donor,category,year,currency,amount\n\
///     Norway,multi_bilateral,2000,USD,8437000\n").unwrap();
/// assert_eq!((a[0].donor.as_str(), a[0].year), ("Norway", 2000));
/// ```
pub fn read_approvals(text: &str) -> Result<Vec<Approval>> {
    all_ok(read_rows(
        text,
        "approvals",
        &["donor", "category", "year", "currency", "amount"],
        |r| approval_row(&Row(r)),
    )?)
}

/// Reads one CSV table, recognized by its header as a table of projects (it has
/// `budget_amount`), monthly records (`expenditure`) or approvals (`donor`), into a
/// portfolio holding just that table; the first bad row is the error.
///
/// ```
/// use tcrules::io::csv;
/// let p = csv::read_table("donor,category,year,currency,amount\nNorway,multi_bilateral,2000,USD,8437000\n").unwrap();
/// assert_eq!(p.approvals[0].donor, "Norway");
/// assert_eq!(csv::read_table("a,b\n1,2\n").unwrap_err().code(), "invalid_csv");
/// ```
pub fn read_table(text: &str) -> Result<Portfolio> {
    let header = text.lines().next().unwrap_or_default();
    let mut portfolio = Portfolio::default();
    if header.contains("budget_amount") {
        portfolio.projects = read_projects(text)?;
    } else if header.contains("expenditure") {
        portfolio.records = read_records(text)?;
    } else if header.contains("donor") {
        portfolio.approvals = read_approvals(text)?;
    } else {
        return Err(Error::Csv {
            path: String::new(),
            message: "not a table of projects (budget_amount), records (expenditure) or approvals (donor)".into(),
        });
    }
    Ok(portfolio)
}

fn join<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    items.iter().map(f).collect::<Vec<_>>().join(";")
}

/// Writes projects as a CSV table in [`PROJECT_COLUMNS`] order; reading it back gives the
/// same projects.
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
    w.write_record(PROJECT_COLUMNS).map_err(io)?;
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
                format!(
                    "{}|{}{}",
                    d.name,
                    d.category.as_str(),
                    if d.locally_mobilized { "|local" } else { "" }
                )
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
