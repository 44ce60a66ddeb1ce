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
use crate::money::Money;

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

/// One data row, its cells found by header name.
struct Row<'a> {
    table: &'a str,
    index: usize,
    cells: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
}

impl Row<'_> {
    fn path(&self, column: &str) -> String {
        format!("{}[{}].{column}", self.table, self.index)
    }

    fn opt(&self, column: &str) -> Option<&str> {
        self.columns
            .get(column)
            .and_then(|i| self.cells.get(*i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    fn text(&self, column: &str) -> Option<String> {
        self.opt(column).map(str::to_owned)
    }

    fn req(&self, column: &str) -> Result<&str> {
        self.opt(column)
            .ok_or_else(|| Error::invalid(self.path(column), "required value is empty"))
    }

    fn parse<T: std::str::FromStr>(&self, column: &str, s: &str, what: &str) -> Result<T> {
        s.parse()
            .map_err(|_| Error::invalid(self.path(column), format!("{s:?} is not {what}")))
    }

    fn enum_value<T: std::str::FromStr<Err = Error>>(&self, column: &str, s: &str) -> Result<T> {
        s.parse::<T>().map_err(|e| e.at(&self.path(column)))
    }

    fn date(&self, column: &str, s: &str) -> Result<NaiveDate> {
        self.parse(column, s, "a date (YYYY-MM-DD)")
    }

    fn decimal(&self, column: &str, s: &str) -> Result<Decimal> {
        let d: Decimal = self.parse(column, s, "a decimal number")?;
        Ok(d)
    }

    /// The amount of `amount_col` in the currency of `currency_col`.
    fn money(&self, amount_col: &str, currency_col: &str) -> Result<Money> {
        let amount = self.decimal(amount_col, self.req(amount_col)?)?;
        let currency = self.enum_value(currency_col, self.req(currency_col)?)?;
        let m = Money { amount, currency };
        m.non_negative(&self.path(amount_col))
            .map_err(|_| Error::Negative {
                path: self.path(amount_col),
                value: amount.to_string(),
            })?;
        Ok(m)
    }

    fn flag(&self, column: &str) -> Result<Option<bool>> {
        match self.opt(column).map(str::to_ascii_lowercase).as_deref() {
            None => Ok(None),
            Some("true" | "yes" | "1") => Ok(Some(true)),
            Some("false" | "no" | "0") => Ok(Some(false)),
            Some(other) => Err(Error::invalid(
                self.path(column),
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

/// Reads the header and calls `each` on every data row, collecting one result per row.
fn read_rows<T>(
    text: &str,
    table: &str,
    required: &[&str],
    each: impl Fn(&Row<'_>) -> Result<T>,
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
    for c in required {
        if !columns.contains_key(*c) {
            return Err(Error::Csv {
                path: table.to_owned(),
                message: format!("missing column {c:?}"),
            });
        }
    }
    let mut out = Vec::new();
    for (index, record) in reader.records().enumerate() {
        out.push(match record {
            Ok(cells) => each(&Row {
                table,
                index,
                cells: &cells,
                columns: &columns,
            }),
            Err(e) => Err(Error::Csv {
                path: format!("{table}[{index}]"),
                message: e.to_string(),
            }),
        });
    }
    Ok(out)
}

fn all_ok<T>(rows: Vec<Result<T>>) -> Result<Vec<T>> {
    rows.into_iter().collect()
}

fn project_row(r: &Row<'_>) -> Result<Project> {
    let donors = r
        .list("donors")
        .map(|d| {
            let (name, category, locally_mobilized) =
                Donor::parse_entry(d).map_err(|e| e.at(&r.path("donors")))?;
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
                    r.path("funding"),
                    format!("{f:?} is not source:amount:currency"),
                ));
            };
            let amount = r.decimal("funding", amount)?;
            let m = Money {
                amount,
                currency: r.enum_value("funding", cur)?,
            };
            m.non_negative(&r.path("funding"))?;
            Ok(FundingLine {
                source: r.enum_value("funding", source)?,
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
                        r.path("evaluations"),
                        format!("{e:?} is not kind|independence|due|amount currency"),
                    ))
                }
            };
            let budget = match budget.split_once(' ') {
                None if budget.is_empty() => None,
                Some((amount, cur)) => {
                    let m = Money {
                        amount: r.decimal("evaluations", amount)?,
                        currency: r.enum_value("evaluations", cur.trim())?,
                    };
                    m.non_negative(&r.path("evaluations"))?;
                    Some(m)
                }
                None => {
                    return Err(Error::invalid(
                        r.path("evaluations"),
                        format!("{budget:?} is not \"amount currency\""),
                    ))
                }
            };
            Ok(PlannedEvaluation {
                kind: r.enum_value("evaluations", kind)?,
                independence: r.enum_value("evaluations", independence)?,
                due: if due.is_empty() {
                    None
                } else {
                    Some(r.date("evaluations", due)?)
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
            .map(|s| r.enum_value("region", s))
            .transpose()?,
        unit: r.text("unit"),
        field_office: r.text("field_office"),
        strategic_objective: r
            .opt("strategic_objective")
            .map(|s| r.enum_value("strategic_objective", s))
            .transpose()?,
        donors,
        start: r.date("start", r.req("start")?)?,
        end: r.date("end", r.req("end")?)?,
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
    project
        .validate()
        .map_err(|e| e.at(&format!("projects[{}]", r.index)))?;
    Ok(project)
}

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
    let mut rows = read_rows(
        text,
        "projects",
        &[
            "id",
            "title",
            "start",
            "end",
            "budget_amount",
            "budget_currency",
        ],
        project_row,
    )?;
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
    Ok(rows)
}

/// Reads a project table; the first bad row is the error.
pub fn read_projects(text: &str) -> Result<Vec<Project>> {
    all_ok(read_project_rows(text)?)
}

fn record_row(r: &Row<'_>) -> Result<FinancialRecord> {
    Ok(FinancialRecord {
        project: r.req("project")?.to_owned(),
        month: r
            .req("month")?
            .parse()
            .map_err(|e: Error| e.at(&r.path("month")))?,
        source: r.enum_value("source", r.req("source")?)?,
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
    all_ok(read_rows(text, "records", RECORD_COLUMNS, record_row)?)
}

fn approval_row(r: &Row<'_>) -> Result<Approval> {
    Ok(Approval {
        donor: r.req("donor")?.to_owned(),
        category: r.enum_value("category", r.req("category")?)?,
        year: r.parse("year", r.req("year")?, "a year")?,
        amount: r.money("amount", "currency")?,
        locally_mobilized: r.flag("locally_mobilized")?.unwrap_or(false),
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
        approval_row,
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
