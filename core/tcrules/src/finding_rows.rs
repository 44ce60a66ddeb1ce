//! Every finding of a project table as rows, one per finding: the long table an analyst
//! filters and counts. The columnar engine (tcrules-arrow's `findings`) builds it column
//! by column for whole portfolios; here it is built row by row for the JSON boundary
//! (`api::call("findings", ...)`), whose conformance vectors every binding runs, so that
//! both answer the same.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::delivery::{self, GroupBy};
use crate::error::{ErrorInfo, Result};
use crate::finding::Facts;
use crate::io::csv;
use crate::model::{FinancialRecord, Project};
use crate::money::Rates;
use crate::period::ReportingPeriod;
use crate::rule::{RuleId, Severity, Status, Text};
use crate::{evaluation, Finding, Policy};

/// Whether the EVAL rules read `column` of a project table: the required columns, the
/// budget's own rate, the funding lines and the plan ([`csv::PLAN_COLUMNS`]). The others
/// are not read, so a bad cell there is not the findings table's error.
pub fn reads(column: &str) -> bool {
    csv::Table::Projects.required().contains(&column)
        || [csv::BUDGET_RATE, "funding"].contains(&column)
        || csv::PLAN_COLUMNS.contains(&column)
}

/// A row of a project table as JSON gives it: each cell's text by column.
pub type TextRow = BTreeMap<String, Option<String>>;

/// One row of the findings table: a finding of a project, or a project that could not be
/// evaluated (its error, no rule).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FindingRow {
    /// The project's input row, from 0; `None` for a project the records name and the
    /// table does not.
    pub row: Option<usize>,
    /// The project's id; `None` where its row has none.
    pub project: Option<String>,
    pub rule: Option<RuleId>,
    pub status: Option<Status>,
    pub severity: Option<Severity>,
    pub subject: Option<Text>,
    pub message: Option<Text>,
    pub help: Option<Text>,
    pub citation: Option<Text>,
    /// The fields the rule needed and did not find.
    pub missing: Vec<String>,
    /// The values the rule compared.
    pub facts: Facts,
    pub error_code: Option<String>,
    /// The error in words, relative to the row (`end: ...`).
    pub error_message: Option<String>,
}

impl FindingRow {
    fn of(row: Option<usize>, project: Option<&str>, f: Finding) -> Self {
        FindingRow {
            row,
            project: project.map(str::to_owned),
            rule: Some(f.rule),
            status: Some(f.status),
            severity: Some(f.severity),
            subject: f.subject,
            message: Some(f.message),
            help: f.help,
            citation: Some(f.citation),
            missing: f.missing,
            facts: f.facts,
            error_code: None,
            error_message: None,
        }
    }

    fn error(row: usize, project: Option<&str>, e: &ErrorInfo) -> Self {
        FindingRow {
            row: Some(row),
            project: project.map(str::to_owned),
            rule: None,
            status: None,
            severity: None,
            subject: None,
            message: None,
            help: None,
            citation: None,
            missing: Vec::new(),
            facts: Facts::default(),
            error_code: Some(e.code.clone()),
            error_message: Some(e.message.clone()),
        }
    }
}

/// The findings table of a project table's rows (each row's project, or the error that
/// kept it from being one, with its id cell where it has one) and, given records and a
/// period, each project's delivery findings over the period after them (DLV-RATE,
/// DLV-NO-ALLOCATION, DLV-OVERSPEND; R6 §140).
///
/// ```
/// use tcrules::{finding_rows, io::csv, money::Rates, Policy};
/// let table = "id,title,start,end,budget_amount,budget_currency\n\
///              P1,Youth,2024-01-01,2025-06-30,350000.01,USD\n\
///              P2,Migration,2024-01-01,2023-06-30,1,USD\n";
/// let rows = csv::read_project_rows(table).unwrap();
/// let ids = ["P1", "P2"].map(Some);
/// let out = finding_rows::rows(&rows, &ids, None, &Policy::default(), &Rates::usd_only()).unwrap();
/// assert_eq!(out.len(), 6); // five findings of P1, and P2's error
/// assert_eq!(out[5].error_code.as_deref(), Some("end_before_start"));
/// assert_eq!(out[5].error_message.as_deref(), Some("end: end date 2023-06-30 is before start date 2024-01-01"));
/// ```
pub fn rows(
    projects: &[Result<Project>],
    ids: &[Option<&str>],
    records: Option<(&[FinancialRecord], ReportingPeriod)>,
    policy: &Policy,
    rates: &Rates,
) -> Result<Vec<FindingRow>> {
    let mut out = Vec::new();
    for (i, p) in projects.iter().enumerate() {
        let id = ids.get(i).copied().flatten();
        let mut found = Vec::new();
        match p.as_ref().map_err(|e| e.info()).and_then(|p| {
            evaluation::evaluate_into(p, policy, rates, &mut found)
                .map_err(|e| csv::as_table_error(e.info()))
        }) {
            Ok(_) => out.extend(found.into_iter().map(|f| FindingRow::of(Some(i), id, f))),
            Err(e) => out.push(FindingRow::error(
                i,
                id,
                &e.within(&format!("projects[{i}]")),
            )),
        }
    }
    if let Some((records, period)) = records {
        let report = delivery::delivery(&[], records, GroupBy::Project, period, policy, rates)?;
        for g in &report.groups {
            let row = ids.iter().position(|id| *id == Some(g.group.as_str()));
            let mut found = Vec::new();
            delivery::assess_into(g, GroupBy::Project, policy, &mut found);
            out.extend(
                found
                    .into_iter()
                    .map(|f| FindingRow::of(row, Some(&g.group), f)),
            );
        }
    }
    Ok(out)
}

/// [`rows`] of a project table given as rows of text cells in the flat layout
/// ([`crate::io::csv`]), read with the edition's labels; only the columns [`reads`] names are read
/// (a row's `budget_rate` among them).
pub fn of_text_rows(
    table: &[TextRow],
    records: Option<(&[FinancialRecord], ReportingPeriod)>,
    policy: &Policy,
    rates: &Rates,
) -> Result<Vec<FindingRow>> {
    fn cell<'a>(row: &'a TextRow, column: &str) -> Option<&'a str> {
        row.get(column)
            .filter(|_| reads(column))
            .and_then(|v| v.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
    struct Cells<'a>(&'a TextRow);
    impl csv::Cells for Cells<'_> {
        fn text(&self, column: &str) -> Option<&str> {
            cell(self.0, column)
        }
    }
    let has = |c: &str| reads(c) && table.iter().any(|r| r.contains_key(c));
    // No rows, no columns to ask for: no projects (the records' findings still follow).
    if table.is_empty() {
        return rows(&[], &[], records, policy, rates);
    }
    let projects = csv::read_project_cells_with(
        has,
        table.iter().map(|r| Ok(Cells(r))),
        &policy.spec().labels,
    )?;
    let ids: Vec<Option<&str>> = table.iter().map(|r| cell(r, "id")).collect();
    rows(&projects, &ids, records, policy, rates)
}
